package io.asmready.loadgen.traffic;

import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import io.helidon.webclient.api.ConnectionKey;
import io.helidon.webclient.api.TcpClientConnection;
import io.helidon.webclient.api.WebClient;

/**
 * Keep-alive connections to the one target, most recently used first.
 * <p>
 * Why not Helidon's own cache: it hands connections out first-in first-out, so every connection a
 * burst ever opened stays in rotation, and it watches each idle connection with a thread that wakes
 * every 100 ms; at thousands of requests a second that watching cost more CPU than the requests.
 * Last-in first-out keeps the working set as small as the concurrency really is; a connection that
 * has idled longer than {@code maxIdle} is closed instead of reused, before a server's keep-alive
 * timeout (commonly 5 s or more) can make it stale.
 * <p>
 * It also knows every connection still open, busy or idle, so that one watchdog can expire the
 * exchanges past their deadline ({@link #expireDue(long)}).
 * <p>
 * At most {@link #MAX_OPENING} connections are being opened at once; a request that finds no idle
 * connection while that many are opening waits, first come first served, for whichever comes first: a
 * connection released by another request (handed over directly) or its turn to open one. Why: after
 * a stall of the generator (a GC pause, a cold JIT at start) hundreds of requests fall due at once;
 * each opening a connection of its own cost far more CPU than the few busy connections needed to
 * answer them all (on one core, a storm of a thousand connects turned a 50 ms pause into a second of
 * {@code max in-flight reached}). Against a slow server the connections still open as fast as
 * connects complete, so every request still leaves, on a connection of its own if need be.
 */
final class ConnectionPool implements AutoCloseable {
    private static final List<String> HTTP1 = List.of("http/1.1");
    // Stale idle connections closed per watchdog pass: at one pass per 50 ms, 320 a second.
    static final int CLOSE_PER_CALL = 16;
    /** Connections being opened at once, at most (the connect, and TLS where it applies). */
    static final int MAX_OPENING = 16;

    private final WebClient webClient;
    private final ConnectionKey key;
    private final int capacity;
    private final long maxIdleNanos;
    // Most recently released first. A plain deque under its own lock rather than a concurrent one:
    // the watchdog takes from the far end, and in a ConcurrentLinkedDeque that reshapes the links the
    // requests' end then walks, which made the JIT throw away and recompile the whole (inlined)
    // request path mid-run, a 300 ms stall. The lock is held for a push or a pop only.
    private final ArrayDeque<PooledConnection> idle = new ArrayDeque<>();
    // Every connection not yet closed, idle or busy: what the watchdog looks through.
    private final Set<PooledConnection> open = ConcurrentHashMap.newKeySet();
    // Under the lock of idle, as the two below: requests waiting for a connection, oldest first.
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    // Connections being opened now.
    private int opening;
    private final long maxWaitNanos;
    private volatile boolean closed;

    /**
     * @param capacity idle connections kept at most; a connection released beyond it is closed
     * @param maxIdle  idle time after which a connection is closed rather than reused
     * @param maxWait  how long a request waits for a connection at most (the connect timeout: a request
     *                 waits only while others connect); then it fails as a connect timeout
     */
    ConnectionPool(WebClient webClient, ConnectionKey key, int capacity, Duration maxIdle, Duration maxWait) {
        this.webClient = webClient;
        this.key = key;
        this.capacity = capacity;
        this.maxIdleNanos = maxIdle.toNanos();
        this.maxWaitNanos = maxWait.toNanos();
    }

    /**
     * A connection for the next exchange: the most recently released one still fit for reuse when
     * {@code mayReuse}, else a new one (or, while {@link #MAX_OPENING} are opening, whichever a waiting
     * turn gives first: a released connection or a new one).
     *
     * @throws RuntimeException when connecting fails, or no connection came within the wait limit
     *                          (a {@link SocketTimeoutException} saying "connect timed out")
     */
    PooledConnection acquire(boolean mayReuse) {
        while (true) {
            if (mayReuse) {
                PooledConnection reused = reuse();
                if (reused != null) {
                    return reused;
                }
            }
            Waiter waiter;
            synchronized (idle) {
                if (mayReuse && !idle.isEmpty()) {
                    continue; // released meanwhile
                }
                if (opening < MAX_OPENING || closed) {
                    opening++;
                    waiter = null;
                } else {
                    waiter = new Waiter(Thread.currentThread());
                    waiters.addLast(waiter);
                }
            }
            if (waiter == null || await(waiter)) {
                return openWithTurn();
            }
            return waiter.connection;
        }
    }

