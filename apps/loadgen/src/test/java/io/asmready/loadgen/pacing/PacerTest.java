package io.asmready.loadgen.pacing;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.asmready.loadgen.VirtualClock;
import io.asmready.loadgen.stats.ConsoleReport;
import io.asmready.loadgen.stats.Latencies;
import io.asmready.loadgen.stats.Tally;
import io.asmready.loadgen.traffic.FailureReason;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

/** The schedule in virtual time: every assertion counts events, none measures a duration. */
class PacerTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long START = 5 * SECOND;
    // How long a due request may wait for room under the in-flight bound (the request timeout in a run).
    private static final long HOLD = SECOND / 2;

    private final VirtualClock clock = new VirtualClock(START);
    private final Tally tally = new Tally();

    @Test
    void sendsEachRequestAtItsExactDueTimeAndTicksOncePerSecond() {
        List<Long> sentAt = new ArrayList<>();
        List<Long> sentBeforeTick = new ArrayList<>();
        Schedule schedule = new Schedule(START, 7, 21);
        Dispatcher dispatcher = new Dispatcher(schedule, () -> {
            sentAt.add(clock.nanoTime());
            return 200;
        }, tally, 1000, HOLD, clock, Runnable::run);
        Pacer pacer = new Pacer(clock, schedule, dispatcher, () -> sentBeforeTick.add(tally.sent()));

        pacer.run();

        assertThat(sentAt.size(), is(21));
        for (int i = 0; i < 21; i++) {
            assertThat("request " + i, sentAt.get(i), is(START + i * SECOND / 7));
        }
        // Each second's tick sees exactly that second's 7 requests, the last one included.
        assertThat(sentBeforeTick, contains(7L, 14L, 21L));
        assertThat(pacer.elapsedNanos(), is(3 * SECOND));
        assertThat(tally.answered(), is(21L));
    }

    @Test
    void atHighRatesRequestsLeaveInTicksNeverEarlyAndAtMostOneTickLate() {
        int rate = 10_000;
        List<Long> lateBy = new ArrayList<>();
        List<Long> sentBeforeTick = new ArrayList<>();
        Schedule schedule = new Schedule(START, rate, 2 * rate);
        long[] wakeUps = new long[1];
        Clock counting = new Clock() {
            @Override
            public long nanoTime() {
                return clock.nanoTime();
            }

            @Override
            public void sleepUntil(long deadline) {
                wakeUps[0]++;
                clock.sleepUntil(deadline);
            }
        };
        Dispatcher recording = new Dispatcher(schedule, () -> {
            lateBy.add(clock.nanoTime() - schedule.due(lateBy.size()));
            return 200;
        }, tally, 1000, HOLD, clock, Runnable::run);

        new Pacer(counting, schedule, recording, () -> sentBeforeTick.add(tally.sent())).run();

        assertThat(lateBy.size(), is(2 * rate));
        assertThat(lateBy.stream().allMatch(late -> late >= 0 && late < Pacer.TICK_NANOS), is(true));
        // Each second's report still sees exactly that second's requests, the last tick's included.
        assertThat(sentBeforeTick, contains((long) rate, 2L * rate));
        // One wake-up per tick, not one per request.
        assertThat(wakeUps[0] <= 2 * SECOND / Pacer.TICK_NANOS + 2, is(true));
    }

    @Test
    void aServerThatNeverAnswersRaisesConcurrencyNotLowersTheRate() {
        List<Runnable> waiting = new ArrayList<>();
        Schedule schedule = new Schedule(START, 50, 100);
        Dispatcher dispatcher = new Dispatcher(schedule, () -> 200, tally, 1000, HOLD, clock, waiting::add);

        new Pacer(clock, schedule, dispatcher, () -> { }).run();

        assertThat(tally.sent(), is(100L));
        assertThat(tally.inFlight(), is(100));
        waiting.forEach(Runnable::run);
        assertThat(tally.inFlight(), is(0));
        assertThat(tally.answered(), is(100L));
    }

    @Test
    void beyondMaxInFlightRequestsAreHeldThenFailWithoutBeingSentAndTheScheduleGoesOn() {
        // A server that never answers: 3 requests take the whole bound; each later one is held for its
        // hold and then fails as max in-flight reached, never sent, at its due time plus the hold.
        List<Runnable> waiting = new ArrayList<>();
        List<Long> refusedAt = new ArrayList<>();
        Schedule schedule = new Schedule(START, 10, 20);
        Dispatcher dispatcher = new Dispatcher(schedule, () -> 200, tally, 3, HOLD, clock, waiting::add);
        tally.onNewReason((reason, count) -> refusedAt.add(clock.nanoTime()));

        Pacer pacer = new Pacer(clock, schedule, dispatcher, () -> { });
        pacer.run();

        assertThat(waiting.size(), is(3));
        assertThat(tally.sent(), is(20L));
        assertThat(tally.failures().get(FailureReason.MAX_IN_FLIGHT), is(17L));
        assertThat(tally.heldTotal(), is(17L));
        // The first refusal: request 3, due at 0.3 s, failed when its hold ran out, not before.
        assertThat(refusedAt, contains(START + 3 * SECOND / 10 + HOLD));
        // The run's length is its schedule's, though its end waited for the last held request.
        assertThat(pacer.elapsedNanos(), is(2 * SECOND));
        waiting.forEach(Runnable::run);
        assertThat(tally.answered(), is(3L));
    }

    @Test
    void aHeldRequestLeavesWhenRoomIsMadeWithItsLatencyFromItsDueTime() {
        // Bound 1: request 1 falls due while request 0 is still waiting, and is held, not failed.
        List<Runnable> waiting = new ArrayList<>();
        int[] wakeUps = new int[1];
        Schedule schedule = new Schedule(START, 10, 2);
        Dispatcher dispatcher = new Dispatcher(schedule, () -> 200, tally, 1, HOLD, clock, waiting::add);
        dispatcher.onRoomMade(() -> wakeUps[0]++);

        clock.advance(SECOND / 10);
        long next = dispatcher.dispatchDue(clock.nanoTime());

        assertThat(waiting.size(), is(1));
        assertThat(dispatcher.holding(), is(true));
        assertThat(next, is(START + SECOND / 10 + HOLD)); // when its hold runs out at the latest
        assertThat(tally.sent(), is(1L));
        assertThat(tally.heldTotal(), is(1L));
        assertThat(tally.failures().isEmpty(), is(true));

        // Tried again before there is room: still held, and still counted once.
        dispatcher.dispatchDue(clock.nanoTime());
        assertThat(tally.heldTotal(), is(1L));

        // 0.2 s later request 0 is answered: that wakes the pacer, and request 1 leaves at once.
        clock.advance(SECOND / 5);
        waiting.getFirst().run();
        assertThat(wakeUps[0], is(1));
        next = dispatcher.dispatchDue(clock.nanoTime());
        assertThat(next, is(Long.MAX_VALUE));
        assertThat(dispatcher.holding(), is(false));
        assertThat(waiting.size(), is(2));
        waiting.get(1).run();

        ConsoleReport report = new ConsoleReport(tally, "http://x/", new PrintStream(OutputStream.nullOutputStream()), 0);
        report.second();
        // Request 0: due at 0, answered at 0.3 s; request 1: due at 0.1 s, answered at 0.3 s.
        assertThat(report.overall().max(), closeTo(300, 1));
        assertThat(report.overall().p50(), closeTo(200, 1));
        assertThat(tally.failures().isEmpty(), is(true));
    }

    @Test
    void latencyCountsFromTheDueTimeSoALateSendIsNotHidden() {
        // The generator stalls for 2 s (a GC pause, a starved CPU): the 10 requests due meanwhile go out
        // at once when it wakes, and each one's latency includes the time it should have been sent.
        Schedule schedule = new Schedule(START, 5, 10);
        Dispatcher dispatcher = new Dispatcher(schedule, () -> 200, tally, 1000, HOLD, clock, Runnable::run);
        clock.advance(2 * SECOND);

        long next = dispatcher.dispatchDue(clock.nanoTime());

        assertThat(next, is(Long.MAX_VALUE));
        ConsoleReport report = new ConsoleReport(tally, "http://x/", new PrintStream(OutputStream.nullOutputStream()), 0);
        report.second();
        Latencies latencies = report.overall();
        assertThat(latencies.count(), is(10L));
        // Request 0 was due 2 s before it left, request 9 0.2 s before: 0.2, 0.4, ... 2.0 s.
        assertThat(latencies.max(), closeTo(2000, 2));
        assertThat(latencies.p50(), closeTo(1000, 2));
    }

    @Test
    void stopEndsAnEndlessRunAndNothingIsSentAfterwards() {
        Schedule schedule = new Schedule(START, 4, Long.MAX_VALUE);
        Dispatcher dispatcher = new Dispatcher(schedule, () -> 200, tally, 1000, HOLD, clock, Runnable::run);
        List<Long> ticks = new ArrayList<>();
        Pacer[] pacer = new Pacer[1];
        pacer[0] = new Pacer(clock, schedule, dispatcher, () -> {
            ticks.add(tally.sent());
            if (ticks.size() == 3) {
                pacer[0].stop();
            }
        });

        pacer[0].run();

        assertThat(ticks, contains(4L, 8L, 12L));
        assertThat(tally.sent(), is(12L));
        assertThat(pacer[0].elapsedNanos(), is(3 * SECOND));
    }
}
