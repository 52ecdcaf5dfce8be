package io.asmready.loadgen;

import java.util.concurrent.atomic.AtomicLong;

import io.asmready.loadgen.pacing.Clock;

/** Time that only moves when someone sleeps: a whole schedule runs instantly, in its exact order. */
public final class VirtualClock implements Clock {
    private final AtomicLong now;

    public VirtualClock(long start) {
        this.now = new AtomicLong(start);
    }

    @Override
    public long nanoTime() {
        return now.get();
    }

    @Override
    public void sleepUntil(long deadline) {
        now.accumulateAndGet(deadline, Math::max);
    }

    public void advance(long nanos) {
        now.addAndGet(nanos);
    }
}
