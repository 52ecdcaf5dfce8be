package io.asmready.server;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting on a condition with a deadline, never on a fixed sleep.
 */
final class Deadline {
    private Deadline() {
    }

    static void await(String what, BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            Thread.sleep(10);
        }
    }
}
