package io.asmready.loadgen.stats;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.asmready.loadgen.logging.Console;
import io.asmready.loadgen.logging.Severity;
import io.asmready.loadgen.traffic.FailureReason;

import org.HdrHistogram.Histogram;

/**
 * What the loadgen prints: the start line, once a second what happened in that second (completions,
 * failures aggregated by reason, answers that were not 2xx), a latency line every few seconds, and the
 * final summary. Driven by whoever keeps time (the pacer), so tests call {@link #second()} themselves.
 * <p>
 * In JSON ({@code LOG_FORMAT=json}) each line is one object whose {@code message} is the text line, with an
 * {@code event} field naming the kind of line (start, second, failure, status, latency, summary), the
 * {@code target} and the line's numbers as fields; the summary is one object whose message keeps its
 * breakdown lines. Failures and non-2xx answers are WARNING, the rest INFO.
 */
public final class ConsoleReport {
    private static final DateTimeFormatter START_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private final Tally tally;
    private final String serverAddr;
    private final Console console;
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
     * A report in plain text.
     *
     * @param serverAddr              printed in each completion line exactly as the user configured it
     * @param percentilesEverySeconds how often {@link #second()} adds a latency line; 0 never
     */
    public ConsoleReport(Tally tally, String serverAddr, PrintStream out, int percentilesEverySeconds) {
        this(tally, serverAddr, Console.text(out), percentilesEverySeconds);
    }

    /**
     * @param serverAddr              printed in each completion line exactly as the user configured it
     * @param console                 where the lines go, in the configured format
     * @param percentilesEverySeconds how often {@link #second()} adds a latency line; 0 never
     */
    public ConsoleReport(Tally tally, String serverAddr, Console console, int percentilesEverySeconds) {
        this.tally = tally;
        this.serverAddr = serverAddr;
        this.console = console;
        this.percentilesEverySeconds = percentilesEverySeconds;
    }

    /**
     * The start line.
     *
     * @param at                local time printed in it
     * @param requestsPerSecond the configured rate (a field in JSON)
     */
    public void started(LocalDateTime at, int requestsPerSecond) {
        line(Severity.INFO, "start", "🚀 Starting loadgen: " + START_TIME.format(at))
                .add("requestsPerSecond", requestsPerSecond)
                .print();
    }

    /** One second has passed: prints what happened in it, and the latency line when one is due. */
    public synchronized void second() {
        printChanges(true);
        collectLatencies();
        if (percentilesEverySeconds > 0 && ++secondsInWindow >= percentilesEverySeconds) {
            Latencies latencies = Latencies.of(window);
            latencies(line(Severity.INFO, "latency", "Latency last " + secondsInWindow + "s: " + describe(latencies))
                              .add("windowSeconds", secondsInWindow), latencies)
                    .print();
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
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "Summary: sent=%d completed=%d failed=%d rate=%.1f/s %s",
                sent, answered, failed, rate, overall.percentiles()));
        failures.forEach((reason, count) -> text.append("\n  failed ").append(reason).append(": ").append(count));
        Map<String, Long> statuses = new LinkedHashMap<>();
        for (int status = 0; status < lastByStatus.length; status++) {
            long count = tally.answeredWithStatus(status);
            if (count > 0) {
                text.append("\n  answered ").append(status).append(": ").append(count);
                statuses.put(String.valueOf(status), count);
            }
        }
        latencies(line(Severity.INFO, "summary", text.toString())
                          .add("sent", sent)
                          .add("completed", answered)
                          .add("failed", failed)
                          .add("rate", Math.round(rate * 10) / 10.0)
                          .add("elapsedSeconds", Math.round(seconds * 1000) / 1000.0)
                          .add("failures", failures)
                          .add("non2xx", statuses), overall)
                .print();
        console.flush();
    }

    /** Percentiles over the whole run so far, refreshed each second (for metrics). */
    public Latencies overall() {
        return overall;
    }

    private void printChanges(boolean everySecond) {
        long answered = tally.answered();
        long completedNow = answered - lastAnswered;
        lastAnswered = answered;

        Map<String, Long> failures = tally.failures();
        Map<String, Long> failedNow = new LinkedHashMap<>();
        long failedTotal = 0;
        for (Map.Entry<String, Long> failure : failures.entrySet()) {
            long count = failure.getValue() - lastFailures.getOrDefault(failure.getKey(), 0L);
            if (count > 0) {
                failedNow.put(failure.getKey(), count);
                failedTotal += count;
            }
        }
        lastFailures = failures;
        Map<String, Long> statusesNow = new LinkedHashMap<>();
        for (int status = 0; status < lastByStatus.length; status++) {
            long total = tally.answeredWithStatus(status);
            long count = total - lastByStatus[status];
            if (count > 0) {
                statusesNow.put(String.valueOf(status), count);
                lastByStatus[status] = total;
            }
        }

        if (everySecond || completedNow > 0) {
            line(Severity.INFO, "second", completedNow + " request(s) complete to " + serverAddr)
                    .add("completed", completedNow)
                    .add("failed", failedTotal)
                    .add("failures", failedNow)
                    .add("non2xx", statusesNow)
                    .print();
        }
        failedNow.forEach((reason, count) -> line(Severity.WARNING, "failure", "Request failed: " + reason + times(count))
                .add("reason", reason)
                .add("count", count)
                .print());
        statusesNow.forEach((status, count) -> line(Severity.WARNING, "status",
                                                    "Request answered with status " + status + times(count))
                .add("status", Integer.parseInt(status))
                .add("count", count)
                .print());
    }

    private Console.Line line(Severity severity, String event, String message) {
        return console.line(severity, message).add("event", event).add("target", serverAddr);
    }

    private static Console.Line latencies(Console.Line line, Latencies latencies) {
        Map<String, Double> millis = new LinkedHashMap<>();
        millis.put("p50", latencies.p50());
        millis.put("p90", latencies.p90());
        millis.put("p99", latencies.p99());
        millis.put("p999", latencies.p999());
        millis.put("max", latencies.max());
        return line.add("answers", latencies.count()).add("latencyMs", millis);
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
