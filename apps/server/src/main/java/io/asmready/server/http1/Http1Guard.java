package io.asmready.server.http1;

import java.time.Duration;
import java.util.Set;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

/**
 * Serves HTTP/1.1 exactly like Helidon's own connection selector, with two fixes to how Helidon 4.5.0 ends
 * connections.
 * <ul>
 *     <li>A client that sent a request line and then stalled in the middle of its headers is cut. Helidon's
 *     idle-connection sweep (idle-connection-timeout) asks an idle connection to close without interrupting it
 *     unless the connection is waiting for a request line; a connection blocked reading headers never notices, so a
 *     client that sends {@code GET / HTTP/1.1\r\nHost: x\r\n} and nothing more holds a socket and a thread forever.
 *     Here that polite request becomes an interrupt once the connection has been idle longer than the timeout.</li>
 *     <li>A request that says {@code Connection: close} ends its connection once answered (RFC 9112 section 9.6:
 *     the server "MUST initiate closure"). Helidon answers {@code Connection: close} and then keeps waiting for
 *     another request until the idle timeout, so a client that reads to the end of the stream waits that long.
 *     {@link ConnectionCloseFilter} asks for it through {@link #endAfterCurrentRequest()}.</li>
 * </ul>
 */
public final class Http1Guard implements ServerConnectionSelector {
    // Helidon runs a connection's requests, routing included, on the thread that handles the connection.
    private static final ThreadLocal<ServerConnection> SERVING = new ThreadLocal<>();

    private final ServerConnectionSelector http1;
    private final Duration idleTimeout;

    /**
     * Creates the guard.
     *
     * @param http1Config HTTP/1.1 settings of the listener (limits, validation)
     * @param idleTimeout the listener's idle-connection-timeout
     */
    public Http1Guard(Http1Config http1Config, Duration idleTimeout) {
        this.http1 = Http1ConnectionSelector.builder().config(http1Config).build();
        this.idleTimeout = idleTimeout;
    }

    /**
     * Ends the connection serving the current request once that request has been answered; nothing when called
     * outside a connection served by this guard (routing tests without sockets).
     */
    static void endAfterCurrentRequest() {
        ServerConnection connection = SERVING.get();
        if (connection != null) {
            // Not interrupting: the request in progress finishes, then Helidon's loop stops and closes the socket.
            connection.close(false);
        }
    }

    @Override
    public int bytesToIdentifyConnection() {
        return http1.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
        return http1.supports(data);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        return new Guarded(http1.connection(ctx), idleTimeout);
    }

    private record Guarded(ServerConnection delegate, Duration idleTimeout) implements ServerConnection {
        @Override
        public void handle(Limit limit) throws InterruptedException {
            SERVING.set(delegate);
            try {
                delegate.handle(limit);
            } finally {
                SERVING.remove();
            }
        }

        @Override
        public Duration idleTime() {
            return delegate.idleTime();
        }

        @Override
        public void close(boolean interrupt) {
            // Idle time restarts with every request line and with every routed request, so only a client that
            // stopped sending (or stopped reading our answer) for the whole timeout is cut. A request being
            // handled during a graceful stop is younger than that and keeps Helidon's polite close.
            delegate.close(interrupt || idleTime().compareTo(idleTimeout) > 0);
        }
    }
}
