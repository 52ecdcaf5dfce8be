package io.asmready.loadgen.traffic;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.helidon.common.tls.Tls;
import io.helidon.webclient.api.ClientUri;
import io.helidon.webclient.api.ConnectionKey;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.TcpClientConnection;
import io.helidon.webclient.api.WebClient;

/**
 * GET on the target URL over connections of Helidon's WebClient ({@code TcpClientConnection}: its
 * connect timeout, TLS and name resolution) from a {@link ConnectionPool}, each exchange read by
 * {@link Http1Exchange}: a deadline per exchange, redirects not followed (a 3xx is an answer like any
 * other and is counted by its class). A connection is kept for the next request when its answer says it
 * may be (HTTP/1.1 without {@code Connection: close}, or HTTP/1.0 with keep-alive, and a length known
 * from the message); otherwise it is closed and the next request opens a new one, as against an
 * HTTP/1.0 server that closes after each answer.
 * <p>
 * Why a watchdog rather than Helidon's read timeout: a timed read on a virtual thread arms a timer,
 * and arming and cancelling one wakes the JDK's timer thread, twice per request; at 10,000 requests
 * a second on one core that alone cost about as much CPU as the requests. Sockets read without a
 * timeout instead, and one platform thread looks through the open connections a few times per
 * timeout and closes any whose exchange is past its deadline, which wakes the blocked read; that
 * exchange then fails as {@code timed out after <timeout>}.
 */
public final class HttpSender implements RequestSender, AutoCloseable {
    // Below the shortest keep-alive timeout in common use (Node.js: 5 s), so a pooled connection is
    // never one the server has already given up on.
    private static final Duration MAX_IDLE = Duration.ofSeconds(4);
    // Timeouts fire at most about 1/20 of the timeout late (within 1 ms to 50 ms).
    private static final long MIN_WATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_WATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Http1Exchange http;
    private final ConnectionPool pool;
    private final long requestTimeoutNanos;
    private final String timedOut;
    private final String connectTimedOut;
    private final Thread watchdog;
    private volatile boolean closed;

    /**
     * @param target         URL to GET, path and query included
     * @param connectTimeout TCP connect timeout
     * @param requestTimeout how long an exchange may take, from sending the request to the end of the answer
     * @param poolSize       idle connections kept for reuse; the in-flight bound, so that after a busy
     *                       moment the connections it needed are still there
     */
    public HttpSender(URI target, Duration connectTimeout, Duration requestTimeout, int poolSize) {
        ClientUri uri = ClientUri.create(target);
        WebClient webClient = WebClient.builder()
                .baseUri(uri)
                .connectTimeout(connectTimeout)
                // Zero: reads never time out by themselves; the watchdog enforces requestTimeout.
                .readTimeout(Duration.ZERO)
                .followRedirects(false)
                // Unbuffered: the request is built in one buffer and written with one call anyway,
                // and the connection's write buffer would copy it through a new 4 KiB array each time.
                .writeBufferSize(0)
                // Direct, always: the system proxy selector would be consulted on every request, and
                // test traffic must never leave the machine through a proxy.
                .proxy(Proxy.noProxy())
                .build();
        this.http = new Http1Exchange(target);
        // As Helidon's own cache does: the client's TLS settings apply to https only.
        Tls tls = "https".equalsIgnoreCase(uri.scheme()) ? webClient.prototype().tls() : Tls.builder().enabled(false).build();
        ConnectionKey key = ConnectionKey.create(uri.scheme(), uri.host(), uri.port(), tls,
                                                 webClient.prototype().dnsResolver(),
                                                 webClient.prototype().dnsAddressLookup(),
                                                 Proxy.noProxy());
        this.pool = new ConnectionPool(webClient, key, poolSize, MAX_IDLE, connectTimeout);
        this.requestTimeoutNanos = requestTimeout.toNanos();
        this.timedOut = FailureReason.timedOut(requestTimeout);
        this.connectTimedOut = FailureReason.connectTimedOut(connectTimeout);
        this.watchdog = Thread.ofPlatform().name("loadgen-timeouts").daemon(true).start(this::watch);
    }

    @Override
    public int send() {
        PooledConnection pooled = acquire(true);
        if (pooled.carriedAnExchange()) {
            try {
                return exchange(pooled);
            } catch (ExchangeFailure e) {
                // A kept-alive connection the server closed while it idled fails at once, before any
                // answer. GET is idempotent: try once more on a new connection, as browsers and
                // proxies do, so a server's keep-alive housekeeping is not reported as its failure.
                if (!e.beforeAnswer()) {
                    throw e;
                }
            }
            pooled = acquire(false);
        }
        return exchange(pooled);
    }

    private PooledConnection acquire(boolean mayReuse) {
        try {
            return pool.acquire(mayReuse);
        } catch (RuntimeException e) {
            String reason = FailureReason.of(e);
            throw new ExchangeFailure(reason.equals(FailureReason.CONNECT_TIMED_OUT) ? connectTimedOut : reason, false);
        }
    }

    private int exchange(PooledConnection pooled) {
        pooled.begin(System.nanoTime() + requestTimeoutNanos);
        TcpClientConnection connection = pooled.connection();
        Http1Exchange.Answer answer;
        try {
            answer = http.exchange(connection.writer(), connection.reader());
        } catch (RuntimeException e) {
            connection.closeResource();
            if (pooled.expired()) {
                // Whatever the closed socket made the read throw, the cause was the deadline.
                throw new ExchangeFailure(timedOut, false);
            }
            if (e instanceof ExchangeFailure failure) {
                throw failure;
            }
            throw new ExchangeFailure(FailureReason.of(e), false);
        }
        if (answer.reusable()) {
            // Back to the pool (through the pool's release function), unless the watchdog expired it.
            connection.releaseResource();
        } else {
            pooled.end();
            connection.closeResource();
        }
        return answer.status();
    }

    private void watch() {
        long period = Math.clamp(requestTimeoutNanos / 20, MIN_WATCH_NANOS, MAX_WATCH_NANOS);
        while (!closed) {
            pool.expireDue(System.nanoTime());
            LockSupport.parkNanos(period);
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(watchdog);
        pool.close();
    }
}
