package io.asmready.loadgen;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import io.asmready.loadgen.pacing.Clock;
import io.asmready.loadgen.pacing.Dispatcher;
import io.asmready.loadgen.pacing.Schedule;
import io.asmready.loadgen.stats.ConsoleReport;
import io.asmready.loadgen.stats.Tally;
import io.asmready.loadgen.traffic.FailureReason;
import io.asmready.loadgen.traffic.HttpSender;
import io.asmready.server.HelloRouting;

import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

/** A refusing, a silent and a returning server, over real sockets on loopback. */
class FailuresTest {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    // Short, so the test does not wait long for timeouts to fire; nothing below depends on its length.
    private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(300);
    // A held request waits for room at most this long after its due time (a run uses its request timeout).
    private static final long HOLD_NANOS = REQUEST_TIMEOUT.toNanos();

    private final Tally tally = new Tally();
    private final Output output = new Output();

    @Test
    void aRefusingPortGivesOneAggregatedLinePerSecondAndTheScheduleGoesOn() {
        URI target = URI.create("http://127.0.0.1:" + FreePort.pick() + "/");
        try (HttpSender sender = sender(target, 1000)) {
            Schedule schedule = new Schedule(0, 50, 100);
            Dispatcher dispatcher = dispatcher(schedule, sender, 1000);
            ConsoleReport report = new ConsoleReport(tally, target.toString(), output.stream(), 0);

            dispatcher.dispatchDue(schedule.due(49));
            awaitFailures(50);
            report.second();
            dispatcher.dispatchDue(schedule.due(99));
            awaitFailures(100);
            report.second();

            assertThat(output.lines(), contains("0 request(s) complete to " + target,
                                                "Request failed: connection refused (x 50)",
                                                "0 request(s) complete to " + target,
                                                "Request failed: connection refused (x 50)"));
            assertThat(tally.sent(), is(100L));
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOutAndNewRequestsKeepGoingOut() throws Exception {
        try (RawServer silent = new RawServer(RawServer.Behaviour.SILENT); HttpSender sender = sender(silent.uri(), 1000)) {
            Schedule schedule = new Schedule(0, 5, 10);
            Dispatcher dispatcher = dispatcher(schedule, sender, 1000);
            ConsoleReport report = new ConsoleReport(tally, silent.uri().toString(), output.stream(), 0);

            dispatcher.dispatchDue(schedule.due(4));
            // The dispatcher returned while all five wait on the silent server: it never waits for answers.
            assertThat(tally.sent(), is(5L));
            awaitFailures(5);
            report.second();
            dispatcher.dispatchDue(schedule.due(9));
            awaitFailures(10);
            report.second();

            assertThat(output.lines(), contains("0 request(s) complete to " + silent.uri(),
                                                "Request failed: timed out after 300 ms (x 5)",
                                                "0 request(s) complete to " + silent.uri(),
                                                "Request failed: timed out after 300 ms (x 5)"));
            assertThat(tally.inFlight(), is(0));
        }
    }

    @Test
    void maxInFlightHoldsTheSurplusUnsentThenFailsWhatFoundNoRoom() throws Exception {
        // A long request timeout: the three requests on the wire stay there for the whole test.
        try (RawServer silent = new RawServer(RawServer.Behaviour.SILENT);
             HttpSender sender = new HttpSender(silent.uri(), CONNECT_TIMEOUT, Duration.ofSeconds(60), 3)) {
            // All ten due within 10 ms, well inside one another's hold.
            Schedule schedule = new Schedule(0, 1000, 10);
            Dispatcher dispatcher = dispatcher(schedule, sender, 3);

            dispatcher.dispatchDue(schedule.due(9));

            // The surplus is held: neither sent nor failed, and waiting on nothing but the schedule.
            assertThat(tally.sent(), is(3L));
            assertThat(tally.failures().isEmpty(), is(true));
            assertThat(dispatcher.holding(), is(true));
            Await.until("three connections", () -> silent.connections() == 3);

            // Its hold over and no room made, each fails without ever reaching a thread or a socket.
            dispatcher.dispatchDue(schedule.due(9) + HOLD_NANOS);

            assertThat(tally.failures().get(FailureReason.MAX_IN_FLIGHT), is(7L));
            assertThat(tally.sent(), is(10L));
            assertThat(dispatcher.holding(), is(false));
            assertThat(silent.connections(), is(3));
        }
    }

    @ParameterizedTest
    @CsvSource({"HANG_UP, connection closed by server", "RESET, connection reset", "GARBAGE, malformed response: no HTTP status line"})
    void aServerThatBreaksTheConnectionIsNamedByWhatItDid(RawServer.Behaviour behaviour, String reason)
            throws Exception {
        try (RawServer server = new RawServer(behaviour); HttpSender sender = sender(server.uri(), 10)) {
            Schedule schedule = new Schedule(0, 3, 3);
            dispatcher(schedule, sender, 10).dispatchDue(schedule.due(2));
            awaitFailures(3);
            assertThat(tally.failures(), is(Map.of(reason, 3L)));
        }
    }

    @Test
    void recoversByItselfWhenTheServerComesBack() {
        int port = FreePort.pick();
        URI target = URI.create("http://127.0.0.1:" + port + "/");
        try (HttpSender sender = sender(target, 1000)) {
            Schedule schedule = new Schedule(0, 10, 20);
            Dispatcher dispatcher = dispatcher(schedule, sender, 1000);
            ConsoleReport report = new ConsoleReport(tally, target.toString(), output.stream(), 0);
            dispatcher.dispatchDue(schedule.due(9));
            awaitFailures(10);
            report.second();

            WebServer server = WebServer.builder()
                    .address(InetAddress.getLoopbackAddress())
                    .port(port)
                    .routing(HelloRouting::routing)
                    .build()
                    .start();
            try {
                dispatcher.dispatchDue(schedule.due(19));
                Await.until("10 answers", () -> tally.answered() == 10, () -> tally.failures().toString());
                report.second();
            } finally {
                server.stop();
            }
            assertThat(output.lines(), contains("0 request(s) complete to " + target,
                                                "Request failed: connection refused (x 10)",
                                                "10 request(s) complete to " + target));
        }
    }

    private HttpSender sender(URI target, int pool) {
        return new HttpSender(target, CONNECT_TIMEOUT, REQUEST_TIMEOUT, pool);
    }

    private Dispatcher dispatcher(Schedule schedule, HttpSender sender, int maxInFlight) {
        return new Dispatcher(schedule, sender, tally, maxInFlight, HOLD_NANOS, Clock.SYSTEM, Thread::startVirtualThread);
    }

    private void awaitFailures(long count) {
        Await.until(count + " failures",
                    () -> tally.failures().values().stream().mapToLong(Long::longValue).sum() == count,
                    () -> tally.failures().toString());
    }
}
