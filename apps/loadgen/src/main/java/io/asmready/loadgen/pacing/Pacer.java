package io.asmready.loadgen.pacing;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The one loop that keeps time: issues due requests, ticks the once-a-second report, and sleeps until
 * whichever comes first. One thread doing both keeps the order of events fixed, which is what lets a
 * test run a whole schedule in virtual time and count what happened.
 */
public final class Pacer implements Runnable {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    /**
     * The shortest sleep between two wake-ups. At high rates each wake-up, not each request, is the
     * generator's main cost (a wake-up is a context switch on the carrier's core, and the requests it
     * starts then share the carrier's next run and the poller's next batch): requests due within one
     * tick leave together. A request thus leaves at most a tick after its due time, never before it,
     * and that delay is part of its measured latency (latency counts from the due time). Up to
     * 2,000 requests a second (one per tick) the pacer still wakes for each request at its due time.
     */
    static final long TICK_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    private final Clock clock;
    private final Schedule schedule;
    private final Dispatcher dispatcher;
    private final Runnable everySecond;
    private volatile boolean stopRequested;
    private volatile Thread runner;
    private volatile long stoppedAt;

    /**
     * @param everySecond run at {@code start + 1 s}, {@code start + 2 s}, ... up to the end of the schedule
     */
    public Pacer(Clock clock, Schedule schedule, Dispatcher dispatcher, Runnable everySecond) {
        this.clock = clock;
        this.schedule = schedule;
        this.dispatcher = dispatcher;
        this.everySecond = everySecond;
    }

    /**
     * Runs the schedule until its end or until {@link #stop()}. At the end, requests still held for
     * room under the in-flight bound are waited for (each at most its hold) before it returns.
     */
    @Override
    public void run() {
        runner = Thread.currentThread();
        dispatcher.onRoomMade(() -> LockSupport.unpark(runner));
        long end = schedule.end();
        long nextSecond = schedule.start() + SECOND;
        long nextDue = schedule.start();
        while (!stopRequested) {
            long now = clock.nanoTime();
            // The second's report comes after that second's requests (a wake-up a tick late may find
            // some still due before the boundary) and before the next second's: a request due
            // exactly on the boundary belongs to the next second.
            while (now >= nextSecond && nextSecond <= end) {
                if (nextDue < nextSecond || dispatcher.holding()) {
                    nextDue = dispatcher.dispatchDue(nextSecond - 1);
                }
                everySecond.run();
                nextSecond += SECOND;
            }
            if (stopRequested) {
                break;
            }
            // Held requests go as soon as a request ends (which wakes this loop), not when next due.
            if (now >= nextDue || dispatcher.holding()) {
                nextDue = dispatcher.dispatchDue(now);
            }
            if (now >= end && !dispatcher.holding()) {
                // Every request is due before the end, and none is held any more.
                stoppedAt = end;
                return;
            }
            long wake = Math.max(nextDue, now + TICK_NANOS);
            if (nextSecond <= end) {
                wake = Math.min(wake, nextSecond);
            }
            if (now < end) {
                wake = Math.min(wake, end);
            }
            clock.sleepUntil(wake);
        }
        stoppedAt = Math.min(clock.nanoTime(), end);
    }

    /** Asks the loop to stop issuing requests; it returns at its next wake-up, which this causes at once. */
    public void stop() {
        stopRequested = true;
        Thread thread = runner;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    /** Time from the schedule's start to the moment scheduling stopped (its end, or when stopped). */
    public long elapsedNanos() {
        return stoppedAt - schedule.start();
    }
}
