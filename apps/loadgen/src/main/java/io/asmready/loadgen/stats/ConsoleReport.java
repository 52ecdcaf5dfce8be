package io.asmready.loadgen.stats;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.asmready.loadgen.traffic.FailureReason;

import org.HdrHistogram.Histogram;

/**
 * What the loadgen prints: the start line, once a second what happened in that second (completions,
 * failures aggregated by reason, answers that were not 2xx), a latency line every few seconds, and the
 * final summary. Driven by whoever keeps time (the pacer), so tests call {@link #second()} themselves.
 */
public final class ConsoleReport {
    private static final DateTimeFormatter START_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private final Tally tally;
    private final String serverAddr;
    private final PrintStream out;
    private final int percentilesEverySeconds;

    // Totals at the previous line, to print what changed since.
    private long lastAnswered;
    private Map<String, Long> lastFailures = Map.of();
    private final long[] lastByStatus = new long[600];

    private Histogram interval;
    private final Histogram total = Tally.emptyHistogram();
    private final Histogram window = Tally.emptyHistogram();
    private int secondsInWindow;
    private volatile Latencies overall = Latencies.NONE;

    /**
     * @param serverAddr              printed in each completion line exactly as the user configured it
     * @param percentilesEverySeconds how often {@link #second()} adds a latency line; 0 never
     */
    public ConsoleReport(Tally tally, String serverAddr, PrintStream out, int percentilesEverySeconds) {
        this.tally = tally;
        this.serverAddr = serverAddr;
        this.out = out;
        this.percentilesEverySeconds = percentilesEverySeconds;
    }

    public void started(LocalDateTime at) {
        out.println("🚀 Starting loadgen: " + START_TIME.format(at));
    }

    /** One second has passed: prints what happened in it, and the latency line when one is due. */
    public synchronized void second() {
        printChanges(true);
        collectLatencies();
        if (percentilesEverySeconds > 0 && ++secondsInWindow >= percentilesEverySeconds) {
            out.println("Latency last " + secondsInWindow + "s: " + describe(Latencies.of(window)));
            window.reset();
            secondsInWindow = 0;
        }
    }

    /**
     * The run is over: prints what happened since the last full second (if anything did), then the
     * summary. Requests still in flight count as failed {@code unfinished at shutdown}, so that
     * {@code sent = completed + failed} always holds.
     *
     * @param elapsedNanos time from the first request's due time to the end of scheduling
     */
    public synchronized void finish(long elapsedNanos) {
        printChanges(false);
        collectLatencies();
        long sent = tally.sent();
        long answered = tally.answered();
        Map<String, Long> failures = tally.failures();
        long failed = failures.values().stream().mapToLong(Long::longValue).sum();
        long unfinished = sent - answered - failed;
        if (unfinished > 0) {
            failures.merge(FailureReason.UNFINISHED_AT_SHUTDOWN, unfinished, Long::sum);
            failed += unfinished;
        }
        double seconds = elapsedNanos / (double) TimeUnit.SECONDS.toNanos(1);
        double rate = seconds > 0 ? sent / seconds : 0;
        out.println(String.format(Locale.ROOT, "Summary: sent=%d completed=%d failed=%d rate=%.1f/s %s",
                                  sent, answered, failed, rate, overall.percentiles()));
        failures.forEach((reason, count) -> out.println("  failed " + reason + ": " + count));
        for (int status = 0; status < lastByStatus.length; status++) {
            long count = tally.answeredWithStatus(status);
            if (count > 0) {
                out.println("  answered " + status + ": " + count);
            }
        }
        out.flush();
    }

    /** Percentiles over the whole run so far, refreshed each second (for metrics). */
    public Latencies overall() {
        return overall;
    }

    private void printChanges(boolean everySecond) {
        long answered = tally.answered();
        long completedNow = answered - lastAnswered;
        lastAnswered = answered;
        if (everySecond || completedNow > 0) {
            out.println(completedNow + " request(s) complete to " + serverAddr);
        }
        Map<String, Long> failures = tally.failures();
        for (Map.Entry<String, Long> failure : failures.entrySet()) {
            long count = failure.getValue() - lastFailures.getOrDefault(failure.getKey(), 0L);
            if (count > 0) {
                out.println("Request failed: " + failure.getKey() + times(count));
            }
        }
        lastFailures = failures;
        for (int status = 0; status < lastByStatus.length; status++) {
            long total = tally.answeredWithStatus(status);
            long count = total - lastByStatus[status];
            if (count > 0) {
                out.println("Request answered with status " + status + times(count));
                lastByStatus[status] = total;
            }
        }
    }

    private void collectLatencies() {
        interval = tally.latencySinceLastCall(interval);
        total.add(interval);
        window.add(interval);
        overall = Latencies.of(total);
    }

    private static String times(long count) {
        return count == 1 ? "" : " (x " + count + ")";
    }

    private static String describe(Latencies latencies) {
        return latencies.percentiles()
                + String.format(Locale.ROOT, " max=%.2fms (%d answers)", latencies.max(), latencies.count());
    }
}