    // The most recently released connection still fit for reuse, or null when there is none.
    private PooledConnection reuse() {
        for (PooledConnection candidate = pollFirst(); candidate != null; candidate = pollFirst()) {
            if (System.nanoTime() - candidate.idleSince() < maxIdleNanos && candidate.connection().isConnected()) {
                return candidate;
            }
            candidate.connection().closeResource();
        }
        return null;
    }

    // Opens a connection on a turn to open (opening counts it); then passes the turn on.
    private PooledConnection openWithTurn() {
        try {
            return open();
        } finally {
            Waiter next;
            synchronized (idle) {
                next = waiters.pollFirst();
                if (next == null) {
                    opening--;
                } else {
                    next.mayOpen = true;
                }
            }
            if (next != null) {
                LockSupport.unpark(next.thread);
            }
        }
    }

    // Parks until the waiter is handed a connection (false) or a turn to open one (true), at most maxWait.
    private boolean await(Waiter waiter) {
        long deadline = System.nanoTime() + maxWaitNanos;
        while (!waiter.served()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                synchronized (idle) {
                    if (!waiter.served()) {
                        waiters.remove(waiter);
                        throw new UncheckedIOException(new SocketTimeoutException("connect timed out"));
                    }
                }
                break;
            }
            LockSupport.parkNanos(this, left);
        }
        return waiter.connection == null;
    }

    /** A new connection, connected (connect timeout applies); released into this pool when its exchange ends. */
    private PooledConnection open() {
        PooledConnection pooled = new PooledConnection();
        pooled.connection(TcpClientConnection.create(webClient, key, HTTP1, connection -> release(pooled),
                                                     connection -> open.remove(pooled)));
        open.add(pooled);
        try {
            pooled.connection().connect();
        } catch (RuntimeException e) {
            open.remove(pooled);
            throw e;
        }
        if (closed) {
            // Raced with close(): nobody would close it later.
            pooled.connection().closeResource();
        }
        return pooled;
    }

    /**
     * The watchdog's work: expires every exchange past its deadline (closing its connection), and
     * closes up to {@link #CLOSE_PER_CALL} of the connections that idled longer than {@code maxIdle},
     * oldest first. Here rather than on a request's way, and a few at a time: after a burst that
     * opened a thousand connections, closing them all at once took tens of milliseconds of the one
     * core the requests run on, a stall long enough to need new connections, which cost more still.
     */
    void expireDue(long now) {
        for (PooledConnection pooled : open) {
            pooled.expireIfDue(now);
        }
        for (int i = 0; i < CLOSE_PER_CALL; i++) {
            PooledConnection stale = pollStale(now);
            if (stale == null) {
                break;
            }
            stale.connection().closeResource();
        }
    }

    private PooledConnection pollFirst() {
        synchronized (idle) {
            return idle.pollFirst();
        }
    }

    // The least recently released connection if it has idled too long (then so has nothing else).
    private PooledConnection pollStale(long now) {
        synchronized (idle) {
            PooledConnection oldest = idle.peekLast();
            return oldest != null && now - oldest.idleSince() >= maxIdleNanos ? idle.pollLast() : null;
        }
    }

    // Called through the connection's releaseResource(), on the exchange's thread, once a reusable answer
    // has been read to its end.
    private boolean release(PooledConnection pooled) {
        if (!pooled.end()) {
            return false; // expired meanwhile: the watchdog is closing it
        }
        pooled.idleSince(System.nanoTime());
        Waiter next;
        synchronized (idle) {
            if (closed) {
                return false;
            }
            next = waiters.pollFirst();
            if (next == null) {
                if (idle.size() >= capacity) {
                    return false;
                }
                idle.offerFirst(pooled);
                return true;
            }
            next.connection = pooled;
        }
        LockSupport.unpark(next.thread);
        return true;
    }

    @Override
    public void close() {
        closed = true;
        for (PooledConnection pooled : open) {
            pooled.connection().closeResource();
        }
        List<Waiter> woken;
        synchronized (idle) {
            idle.clear();
            woken = List.copyOf(waiters);
            waiters.clear();
            for (Waiter waiter : woken) {
                waiter.mayOpen = true; // its open then fails or is closed at once: closed
            }
        }
        woken.forEach(waiter -> LockSupport.unpark(waiter.thread));
    }

    /** A request waiting for a connection; served by a release (connection) or by a turn to open one. */
    private static final class Waiter {
        final Thread thread;
        volatile PooledConnection connection;
        volatile boolean mayOpen;

        Waiter(Thread thread) {
            this.thread = thread;
        }

        boolean served() {
            return connection != null || mayOpen;
        }
    }
}
