package io.asmready.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.asmready.server.config.EnvOverrides;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * helloserver as a process, the way a container runs it: environment overrides, the start-up line, a request log
 * record on stdout, a silent client cut by the idle timeout, SIGTERM handled by the graceful path, and a bad
 * setting refused with one line.
 */
class MainProcessTest {
    private static final Duration START = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile(
            "Starting server\\.\\.\\. listening on http://[^:]+:(\\d+)/, health and metrics on http://[^:]+:(\\d+)/observe/ ");
    /** JVM exit status after SIGTERM once the shutdown hooks have run (128 + 15). */
    private static final int SIGTERM_EXIT = 143;

    private Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();

    @AfterEach
    void killLeftovers() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Test
    void servesLogsCutsSilentClientsAndStopsGracefullyOnSigterm() throws Exception {
        start(Map.of("PORT", "0",
                     "ADMIN_PORT", "0",
                     "HOST", "127.0.0.1",
                     "LOG_REQUESTS", "true",
                     "SHUTDOWN_GRACE_SECONDS", "5",
                     // Helidon's own env mapping, for the silent-client case below.
                     "SERVER_IDLE_DASH_CONNECTION_DASH_TIMEOUT", "PT1S",
                     "SERVER_IDLE_DASH_CONNECTION_DASH_PERIOD", "PT0.2S"));
        String startLine = awaitLine(stdout, "Starting server...", START);
        Matcher matcher = LISTENING.matcher(startLine);
        assertThat(startLine, matcher.find(), is(true));
        int port = Integer.parseInt(matcher.group(1));
        int adminPort = Integer.parseInt(matcher.group(2));
        assertThat(RawHttp.exchange(adminPort, RawHttp.get(System.getProperty("asmready.health.ready"))),
                   startsWith("HTTP/1.1 200"));

        String response = RawHttp.exchange(port, RawHttp.get("/from/process?q=1"));
        assertThat(response, startsWith("HTTP/1.1 200"));
        assertThat(RawHttp.body(response), is("Hello World! /from/process?q=1"));
        awaitLine(stdout, "GET /from/process?q=1 headers: {", START);

        try (Socket silent = RawHttp.open(port)) {
            assertThat("server closed a connection that never sent a byte", RawHttp.closedByServer(silent), is(true));
        }

        // SIGTERM through the handle: Process.destroy() would also close our end of stdout and lose the last lines.
        assertThat(process.toHandle().destroy(), is(true));
        assertThat("exited after SIGTERM", process.waitFor(START.toSeconds(), TimeUnit.SECONDS), is(true));
        assertThat(process.exitValue(), is(SIGTERM_EXIT));
        awaitStreamsClosed();
        // Logged from the shutdown hook, while the JDK's own hook would reset java.util.logging.
        awaitLine(stdout, "Stopping server: readiness DOWN", Duration.ZERO);
        awaitLine(stdout, "Server stopped in", Duration.ZERO);
    }

    @Test
    void logFormatJsonWritesEveryLineAsOneJsonObject() throws Exception {
        start(Map.of("PORT", "0", "ADMIN_PORT", "0", "HOST", "127.0.0.1", "LOG_FORMAT", "json"));
        String startLine = awaitLine(stdout, "Starting server...", START);
        Matcher matcher = LISTENING.matcher(JSON.readTree(startLine).get("message").asText());
        assertThat(startLine, matcher.find(), is(true));
        int port = Integer.parseInt(matcher.group(1));
        RawHttp.exchange(port, "GET /json?q=1 HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer s3cr3t\r\n"
                + "Connection: close\r\n\r\n");
        String requestLine = awaitLine(stdout, "\"message\":\"GET /json?q=1\"", START);

        assertThat(process.toHandle().destroy(), is(true));
        assertThat(process.waitFor(START.toSeconds(), TimeUnit.SECONDS), is(true));
        awaitStreamsClosed();
        // From the first line (Helidon's, before the settings are read) to the last (the graceful stop).
        assertThat(stdout.size() > 3, is(true));
        for (String line : stdout) {
            JsonNode json = JSON.readTree(line);
            assertThat(line, json.get("severity").asText(), anyOf(is("INFO"), is("WARNING")));
            assertThat(line, json.hasNonNull("time") && json.hasNonNull("message"), is(true));
        }
        JsonNode request = JSON.readTree(requestLine);
        assertThat(request.get("httpRequest").get("status").asInt(), is(200));
        assertThat(request.get("httpRequest").get("requestUrl").asText(), is("http://localhost/json?q=1"));
        assertThat(request.get("headers").get("Authorization").asText(), is("<redacted>"));
        assertThat(requestLine, not(containsString("s3cr3t")));
        assertThat(JSON.readTree(stdout.getLast()).get("message").asText(), startsWith("Server stopped in "));
    }

