package io.asmready.server;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A real client program (curl, ab) run by a test. Missing, it skips the test with one line, except under
 * {@code CI=true}, where a missing peer fails it: CI must prove the behaviour, not skip it.
 */
final class Peer {
    private static final long TIMEOUT_SECONDS = 120;

    private final String program;

    private Peer(String program) {
        this.program = program;
    }

    /**
     * The program on PATH.
     *
     * @param name       program name, e.g. {@code ab}
     * @param aptPackage the Debian package that has it, for the message
     */
    static Peer require(String name, String aptPackage) {
        Optional<Path> found = onPath(name);
        if (found.isEmpty()) {
            String message = name + " is not installed (apt-get install " + aptPackage + ")";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(message + "; CI must run this test");
            }
            Assumptions.abort("SKIP: " + message + "; this is not a pass");
        }
        return new Peer(found.get().toString());
    }

    /**
     * Runs the program to completion, bounded in time.
     *
     * @return its standard output and error, with its exit status
     */
    Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(program);
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        // Read as it comes, so that a chatty program never blocks on a full pipe.
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * What the program printed and how it ended.
     *
     * @param exitStatus exit status
     * @param output     standard output and error, interleaved
     */
    record Result(int exitStatus, String output) {
    }
}
