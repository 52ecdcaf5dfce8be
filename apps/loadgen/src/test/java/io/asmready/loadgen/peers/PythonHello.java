package io.asmready.loadgen.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.asmready.loadgen.Await;

/**
 * The original sample's server: Python's {@code http.server} (src/test/resources/hello_http10.py), a peer
 * this project did not write. HTTP/1.0, no Content-Length, one answer per connection. Needs {@code python3}.
 */
public final class PythonHello implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final Path log;
    private final int port;

    private PythonHello(Process process, Path dir, Path log, int port) {
        this.process = process;
        this.dir = dir;
        this.log = log;
        this.port = port;
    }

    /** Starts it on a free loopback port and returns once it accepts connections. */
    public static PythonHello start() throws IOException {
        Path script;
        try {
            script = Path.of(PythonHello.class.getResource("/hello_http10.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Path dir = Files.createTempDirectory("loadgen-python-peer");
        Path portFile = dir.resolve("port");
        Path log = dir.resolve("requests.log");
        Files.createFile(log);
        Process process;
        try {
            process = new ProcessBuilder("python3", script.toString(), portFile.toString(), log.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("output.txt").toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("python3 is needed for this test (apt-get install python3): " + e.getMessage());
        }
        Await.until("the Python server's port file", () -> Files.exists(portFile) || !process.isAlive(),
                    () -> output(dir));
        if (!process.isAlive()) {
            throw new IllegalStateException("the Python server exited: " + output(dir));
        }
        int port = Integer.parseInt(Files.readString(portFile).strip());
        return new PythonHello(process, dir, log, port);
    }

    public int port() {
        return port;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** One line per answered request: time, request line, and the raw request head as Python's repr. */
    public List<String> requests() {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static String output(Path dir) {
        try {
            Path out = dir.resolve("output.txt");
            return Files.exists(out) ? Files.readString(out) : "";
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
