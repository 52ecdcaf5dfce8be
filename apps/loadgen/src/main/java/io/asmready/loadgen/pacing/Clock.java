package io.asmready.loadgen.pacing;

import java.util.concurrent.locks.LockSupport;

/**
 * Monotonic time and waiting, in nanoseconds. Pacing and reporting read time only through this, so
 * tests can run the schedule in virtual time and count what happens instead of sleeping.
 */
public interface Clock {
    /** The system's monotonic clock ({@link System#nanoTime()}). */
    Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepUntil(long deadline) {
            long wait = deadline - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    };

    /** Current time; only differences between two values mean anything. */
    long nanoTime();

    /**
     * Waits until {@code deadline} at most. May return early (an unpark or a spurious wake-up):
     * callers read the time again and decide.
     */
    void sleepUntil(long deadline);
}
