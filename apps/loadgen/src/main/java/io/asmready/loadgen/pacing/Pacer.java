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

    /** Runs the schedule until its end or until {@link #stop()}. */
    @Override
    public void run() {
        runner = Thread.currentThread();
        long end = schedule.end();
        long nextSecond = schedule.start() + SECOND;
        long nextDue = schedule.start();
        while (!stopRequested) {
            long now = clock.nanoTime();
            // Ticks first: a request due exactly on a second's boundary belongs to the next second.
            while (now >= nextSecond && nextSecond <= end) {
                everySecond.run();
                nextSecond += SECOND;
            }
            if (now >= end) {
                stoppedAt = end;
                return;
            }
            if (stopRequested) {
                break;
            }
            if (now >= nextDue) {
                nextDue = dispatcher.dispatchDue(now);
            }
            clock.sleepUntil(Math.min(Math.min(nextDue, nextSecond), end));
        }
        stoppedAt = clock.nanoTime();
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
