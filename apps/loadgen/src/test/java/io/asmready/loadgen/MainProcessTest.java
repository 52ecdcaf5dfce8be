package io.asmready.loadgen;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.asmready.server.HelloRouting;

import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static io.asmready.loadgen.Matches.pattern;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/** The real process: environment in, exit status and printed lines out, SIGTERM handled. */
@ServerTest
class MainProcessTest {
    private final URI helloserver;

    MainProcessTest(URI uri) {
        this.helloserver = uri;
    }

    private static final String LIVE = System.getProperty("asmready.health.live", "/observe/health/live");
    private static final String METRICS = System.getProperty("asmready.metrics.path", "/observe/metrics");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> SEVERITIES = Set.of("DEBUG", "INFO", "WARNING", "ERROR");

    // Requests the test server received, from any run of this class (they run one at a time).
    private static final AtomicInteger RECEIVED = new AtomicInteger();

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        routing.addFilter((chain, req, res) -> {
            RECEIVED.incrementAndGet();
            chain.proceed();
        });
        HelloRouting.routing(routing);
    }

    @Test
    void aMissingVariableGivesTheOriginalsLineAndStatus1() throws Exception {
        Run run = Run.start(Map.of("REQUESTS_PER_SECOND", "5"));
        assertThat(run.awaitExit(), is(1));
        assertThat(run.lines, contains("SERVER_ADDR env variable is not defined"));
    }

    @Test
    void anInvalidValueGivesOneLineAndNoStackTrace() throws Exception {
        Run run = Run.start(Map.of("SERVER_ADDR", helloserver.toString(), "REQUESTS_PER_SECOND", "fast"));
        assertThat(run.awaitExit(), is(2));
        assertThat(run.lines, contains("Invalid REQUESTS_PER_SECOND=\"fast\": expected a positive integer (1 to 1000000)"));
    }

    @Test
    void sigtermStopsTheRunPrintsTheSummaryAndExits0() throws Exception {
        Run run = Run.start(Map.of("SERVER_ADDR", helloserver.toString(), "REQUESTS_PER_SECOND", "20", "ADMIN_PORT", "0"));
        Await.until("a completion line", () -> run.lines.stream().anyMatch(l -> l.matches("[1-9]\\d* request\\(s\\) complete to .*")),
                    run.lines::toString);

        // SIGTERM through the handle: Process.destroy() would also close our end of its output pipe.
        run.process.toHandle().destroy();

        assertThat(run.awaitExit(), is(0));
        assertThat(run.lines, hasItem(pattern("Summary: sent=\\d+ completed=\\d+ failed=0 rate=\\d+\\.\\d/s p50=.*")));
        assertThat(run.lines.getLast(), pattern("Summary: .*"));
    }

    @Test
    void aTimedRunEndsByItselfWithStatus0() throws Exception {
        int before = RECEIVED.get();
        Run run = Run.start(Map.of("SERVER_ADDR", helloserver.toString(), "REQUESTS_PER_SECOND", "10",
                                   "DURATION_SECONDS", "1", "ADMIN_PORT", "0"));
        assertThat(run.awaitExit(), is(0));
        assertThat(run.lines, hasItem(pattern("🚀 Starting loadgen: .*")));
        assertThat(run.lines.getLast(), pattern("Summary: sent=10 completed=10 failed=0 rate=10\\.0/s .*"));
        // Exactly the schedule's requests: the warm-up goes to the loadgen's own server, never to the target.
        assertThat(RECEIVED.get() - before, is(10));
        // Without LOG_FORMAT, java.util.logging's records keep their one text line each.
        assertThat(run.logged, hasItem(pattern(".* INFO io\\.helidon\\.webserver\\.LoomServer: Started all channels .*")));
    }

    @Test
    void anInvalidLogFormatGivesOneLineAndStatus2() throws Exception {
        Run run = Run.start(Map.of("LOG_FORMAT", "xml", "SERVER_ADDR", helloserver.toString(),
                                   "REQUESTS_PER_SECOND", "5"));
        assertThat(run.awaitExit(), is(2));
        assertThat(run.lines, contains("Invalid LOG_FORMAT=\"xml\": expected text or json"));
    }

    @Test
    void withLogFormatJsonEveryLineIsOneCloudLoggingObject() throws Exception {
        int before = RECEIVED.get();
        // PORT instead of ADMIN_PORT: its deprecation notice is a line too.
        Run run = Run.start(Map.of("LOG_FORMAT", "json", "SERVER_ADDR", helloserver.toString(),
                                   "REQUESTS_PER_SECOND", "10", "DURATION_SECONDS", "1", "PORT", "0"));
        assertThat(run.awaitExit(), is(0));
        assertThat(RECEIVED.get() - before, is(10));

        assertThat(run.logged, is(empty()));
        List<JsonNode> lines = parse(run.lines);
        assertThat(lines.getFirst().get("severity").asText(), is("WARNING"));
        assertThat(lines.getFirst().get("message").asText(), is("PORT is deprecated for loadgen: its health and "
                + "metrics server listens on ADMIN_PORT; using PORT=0"));
        List<String> messages = lines.stream().map(l -> l.get("message").asText()).toList();
        assertThat(messages, hasItem(pattern("🚀 Starting loadgen: .*")));
        // Still greppable by the text line's words.
        assertThat(messages, hasItem(pattern("[1-9]\\d* request\\(s\\) complete to " + helloserver)));
        // java.util.logging's records too, with their logger.
        assertThat(lines.stream().filter(l -> l.has("logger")).map(l -> l.get("logger").asText()).toList(),
                   hasItem("io.helidon.webserver.LoomServer"));

        JsonNode summary = lines.stream().filter(l -> "summary".equals(l.path("event").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no summary in " + run.lines));
        assertThat(summary.get("severity").asText(), is("INFO"));
        assertThat(summary.get("message").asText(), pattern("Summary: sent=10 completed=10 failed=0 rate=10\\.0/s .*"));
        assertThat(summary.get("target").asText(), is(helloserver.toString()));
        assertThat(summary.get("sent").asLong(), is(10L));
        assertThat(summary.get("completed").asLong(), is(10L));
        assertThat(summary.get("failed").asLong(), is(0L));
        long completed = lines.stream().filter(l -> "second".equals(l.path("event").asText()))
                .mapToLong(l -> l.get("completed").asLong()).sum();
        assertThat(completed, is(10L));
    }

    @Test
    void withLogFormatJsonABadSettingIsOneErrorObject() throws Exception {
        Run run = Run.start(Map.of("LOG_FORMAT", "JSON", "SERVER_ADDR", helloserver.toString(),
                                   "REQUESTS_PER_SECOND", "fast"));
        assertThat(run.awaitExit(), is(2));
        List<JsonNode> lines = parse(run.lines);
        assertThat(lines.size(), is(1));
        assertThat(lines.getFirst().get("severity").asText(), is("ERROR"));
        assertThat(lines.getFirst().get("message").asText(),
                   is("Invalid REQUESTS_PER_SECOND=\"fast\": expected a positive integer (1 to 1000000)"));
    }

    // Each line parsed on its own by a real JSON parser: an object with an RFC 3339 time, a Cloud Logging
    // severity and a message.
    private static List<JsonNode> parse(List<String> lines) throws Exception {
        assertThat(lines, not(empty()));
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : lines) {
            JsonNode json = JSON.readTree(line);
            assertThat(line, json.isObject(), is(true));
            OffsetDateTime.parse(json.get("time").asText());
            assertThat(line, SEVERITIES.contains(json.get("severity").asText()), is(true));
            assertThat(line, json.get("message").isTextual(), is(true));
            parsed.add(json);
        }
        return parsed;
    }

    @Test
    void healthAndMetricsListenOnAdminPortAtHostOnly() throws Exception {
        int port = FreePort.pick();
        // 127.0.0.2 is this machine too (all of 127/8 is loopback), but not the address 127.0.0.1.
        Run run = Run.start(Map.of("SERVER_ADDR", helloserver.toString(), "REQUESTS_PER_SECOND", "5",
                                   "ADMIN_PORT", String.valueOf(port), "HOST", "127.0.0.2"));
        try {
            Await.until("health on 127.0.0.2:" + port, () -> status("127.0.0.2", port, LIVE) == 200, run.lines::toString);
            assertThat(status("127.0.0.2", port, METRICS), is(200));
            assertThat(status("127.0.0.1", port, LIVE), is(-1)); // refused: nothing listens there
        } finally {
            run.process.toHandle().destroy();
        }
        assertThat(run.awaitExit(), is(0));
    }

    @Test
    void theDeprecatedPortStillWorksAndSaysSo() throws Exception {
        int port = FreePort.pick();
        Run run = Run.start(Map.of("SERVER_ADDR", helloserver.toString(), "REQUESTS_PER_SECOND", "5",
                                   "PORT", String.valueOf(port), "HOST", "127.0.0.1"));
        try {
            Await.until("health on port " + port, () -> status("127.0.0.1", port, LIVE) == 200, run.lines::toString);
        } finally {
            run.process.toHandle().destroy();
        }
        assertThat(run.awaitExit(), is(0));
        assertThat(run.lines.getFirst(), is("PORT is deprecated for loadgen: its health and metrics server listens on "
                                                    + "ADMIN_PORT; using PORT=" + port));
    }

    @Test
    void anAdminPortInUseGivesOneLineAndStatus1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Run run = Run.start(Map.of("SERVER_ADDR", helloserver.toString(), "REQUESTS_PER_SECOND", "5",
                                       "ADMIN_PORT", String.valueOf(taken.getLocalPort()), "HOST", "127.0.0.1"));
            assertThat(run.awaitExit(), is(1));
            assertThat(run.lines, contains("Cannot start the loadgen's health and metrics server on 127.0.0.1:"
                                                   + taken.getLocalPort() + " (ADMIN_PORT, HOST): address already in use"));
        }
    }

    /**
     * Status of a GET on the loadgen's admin server as curl (a client this project did not write) sees it;
     * -1 when nothing answers (connection refused).
     */
    private static int status(String host, int port, String path) {
        try {
            Process curl = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                                              "http://" + host + ":" + port + path)
                    .redirectErrorStream(true)
                    .start();
            String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            curl.waitFor();
            return out.equals("000") || out.isEmpty() ? -1 : Integer.parseInt(out);
        } catch (IOException e) {
            throw new IllegalStateException("curl is needed for this test (apt-get install curl): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The loadgen's Main in a JVM of its own, on this test's classpath, stdout and stderr merged. */
    private record Run(Process process, List<String> lines, List<String> logged, Thread reader) {
        static Run start(Map<String, String> env) throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                                                        Main.class.getName())
                    .redirectErrorStream(true);
            builder.environment().keySet().removeIf(name -> name.equals("SERVER_ADDR") || name.equals("PORT")
                    || name.equals("ADMIN_PORT") || name.equals("HOST")
                    || name.startsWith("REQUESTS_") || name.endsWith("_SECONDS") || name.endsWith("_MS")
                    || name.equals("MAX_IN_FLIGHT") || name.equals("LOG_FORMAT") || name.equals("JAVA_TOOL_OPTIONS"));
            builder.environment().putAll(env);
            Process process = builder.start();
            List<String> lines = new CopyOnWriteArrayList<>();
            List<String> logged = new CopyOnWriteArrayList<>();
            Thread reader = Thread.ofPlatform().daemon(true).start(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        // Helidon's own log records in text are not part of the contract under test.
                        if (line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3} [A-Z]+ .*")) {
                            logged.add(line);
                        } else {
                            lines.add(line);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            return new Run(process, lines, logged, reader);
        }

        int awaitExit() throws InterruptedException {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("loadgen did not exit; printed " + lines);
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
            return process.exitValue();
        }
    }
}
