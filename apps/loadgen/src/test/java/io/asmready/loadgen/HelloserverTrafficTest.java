package io.asmready.loadgen;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.asmready.loadgen.pacing.Clock;
import io.asmready.loadgen.pacing.Dispatcher;
import io.asmready.loadgen.pacing.Schedule;
import io.asmready.loadgen.stats.ConsoleReport;
import io.asmready.loadgen.stats.Tally;
import io.asmready.loadgen.traffic.HttpSender;
import io.asmready.server.HelloRouting;

import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.asmready.loadgen.Matches.pattern;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

/** Requests over real HTTP to the real helloserver routing; time is counted in requests, not waited for. */
@ServerTest
class HelloserverTrafficTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final String addr;
    private final HttpSender sender;
    private final Tally tally = new Tally();
    private final Output output = new Output();
    private final ConsoleReport report;

    HelloserverTrafficTest(URI uri) {
        this.addr = uri.resolve("/hello?from=loadgen").toString();
        this.sender = new HttpSender(URI.create(addr), Duration.ofSeconds(5), Duration.ofSeconds(5), 100);
        this.report = new ConsoleReport(tally, addr, output.stream(), 0);
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        HelloRouting.routing(routing);
    }

    @AfterEach
    void closeClient() {
        sender.close();
    }

    @Test
    void everyRequestOfASecondCompletesAndIsCountedInThatSecondsLine() {
        Schedule schedule = new Schedule(0, 20, 40);
        Dispatcher dispatcher = new Dispatcher(schedule, sender, tally, 1000, TimeUnit.SECONDS.toNanos(5), Clock.SYSTEM, Thread::startVirtualThread);

        dispatcher.dispatchDue(schedule.due(19));
        Await.until("20 answers", () -> tally.answered() == 20, () -> tally.failures().toString());
        report.second();
        dispatcher.dispatchDue(schedule.due(39));
        Await.until("40 answers", () -> tally.answered() == 40, () -> tally.failures().toString());
        report.second();
        report.finish(2 * SECOND);

        assertThat(output.lines(), contains(
                is("20 request(s) complete to " + addr),
                is("20 request(s) complete to " + addr),
                pattern("Summary: sent=40 completed=40 failed=0 rate=20\\.0/s p50=.*ms p99\\.9=.*ms")));
        assertThat(tally.answeredWithClass(2), is(40L));
    }

    @Test
    void theSenderReturnsTheServersStatus() throws Exception {
        assertThat(sender.send(), is(200));
    }
}
