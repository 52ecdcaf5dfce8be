package io.asmready.loadgen.traffic;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
 */
final class ConnectionPool implements AutoCloseable {
    private static final List<String> HTTP1 = List.of("http/1.1");
    // Stale idle connections closed per watchdog pass: at one pass per 50 ms, 320 a second.
    static final int CLOSE_PER_CALL = 16;

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
    private volatile boolean closed;

    /**
     * @param capacity idle connections kept at most; a connection released beyond it is closed
     * @param maxIdle  idle time after which a connection is closed rather than reused
     */
    ConnectionPool(WebClient webClient, ConnectionKey key, int capacity, Duration maxIdle) {
        this.webClient = webClient;
        this.key = key;
        this.capacity = capacity;
        this.maxIdleNanos = maxIdle.toNanos();
    }

    /** The most recently released connection still fit for reuse, or {@code null} when there is none. */
    PooledConnection reuse() {
        for (PooledConnection candidate = pollFirst(); candidate != null; candidate = pollFirst()) {
            if (System.nanoTime() - candidate.idleSince() < maxIdleNanos && candidate.connection().isConnected()) {
                return candidate;
            }
            candidate.connection().closeResource();
        }
        return null;
    }

    /** A new connection, connected (connect timeout applies); released into this pool when its exchange ends. */
    PooledConnection open() {
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
        synchronized (idle) {
            if (closed || idle.size() >= capacity) {
                return false;
            }
            idle.offerFirst(pooled);
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        for (PooledConnection pooled : open) {
            pooled.connection().closeResource();
        }
        synchronized (idle) {
            idle.clear();
        }
    }
}
