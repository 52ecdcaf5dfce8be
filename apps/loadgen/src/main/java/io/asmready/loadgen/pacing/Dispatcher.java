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
 * Not thread safe: one pacer calls {@link #dispatchDue(long)}; the requests themselves run concurrently.
 */
public final class Dispatcher {
    private final Schedule schedule;
    private final RequestSender sender;
    private final Tally tally;
    private final int maxInFlight;
    private final Clock clock;
    private final Executor requests;
    private long next;

    /**
     * @param requests where each request runs: a new virtual thread per request in production
     *                 ({@code Thread::startVirtualThread}); tests run them in place or hold them back
     */
    public Dispatcher(Schedule schedule, RequestSender sender, Tally tally, int maxInFlight, Clock clock,
                      Executor requests) {
        this.schedule = schedule;
        this.sender = sender;
        this.tally = tally;
        this.maxInFlight = maxInFlight;
        this.clock = clock;
        this.requests = requests;
    }

    /**
     * Issues every request due at or before {@code now} (after a stall that can be many at once: they
     * were due, so they go). Returns without waiting for any answer.
     *
     * @return the due time of the next request, or {@link Long#MAX_VALUE} when the schedule is done
     */
    public long dispatchDue(long now) {
        long count = schedule.count();
        while (next < count) {
            long due = schedule.due(next);
            if (due > now) {
                return due;
            }
            next++;
            if (tally.admit(maxInFlight)) {
                requests.execute(() -> send(due));
            }
        }
        return Long.MAX_VALUE;
    }

    /** Requests issued so far (sent or refused by the in-flight bound). */
    public long dispatched() {
        return next;
    }

    private void send(long due) {
        int status;
        try {
            status = sender.send();
        } catch (Exception e) {
            tally.failed(FailureReason.of(e));
            return;
        }
        tally.answered(status, clock.nanoTime() - due);
    }
}
