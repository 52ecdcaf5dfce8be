package io.asmready.loadgen.traffic;

import java.util.concurrent.atomic.AtomicLong;

import io.helidon.webclient.api.TcpClientConnection;

/**
 * A connection of the {@link ConnectionPool} and the deadline of the exchange running on it, so one
 * watchdog can time out every exchange instead of each read arming a timer of its own.
 * <p>
 * One exchange at a time: its thread {@linkplain #begin(long) begins} and ends it; the watchdog may
 * {@linkplain #expireIfDue(long) expire} it from another thread. Whichever of end and expiry comes
 * first wins; the other learns it from the outcome of its compare-and-set. The deadline itself is the
 * state (no separate busy flag), so an expiry aimed at one exchange can never hit the next one on the
 * same connection.
 */
final class PooledConnection {
    private static final long IDLE = Long.MIN_VALUE;
    private static final long EXPIRED = Long.MIN_VALUE + 1;

    private final AtomicLong deadline = new AtomicLong(IDLE);
    private TcpClientConnection connection;
    // Written and read by the exchange's own thread only.
    private long ownDeadline;
    // When it went back to the pool; written before it is offered, read by whoever takes it next.
    private long idleSince;
    // Whether an exchange has begun on it; as idleSince, handed from one thread to the next with it.
    private boolean used;

    void connection(TcpClientConnection connection) {
        this.connection = connection;
    }

    TcpClientConnection connection() {
        return connection;
    }

    /** An exchange starts on this connection and must end before {@code deadlineNanos}. */
    void begin(long deadlineNanos) {
        used = true;
        // Never one of the two markers: nanoTime values that close to Long.MIN_VALUE do not occur
        // within 292 years of a JVM start, but the guard costs nothing.
        ownDeadline = deadlineNanos <= EXPIRED ? EXPIRED + 1 : deadlineNanos;
        deadline.set(ownDeadline);
    }

    /** The exchange is over; {@code false} when the watchdog expired it first (and is closing it). */
    boolean end() {
        return deadline.compareAndSet(ownDeadline, IDLE);
    }

    /** Whether the watchdog expired the current exchange. Only for the exchange's own thread. */
    boolean expired() {
        return deadline.get() == EXPIRED;
    }

    /** From the watchdog: if the exchange running now is past its deadline, marks it expired and closes it. */
    void expireIfDue(long now) {
        long due = deadline.get();
        if (due != IDLE && due != EXPIRED && now - due >= 0 && deadline.compareAndSet(due, EXPIRED)) {
            // Closing the socket is what wakes the exchange's thread from its blocking read.
            connection.closeResource();
        }
    }

    /** Whether an exchange ran on it before (a kept-alive connection the server may have closed since). */
    boolean carriedAnExchange() {
        return used;
    }

    void idleSince(long nanos) {
        idleSince = nanos;
    }

    long idleSince() {
        return idleSince;
    }
}
