package io.asmready.loadgen.traffic;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

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
 */
final class ConnectionPool implements AutoCloseable {
    private static final List<String> HTTP1 = List.of("http/1.1");

    private final WebClient webClient;
    private final ConnectionKey key;
    private final int capacity;
    private final long maxIdleNanos;
    private final ConcurrentLinkedDeque<Idle> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
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
    TcpClientConnection reuse() {
        for (Idle candidate = idle.pollFirst(); candidate != null; candidate = idle.pollFirst()) {
            idleCount.decrementAndGet();
            if (System.nanoTime() - candidate.since() < maxIdleNanos && candidate.connection().isConnected()) {
                return candidate.connection();
            }
            candidate.connection().closeResource();
            // Everything below has idled even longer: close it all now rather than one per request.
            for (Idle older = idle.pollLast(); older != null; older = idle.pollLast()) {
                idleCount.decrementAndGet();
                older.connection().closeResource();
            }
        }
        return null;
    }

    /** A new connection, connected (connect timeout applies); released into this pool when its exchange ends. */
    TcpClientConnection open() {
        return TcpClientConnection.create(webClient, key, HTTP1, this::release, connection -> { }).connect();
    }

    private boolean release(TcpClientConnection connection) {
        if (closed || idleCount.incrementAndGet() > capacity) {
            idleCount.decrementAndGet();
            return false;
        }
        idle.offerFirst(new Idle(connection, System.nanoTime()));
        return true;
    }

    @Override
    public void close() {
        closed = true;
        for (Idle candidate = idle.pollFirst(); candidate != null; candidate = idle.pollFirst()) {
            candidate.connection().closeResource();
        }
    }

    private record Idle(TcpClientConnection connection, long since) {
    }
}
