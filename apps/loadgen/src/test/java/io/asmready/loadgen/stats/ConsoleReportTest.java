package io.asmready.loadgen.stats;

import java.time.LocalDateTime;
import java.util.concurrent.TimeUnit;

import io.asmready.loadgen.Output;
import io.asmready.loadgen.traffic.FailureReason;

import org.junit.jupiter.api.Test;

import static io.asmready.loadgen.Matches.pattern;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

class ConsoleReportTest {
    private static final String ADDR = "http://hellosvc:80/";
    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);

    private final Tally tally = new Tally();
    private final Output output = new Output();
    private final ConsoleReport report = new ConsoleReport(tally, ADDR, output.stream(), 0);

    @Test
    void startLineCarriesTheLocalTime() {
        report.started(LocalDateTime.of(2025, 3, 4, 5, 6, 7, 891_000_000), 5);
        assertThat(output.lines(), contains("🚀 Starting loadgen: 2025-03-04 05:06:07.891"));
    }

    @Test
    void eachSecondCountsTheRequestsThatCompletedInThatSecond() {
        answer(3, 200, MILLI);
        report.second();
        report.second();
        answer(1, 200, MILLI);
        report.second();

        assertThat(output.lines().subList(0, 3), contains("3 request(s) complete to " + ADDR,
                                                          "0 request(s) complete to " + ADDR,
                                                          "1 request(s) complete to " + ADDR));
    }

    @Test
    void failuresAreAggregatedPerSecondAndReason() {
        fail(FailureReason.CONNECTION_REFUSED, 250);
        fail(FailureReason.timedOut(java.time.Duration.ofSeconds(5)), 1);
        report.second();
        fail(FailureReason.CONNECTION_REFUSED, 2);
        report.second();
        report.second();

        assertThat(output.newLines(), contains("0 request(s) complete to " + ADDR,
                                               "Request failed: connection refused (x 250)",
                                               "Request failed: timed out after 5 s",
                                               "0 request(s) complete to " + ADDR,
                                               "Request failed: connection refused (x 2)",
                                               "0 request(s) complete to " + ADDR));
    }

    @Test
    void answersOtherThan2xxAreShownByStatusButStillCountAsComplete() {
        answer(5, 200, MILLI);
        answer(3, 403, MILLI);
        answer(1, 503, MILLI);
        report.second();

        assertThat(output.lines(), contains("9 request(s) complete to " + ADDR,
                                            "Request answered with status 403 (x 3)",
                                            "Request answered with status 503"));
        assertThat(tally.answeredWithClass(2), is(5L));
        assertThat(tally.answeredWithClass(4), is(3L));
        assertThat(tally.answeredWithClass(5), is(1L));
    }

    @Test
    void latencyLineEveryConfiguredNumberOfSecondsCoversThatWindowOnly() {
        ConsoleReport report = new ConsoleReport(tally, ADDR, output.stream(), 2);
        for (int i = 1; i <= 100; i++) {
            answer(1, 200, i * MILLI);
        }
        report.second();
        report.second();
        answer(4, 200, 500 * MILLI);
        report.second();
        report.second();

        assertThat(output.lines().get(2),
                   pattern("Latency last 2s: p50=50\\.\\d\\dms p90=90\\.\\d\\dms p99=99\\.\\d\\dms "
                                          + "p99\\.9=100\\.\\d\\dms max=100\\.\\d\\dms \\(100 answers\\)"));
        assertThat(output.lines().get(5),
                   pattern("Latency last 2s: p50=500\\.\\d\\dms .* \\(4 answers\\)"));
    }

    @Test
    void summaryFollowsTheContractAndListsEveryFailureReason() {
        for (int i = 1; i <= 100; i++) {
            answer(1, 200, i * MILLI);
        }
        fail(FailureReason.CONNECTION_REFUSED, 3);
        fail(FailureReason.MAX_IN_FLIGHT, 2);
        answer(1, 503, MILLI);
        report.second();
        output.newLines();

        report.finish(TimeUnit.SECONDS.toNanos(4));

        assertThat(output.newLines(), contains(
                pattern("Summary: sent=106 completed=101 failed=5 rate=26\\.5/s "
                                       + "p50=50\\.\\d\\dms p90=90\\.\\d\\dms p99=99\\.\\d\\dms p99\\.9=100\\.\\d\\dms"),
                is("  failed connection refused: 3"),
                is("  failed max in-flight reached: 2"),
                is("  answered 503: 1")));
    }

    @Test
    void finishPrintsTheLastPartialSecondAndCountsRequestsStillInFlightAsUnfinished() {
        answer(2, 200, MILLI);
        report.second();
        output.newLines();
        answer(1, 200, MILLI);
        tally.admit(10);
        tally.admit(10);

        report.finish(TimeUnit.SECONDS.toNanos(1));

        assertThat(output.newLines(), contains(
                is("1 request(s) complete to " + ADDR),
                pattern("Summary: sent=5 completed=3 failed=2 rate=5\\.0/s p50=.*"),
                is("  failed unfinished at shutdown: 2")));
    }

    @Test
    void aWindowWithoutAnswersSaysSo() {
        ConsoleReport report = new ConsoleReport(tally, ADDR, output.stream(), 1);
        report.second();
        assertThat(output.lines(), contains(
                "0 request(s) complete to " + ADDR,
                "Latency last 1s: p50=0.00ms p90=0.00ms p99=0.00ms p99.9=0.00ms max=0.00ms (0 answers)"));
    }

    @Test
    void finishAfterAQuietLastSecondPrintsOnlyTheSummary() {
        report.finish(0);
        assertThat(output.lines(), contains(
                "Summary: sent=0 completed=0 failed=0 rate=0.0/s p50=0.00ms p90=0.00ms p99=0.00ms p99.9=0.00ms"));
    }

    private void answer(int count, int status, long latencyNanos) {
        for (int i = 0; i < count; i++) {
            tally.admit(Integer.MAX_VALUE);
            tally.answered(status, latencyNanos);
        }
    }

    private void fail(String reason, int count) {
        for (int i = 0; i < count; i++) {
            if (reason.equals(FailureReason.MAX_IN_FLIGHT)) {
                tally.refused();
            } else if (tally.admit(Integer.MAX_VALUE)) {
                tally.failed(reason);
            }
        }
    }
}
