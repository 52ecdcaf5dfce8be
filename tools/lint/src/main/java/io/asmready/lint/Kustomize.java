package io.asmready.lint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;

/**
 * Renders a kustomization with {@code kubectl kustomize} (kustomize built into kubectl; offline, no
 * cluster). The same renderer Argo CD and Skaffold use, so what is checked is what gets applied.
 * The binary is {@code $KUBECTL} when set, else {@code kubectl} on PATH.
 */
public final class Kustomize {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Kustomize() {
    }

    /** The rendered objects of a kustomization directory; a rendering error throws with kubectl's message. */
    public static List<JsonNode> render(Path dir) {
        return Yaml.readAll(renderText(dir), "kubectl kustomize " + dir);
    }

    /** The rendered YAML stream, as kubectl prints it. */
    public static String renderText(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new LintException("cannot render " + dir + ": no such directory");
        }
        String kubectl = System.getenv().getOrDefault("KUBECTL", "kubectl");
        List<String> command = new ArrayList<>(List.of(kubectl, "kustomize", dir.toString()));
        Path stderr = null;
        try {
            stderr = Files.createTempFile("kustomize", ".err");
            Process process = new ProcessBuilder(command)
                    .redirectError(stderr.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            // Read stdout fully before waiting: a large render would otherwise fill the pipe and stall.
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new LintException("kubectl kustomize " + dir + " did not finish within " + TIMEOUT.toSeconds() + " s");
            }
            if (process.exitValue() != 0) {
                String message = Files.readString(stderr).strip().replace('\n', ' ');
                throw new LintException("kubectl kustomize " + dir + " failed: " + message);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LintException("cannot run '" + kubectl + " kustomize' (kubectl 1.27+ is needed on PATH, "
                    + "or set KUBECTL): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LintException("interrupted while rendering " + dir, e);
        } finally {
            if (stderr != null) {
                try {
                    Files.deleteIfExists(stderr);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }
}
