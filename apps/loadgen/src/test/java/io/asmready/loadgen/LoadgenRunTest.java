package io.asmready.loadgen;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.asmready.loadgen.config.Settings;
import io.asmready.loadgen.pacing.Clock;
import io.asmready.loadgen.traffic.HttpSender;
import io.asmready.server.HelloRouting;

import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import org.junit.jupiter.api.Test;

import static io.asmready.loadgen.Matches.pattern;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Whole runs on the real clock, from the start line to the summary. Assertions count requests; the
 * only waits are for conditions (the run's end), bounded by a deadline.
 */
@ServerTest
class LoadgenRunTest {
    private final URI helloserver;
    private final Output output = new Output();

    LoadgenRunTest(URI uri) {
        this.helloserver = uri;
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        HelloRouting.routing(routing);
    }

    @Test
    void aTimedRunPrintsTheStartLineEverySecondAndTheSummary() throws Exception {
        Loadgen loadgen = runToTheEnd(Map.of("SERVER_ADDR", helloserver.toString(), "REQUESTS_PER_SECOND", "20",
                                             "DURATION_SECONDS", "2", "PERCENTILES_EVERY_SECONDS", "1"));

        List<String> lines = output.lines();
        assertThat(lines.getFirst(), pattern("🚀 Starting loadgen: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}"));
        List<String> completions = lines.stream().filter(l -> l.endsWith(" request(s) complete to " + helloserver)).toList();
        // One line per second of the run, plus one for answers that arrived after the last second ended.
        assertThat(completions.size() == 2 || completions.size() == 3, is(true));
        long completedInLines = completions.stream().mapToLong(l -> Long.parseLong(l.split(" ")[0])).sum();
        assertThat(completedInLines, is(40L));
        assertThat(lines.stream().filter(l -> l.startsWith("Latency last 1s: ")).count(), is(2L));
        assertThat(lines.getLast(), pattern("Summary: sent=40 completed=40 failed=0 rate=20\\.0/s "
                                                    + "p50=\\d+\\.\\d\\dms p90=\\d+\\.\\d\\dms p99=\\d+\\.\\d\\dms "
                                                    + "p99\\.9=\\d+\\.\\d\\dms"));
        assertThat(loadgen.running(), is(false));
    }

    @Test
    void aHungServerNeitherStallsNorSlowsTheSchedule() throws Exception {
        try (RawServer silent = new RawServer(RawServer.Behaviour.SILENT)) {
            runToTheEnd(Map.of("SERVER_ADDR", silent.uri().toString(), "REQUESTS_PER_SECOND", "20",
                               "DURATION_SECONDS", "2", "REQUEST_TIMEOUT_MS", "300"));

            // A closed-loop client would have sent one request per connection and waited; this one sent
            // all 40 on schedule, and each of them timed out.
            List<String> lines = output.lines();
            long failedInLines = lines.stream()
                    .filter(l -> l.startsWith("Request failed: timed out after 300 ms"))
                    .mapToLong(l -> l.contains("(x ") ? Long.parseLong(l.replaceAll(".*\\(x (\\d+)\\)", "$1")) : 1)
                    .sum();
            assertThat(failedInLines, is(40L));
            assertThat(lines.get(lines.size() - 2), pattern("Summary: sent=40 completed=0 failed=40 rate=20\\.0/s .*"));
            assertThat(lines.getLast(), is("  failed timed out after 300 ms: 40"));
        }
    }

    @Test
    void stoppingWithRequestsStillInFlightCountsThemAsUnfinished() throws Exception {
        try (RawServer silent = new RawServer(RawServer.Behaviour.SILENT)) {
            Loadgen loadgen = loadgen(Map.of("SERVER_ADDR", silent.uri().toString(), "REQUESTS_PER_SECOND", "50",
                                             "SHUTDOWN_GRACE_SECONDS", "0"));
            loadgen.start(() -> { });
            Await.until("requests in flight", () -> silent.connections() >= 3);
            loadgen.stop();

            List<String> lines = output.lines();
            String summary = lines.stream().filter(l -> l.startsWith("Summary: ")).findFirst().orElseThrow();
            long sent = field(summary, "sent");
            assertThat(field(summary, "completed"), is(0L));
            assertThat(field(summary, "failed"), is(sent));
            assertThat(lines.getLast(), is("  failed unfinished at shutdown: " + sent));
        }
    }

    private Loadgen runToTheEnd(Map<String, String> env) throws Exception {
        Loadgen loadgen = loadgen(env);
        CountDownLatch ended = new CountDownLatch(1);
        loadgen.start(ended::countDown);
        Await.until("the end of the run", () -> ended.getCount() == 0);
        loadgen.stop();
        return loadgen;
    }

    private Loadgen loadgen(Map<String, String> env) throws Exception {
        Map<String, String> all = new HashMap<>(Map.of("PERCENTILES_EVERY_SECONDS", "0"));
        all.putAll(env);
        Settings settings = Settings.fromEnv(all);
        HttpSender sender = new HttpSender(settings.target(), settings.connectTimeout(), settings.requestTimeout(),
                                           settings.maxInFlight());
        return new Loadgen(settings, sender, Clock.SYSTEM, output.stream(), Thread::startVirtualThread);
    }

    private static long field(String summary, String name) {
        for (String part : summary.split(" ")) {
            if (part.startsWith(name + "=")) {
                return Long.parseLong(part.substring(name.length() + 1));
            }
        }
        throw new AssertionError(name + " not in " + summary);
    }
}
