package io.asmready.loadgen.pacing;

/**
 * The open-loop timetable: request {@code i} is due at {@code start + i / rate} seconds, computed from
 * the index every time so rounding never accumulates into drift, however long the run.
 *
 * @param start             time (nanoseconds, from the {@link Clock}) of request 0
 * @param requestsPerSecond the rate
 * @param count             number of requests in the run; {@link Long#MAX_VALUE} for an endless run
 */
public record Schedule(long start, int requestsPerSecond, long count) {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    public Schedule {
        if (requestsPerSecond <= 0 || count < 0) {
            throw new IllegalArgumentException("rate must be positive and count non-negative");
        }
    }

    /** When request {@code index} is due. Exact to the nanosecond; no overflow for runs shorter than 290 years. */
    public long due(long index) {
        long whole = index / requestsPerSecond;
        long part = index % requestsPerSecond;
        return start + whole * NANOS_PER_SECOND + part * NANOS_PER_SECOND / requestsPerSecond;
    }

    /** Whether the run is endless (no duration set). */
    public boolean endless() {
        return count == Long.MAX_VALUE;
    }

    /** The instant the run's window closes: the due time of the first request after the last one. */
    public long end() {
        return endless() ? Long.MAX_VALUE : due(count);
    }
}