    @Test
    void unknownLogFormatStopsWithOneLineAndNonZeroExit() throws Exception {
        start(Map.of("LOG_FORMAT", "xml", "PORT", "0", "ADMIN_PORT", "0"));
        assertThat(process.waitFor(START.toSeconds(), TimeUnit.SECONDS), is(true));
        assertThat(process.exitValue(), is(1));
        awaitStreamsClosed();
        assertThat(stderr, contains("helloserver: invalid configuration: helloserver.log-format (env LOG_FORMAT) must be "
                                            + "text or json, got 'xml'"));
    }

    @Test
    void badSettingStopsWithOneLineAndNonZeroExit() throws Exception {
        start(Map.of("PORT", "eighty"));
        assertThat(process.waitFor(START.toSeconds(), TimeUnit.SECONDS), is(true));
        assertThat(process.exitValue(), is(1));
        awaitStreamsClosed();
        assertThat(stderr, contains("helloserver: invalid configuration: server.port (env PORT) must be an integer "
                                            + "from 0 to 65535, got 'eighty'"));
    }

    @Test
    void adminPortInUseStopsWithOneLineAndNonZeroExit() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            start(Map.of("PORT", "0", "ADMIN_PORT", String.valueOf(taken.getLocalPort()), "HOST", "127.0.0.1"));
            assertThat(process.waitFor(START.toSeconds(), TimeUnit.SECONDS), is(true));
            assertThat(process.exitValue(), is(1));
            awaitStreamsClosed();
            assertThat(stderr.getLast(), is("helloserver: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                                                    + " for health and metrics (cause logged above; ADMIN_PORT sets "
                                                    + "another port)"));
        }
    }

    @Test
    void portInUseStopsWithOneLineAndNonZeroExit() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            start(Map.of("PORT", String.valueOf(taken.getLocalPort()), "ADMIN_PORT", "0", "HOST", "127.0.0.1"));
            assertThat(process.waitFor(START.toSeconds(), TimeUnit.SECONDS), is(true));
            assertThat(process.exitValue(), is(1));
            awaitStreamsClosed();
            assertThat(stderr.getLast(), is("helloserver: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                                                    + " (cause logged above)"));
        }
    }

    private void start(Map<String, String> env) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                                                    Main.class.getName());
        builder.environment().keySet().removeIf(name -> EnvOverrides.KEYS.containsKey(name)
                || name.startsWith("SERVER_") || name.startsWith("ADMIN_"));
        builder.environment().putAll(env);
        process = builder.start();
        collect(process.getInputStream(), stdout, "stdout");
        collect(process.getErrorStream(), stderr, "stderr");
    }

    private final List<Thread> readers = new CopyOnWriteArrayList<>();

    private void collect(InputStream stream, List<String> lines, String name) {
        readers.add(Thread.ofVirtual().name("helloserver-" + name).start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // process gone
            }
        }));
    }

    private void awaitStreamsClosed() throws InterruptedException {
        for (Thread reader : readers) {
            assertThat("output stream closed", reader.join(START), is(true));
        }
    }

    private static String awaitLine(List<String> lines, String fragment, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            for (String line : lines) {
                if (line.contains(fragment)) {
                    return line;
                }
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no line with '" + fragment + "' within " + timeout + "; output: " + lines);
    }
}
