package io.asmready.loadgen;

import java.io.PrintStream;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import io.asmready.loadgen.config.Settings;
import io.asmready.loadgen.logging.Console;
import io.asmready.loadgen.pacing.Clock;
import io.asmready.loadgen.pacing.Dispatcher;
import io.asmready.loadgen.pacing.Pacer;
import io.asmready.loadgen.pacing.Schedule;
import io.asmready.loadgen.stats.ConsoleReport;
import io.asmready.loadgen.stats.Tally;
import io.asmready.loadgen.traffic.RequestSender;

/**
 * One run of the generator: start, then stop (by signal or because the duration is over) with the
 * in-flight requests given a bounded grace, and the summary printed last.
 */
public final class Loadgen {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Settings settings;
    private final RequestSender sender;
    private final Clock clock;
    private final Executor requests;
    private final Tally tally = new Tally();
    private final ConsoleReport report;
    private Pacer pacer;
    private Thread pacerThread;
    private volatile boolean running;
    private boolean stopped;

    /**
     * @param out      where the report goes, in the settings' log format
     * @param requests where each request runs ({@code Thread::startVirtualThread} in production)
     */
    public Loadgen(Settings settings, RequestSender sender, Clock clock, PrintStream out,
                   Executor requests) {
        this.settings = settings;
        this.sender = sender;
        this.clock = clock;
        this.requests = requests;
        this.report = new ConsoleReport(tally, settings.serverAddr(),
                                        new Console(out, settings.logFormat(), InstantSource.system()),
                                        settings.percentilesEverySeconds());
    }

    /**
     * Prints the start line and starts pacing on a thread of its own.
     *
     * @param onScheduleEnd run on the pacing thread when a run with a duration has issued its last request
     */
    public synchronized void start(Runnable onScheduleEnd) {
        report.started(LocalDateTime.now(), settings.requestsPerSecond());
        Schedule schedule = new Schedule(clock.nanoTime(), settings.requestsPerSecond(), settings.totalRequests());
        Dispatcher dispatcher = new Dispatcher(schedule, sender, tally, settings.maxInFlight(),
                                               settings.requestTimeout().toNanos(), clock, requests);
        pacer = new Pacer(clock, schedule, dispatcher, report::second);
        // A platform thread: its sleeps set the pace, and a carrier shared with thousands of request
        // threads would wake it late.
        pacerThread = Thread.ofPlatform().name("loadgen-pacer").daemon(true).start(() -> {
            pacer.run();
            onScheduleEnd.run();
        });
        running = true;
    }

    /**
     * Stops scheduling, waits up to the shutdown grace for requests in flight, prints the last lines
     * and the summary. Safe to call more than once; only the first call does anything.
     */
    public synchronized void stop() throws InterruptedException {
        if (stopped || pacer == null) {
            return;
        }
        stopped = true;
        running = false;
        pacer.stop();
        if (Thread.currentThread() != pacerThread) {
            pacerThread.join();
        }
        long deadline = clock.nanoTime() + settings.shutdownGrace().toNanos();
        for (long now = clock.nanoTime(); tally.inFlight() > 0 && now < deadline; now = clock.nanoTime()) {
            clock.sleepUntil(Math.min(deadline, now + POLL_NANOS));
        }
        report.finish(pacer.elapsedNanos());
    }

    /** True from start until stopping begins (the readiness check). */
    public boolean running() {
        return running;
    }

    public Tally tally() {
        return tally;
    }

    public ConsoleReport report() {
        return report;
    }

    public Settings settings() {
        return settings;
    }
}
