package io.asmready.loadgen.stats;

import java.util.Locale;

import org.HdrHistogram.Histogram;

/**
 * Latency percentiles in milliseconds, taken from a histogram of microseconds.
 *
 * @param count number of answers the percentiles describe
 */
public record Latencies(long count, double p50, double p90, double p99, double p999, double max) {
    public static final Latencies NONE = new Latencies(0, 0, 0, 0, 0, 0);

    static Latencies of(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return NONE;
        }
        return new Latencies(micros.getTotalCount(),
                             millis(micros.getValueAtPercentile(50)),
                             millis(micros.getValueAtPercentile(90)),
                             millis(micros.getValueAtPercentile(99)),
                             millis(micros.getValueAtPercentile(99.9)),
                             millis(micros.getMaxValue()));
    }

    /** {@code p50=1.23ms p90=... p99=... p99.9=...ms}, the form the summary line promises. */
    public String percentiles() {
        return String.format(Locale.ROOT, "p50=%.2fms p90=%.2fms p99=%.2fms p99.9=%.2fms", p50, p90, p99, p999);
    }

    private static double millis(long micros) {
        return micros / 1000.0;
    }
}
