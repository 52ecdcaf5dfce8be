package io.asmready.loadgen.pacing;

import java.util.concurrent.Executor;

import io.asmready.loadgen.stats.Tally;
import io.asmready.loadgen.traffic.FailureReason;
import io.asmready.loadgen.traffic.RequestSender;

/**
 * Issues the requests of a {@link Schedule} whose time has come, each on its own virtual thread, so a
 * slow or silent server raises the number in flight and never delays the next request (open loop).
 * Latency is measured from the request's due time, not from when it actually left: a late send is the
 * generator's delay plus the server's, exactly what a real client arriving on time would have seen.
 * <p>
 * At most {@code maxInFlight} requests wait for an answer at once. A request that falls due while
 * that many wait is <em>held</em>: it stays in the schedule (no thread, no socket, nothing allocated;
 * the schedule's index is the whole queue) and leaves as soon as one of them finishes, in due order,
 * its latency still counted from its due time. A request still held {@code maxHold} after its due time
 * (the request timeout: by then it would have timed out anyway) fails as {@code max in-flight reached}
 * without being sent. Why hold instead of failing at once: the bound is there for a server that does
 * not answer, but it was just as often reached by a pause of the generator itself (a collection, the
 * JIT, a busy core): at 20,000 requests a second 1,000 in flight is 50 ms, and a 10 ms pause ended in
 * over a thousand failed requests blamed on a server that had answered every one in under a millisecond.
 * <p>
 * Not thread safe: one pacer calls {@link #dispatchDue(long)}; the requests themselves run concurrently.
 */
public final class Dispatcher {
    private final Schedule schedule;
    private final RequestSender sender;
    private final Tally tally;
    private final int maxInFlight;
    private final long maxHoldNanos;
    private final Clock clock;
    private final Executor requests;
    private long next;
    // The request counted as held last: a request is counted once however many times it is tried.
    private long counted = -1;
    // True while a due request waits for room; every request that ends meanwhile calls roomMade.
    private volatile boolean holding;
    private volatile Runnable roomMade = () -> { };

    /**
     * @param maxHold  how long after its due time a request may wait for room under {@code maxInFlight}
     *                 before it fails as {@link FailureReason#MAX_IN_FLIGHT}, in nanoseconds
     * @param requests where each request runs: a new virtual thread per request in production
     *                 ({@code Thread::startVirtualThread}); tests run them in place or hold them back
     */
    public Dispatcher(Schedule schedule, RequestSender sender, Tally tally, int maxInFlight, long maxHold,
                      Clock clock, Executor requests) {
        this.schedule = schedule;
        this.sender = sender;
        this.tally = tally;
        this.maxInFlight = maxInFlight;
        this.maxHoldNanos = maxHold;
        this.clock = clock;
        this.requests = requests;
    }

    /** Run (on a request's thread) when a request ends while due ones are held: the pacer's wake-up. */
    void onRoomMade(Runnable wakeUp) {
        this.roomMade = wakeUp;
    }

    /**
     * Issues every request due at or before {@code now} (after a stall that can be many at once: they
     * were due, so they go) while there is room under the in-flight bound, and fails the held ones whose
     * hold has run out. Returns without waiting for any answer.
     *
     * @return when to call again at the latest: the due time of the next request, the time the first
     *         held request's hold runs out (sooner when a request ends: {@link #holding()}), or
     *         {@link Long#MAX_VALUE} when the schedule is done
     */
    public long dispatchDue(long now) {
        long count = schedule.count();
        while (next < count) {
            long due = schedule.due(next);
            if (due > now) {
                holding = false;
                return due;
            }
            if (!admit()) {
                if (counted != next) {
                    counted = next;
                    tally.held();
                }
                if (now - due < maxHoldNanos) {
                    return due + maxHoldNanos;
                }
                next++;
                tally.refused();
                continue;
            }
            next++;
            requests.execute(() -> send(due));
        }
        holding = false;
        return Long.MAX_VALUE;
    }

    /**
     * Room for one more request, or {@code holding} set. Set before the second try, so that a request
     * ending in between either leaves room for that try or sees the flag and wakes the pacer.
     */
    private boolean admit() {
        if (tally.admit(maxInFlight)) {
            return true;
        }
        holding = true;
        if (tally.admit(maxInFlight)) {
            holding = false;
            return true;
        }
        return false;
    }

    /** Whether a due request waits for room: the pacer then dispatches again when woken, not only when due. */
    public boolean holding() {
        return holding;
    }

    /** Requests issued so far (sent or failed for want of room). */
    public long dispatched() {
        return next;
    }

    private void send(long due) {
        int status;
        try {
            status = sender.send();
        } catch (Exception e) {
            tally.failed(FailureReason.of(e));
            roomMadeIfHolding();
            return;
        }
        tally.answered(status, clock.nanoTime() - due);
        roomMadeIfHolding();
    }

    private void roomMadeIfHolding() {
        if (holding) {
            roomMade.run();
        }
    }
}
