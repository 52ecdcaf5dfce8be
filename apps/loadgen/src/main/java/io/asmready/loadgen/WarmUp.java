package io.asmready.loadgen;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import io.asmready.loadgen.config.Settings;
import io.asmready.loadgen.pacing.Clock;
import io.asmready.loadgen.traffic.HttpSender;

/**
 * A rehearsal before the schedule starts: the very code of a run (a {@link Loadgen}: pacer, dispatcher, a
 * virtual thread per request, the connection pool, the HTTP exchange, the tally, the report) at the
 * run's rate for a short time,
 * against a {@link WarmUpServer} on loopback inside this process. The target never sees these requests
 * and nothing of them is counted or printed.
 * <p>
 * Why: a cold JVM pays for class loading and its first compilations on its first requests, and C2
 * compiles a method only after some ten thousand calls; paid by the first due requests, that came out
 * as a second-long stall and thousands of {@code max in-flight reached} failures at the start of a run
 * of a few thousand requests a second on one core. Sequential requests (the warm-up this replaces) left
 * the concurrent paths cold (several connections, new ones opened in a burst, requests overtaking each
 * other), and the health endpoint it used answered in one form only, so the first other form a target
 * sent made the compiled request path deoptimise mid-run.
 */
public final class WarmUp {
    /** Below this rate nothing is rehearsed: a cold request costs a few milliseconds, which such a rate never notices. */
    static final int MIN_RATE = 500;
    /** Above this rate the rehearsal runs at it: the compiled code is the same, and a cold JVM cannot go faster anyway. */
    static final int MAX_RATE = 20_000;
    /** Long enough for C2 to have compiled the request path at 1,000 requests a second and more. */
    static final Duration LENGTH = Duration.ofSeconds(2);
    // How long the rehearsal's last requests may take to finish.
    private static final Duration DRAIN = Duration.ofSeconds(1);
    /** How long the JIT may go on compiling what the rehearsal made hot, once its traffic is over. */
    static final Duration COMPILE_BUDGET = Duration.ofSeconds(3);
    // The compilers count as done when they finished nothing for this long.
    private static final long COMPILER_QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(150);

    private WarmUp() {
    }

    /**
     * Rehearses the run {@code settings} describe, for {@link #LENGTH}, then waits for the JIT (up to
     * {@link #COMPILE_BUDGET}); nothing below {@link #MIN_RATE}.
     *
     * @param requests the executor the run will use: the very same object, so that the call sites the
     *                 JIT profiles see the classes of the run and need no recompiling when it starts
     * @return answers the rehearsal got (0 when it did not run)
     */
    public static long run(Settings settings, Executor requests) {
        if (settings.requestsPerSecond() < MIN_RATE) {
            return 0;
        }
        int rate = Math.min(settings.requestsPerSecond(), MAX_RATE);
        long answered = 0;
        try (WarmUpServer server = new WarmUpServer();
             HttpSender sender = new HttpSender(server.uri(), settings.connectTimeout(), settings.requestTimeout(),
                                                settings.maxInFlight())) {
            Settings rehearsal = new Settings(server.uri().toString(), server.uri(), rate, settings.maxInFlight(),
                                              settings.connectTimeout(), settings.requestTimeout(), LENGTH.toSeconds(),
                                              settings.percentilesEverySeconds(), DRAIN, settings.adminPort(),
                                              settings.host(), settings.logFormat(), List.of());
            // The report's code runs too (it is part of the pacer's loop), into nothing.
            Loadgen loadgen = new Loadgen(rehearsal, sender, Clock.SYSTEM, new PrintStream(OutputStream.nullOutputStream()),
                                          requests);
            CountDownLatch done = new CountDownLatch(1);
            loadgen.start(done::countDown);
            done.await();
            loadgen.stop();
            answered = loadgen.tally().answered();
        } catch (RuntimeException e) {
            // An optimisation, never a reason not to start: the run then starts cold, as it would have anyway.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return answered;
        }
        awaitCompilers(COMPILE_BUDGET);
        return answered;
    }

    /**
     * Waits, up to {@code budget}, until the JIT compilers have finished nothing for a while. The
     * rehearsal queues its hot methods for C2, and on one core C2 can only work off that queue when the
     * requests leave it the CPU: in the first second of a run that queue took nearly half the core,
     * and the requests it delayed piled up into {@code max in-flight reached}. Idle here, it takes
     * about a second. Returns at once when the JVM does not report compilation time.
     */
    static void awaitCompilers(Duration budget) {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        if (compiler == null || !compiler.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long deadline = System.nanoTime() + budget.toNanos();
        long last = compiler.getTotalCompilationTime();
        long quietSince = System.nanoTime();
        for (long now = quietSince; now - deadline < 0 && now - quietSince < COMPILER_QUIET_NANOS; now = System.nanoTime()) {
            Clock.SYSTEM.sleepUntil(now + COMPILER_QUIET_NANOS / 3);
            long total = compiler.getTotalCompilationTime();
            if (total != last) {
                last = total;
                quietSince = System.nanoTime();
            }
        }
    }
}
