package io.asmready.loadgen.stats;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

import io.asmready.loadgen.traffic.FailureReason;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The running totals every request updates, written by thousands of threads a second: adders and a
 * wait-free latency recorder, no locks, nothing allocated on the hot path once a reason or status is known.
 * Readers (the console report, metrics) take sums; the report turns them into per-second differences.
 */
public final class Tally {
    /** Latencies are recorded in microseconds, up to an hour; a longer one is recorded as an hour. */
    static final long HIGHEST_MICROS = 3_600_000_000L;
    static final int SIGNIFICANT_DIGITS = 3;

    private final LongAdder sent = new LongAdder();
    private final LongAdder answered = new LongAdder();
    private final LongAdder held = new LongAdder();
    // Index = status / 100: [1] 1xx ... [5] 5xx, [0] anything outside 100-599.
    private final LongAdder[] byStatusClass = new LongAdder[6];
    // Per exact code for answers other than 2xx, so a 403 can be told apart from a 404; indexed by the
    // code itself. 2xx are not counted here: the common case stays one adder cheaper.
    private final AtomicLongArray byStatus = new AtomicLongArray(600);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final Recorder latency = new Recorder(HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    private volatile BiConsumer<String, LongAdder> newReasonListener = (reason, count) -> { };

    public Tally() {
        for (int i = 0; i < byStatusClass.length; i++) {
            byStatusClass[i] = new LongAdder();
        }
    }

    /**
     * Counts a request the schedule issues, unless {@code maxInFlight} requests are already waiting:
     * then returns {@code false} and counts nothing (the caller holds the request for later, or
     * {@linkplain #refused() refuses} it).
     */
    public boolean admit(int maxInFlight) {
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            return false;
        }
        sent.increment();
        return true;
    }

    /**
     * Counts a request the schedule issued that never found room under the in-flight bound: sent in
     * the sense of issued, and failed with {@link FailureReason#MAX_IN_FLIGHT}.
     */
    public void refused() {
        sent.increment();
        countFailure(FailureReason.MAX_IN_FLIGHT);
    }

    /** Counts a due request that found {@code maxInFlight} waiting and is held for room (once per request). */
    public void held() {
        held.increment();
    }

    /** An admitted request got an answer, {@code latencyNanos} after its intended send time. */
    public void answered(int status, long latencyNanos) {
        answered.increment();
        int statusClass = status / 100;
        byStatusClass[statusClass >= 1 && statusClass <= 5 ? statusClass : 0].increment();
        if (statusClass != 2 && status >= 0 && status < 600) {
            byStatus.incrementAndGet(status);
        }
        latency.recordValue(Math.min(Math.max(latencyNanos / 1000, 0), HIGHEST_MICROS));
        inFlight.decrementAndGet();
    }

    /** An admitted request ended without an answer. */
    public void failed(String reason) {
        countFailure(reason);
        inFlight.decrementAndGet();
    }

    private void countFailure(String reason) {
        LongAdder count = failures.get(reason);
        if (count == null) {
            count = failures.computeIfAbsent(reason, r -> {
                LongAdder created = new LongAdder();
                newReasonListener.accept(r, created);
                return created;
            });
        }
        count.increment();
    }

    /** Called once for every failure reason as it first appears (metrics register a labelled counter). */
    public void onNewReason(BiConsumer<String, LongAdder> listener) {
        failures.forEach(listener);
        this.newReasonListener = listener;
    }

    public long sent() {
        return sent.sum();
    }

    /** Requests that had to wait for room under the in-flight bound (sent late, or failed when their hold ran out). */
    public long heldTotal() {
        return held.sum();
    }

    /** Requests that got an HTTP answer, whatever its status. */
    public long answered() {
        return answered.sum();
    }

    /** Answers whose status is {@code statusClass}xx (1 to 5). */
    public long answeredWithClass(int statusClass) {
        return byStatusClass[statusClass].sum();
    }

    /** Answers with exactly {@code status}; always 0 for a 2xx status, which is not counted per code. */
    public long answeredWithStatus(int status) {
        return byStatus.get(status);
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Failures so far by reason, sorted by reason. */
    public Map<String, Long> failures() {
        Map<String, Long> copy = new TreeMap<>();
        failures.forEach((reason, count) -> copy.put(reason, count.sum()));
        return copy;
    }

    /**
     * Latencies recorded since the previous call, in microseconds. Single reader only: the report.
     *
     * @param recycle the histogram the previous call returned, or {@code null}
     */
    Histogram latencySinceLastCall(Histogram recycle) {
        return latency.getIntervalHistogram(recycle);
    }

    static Histogram emptyHistogram() {
        return new Histogram(HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    }
}
