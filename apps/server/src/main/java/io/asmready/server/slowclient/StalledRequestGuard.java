package io.asmready.server.slowclient;

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
 * Closes connections whose client sent a request line and then stalled in the middle of its headers.
 * <p>
 * Helidon's idle-connection sweep (idle-connection-timeout) asks an idle connection to close without
 * interrupting it unless the connection is waiting for a request line; a connection blocked reading headers never
 * notices, so a client that sends {@code GET / HTTP/1.1\r\nHost: x\r\n} and nothing more holds a socket and a
 * thread forever (Helidon 4.5.0). This selector serves HTTP/1.1 exactly like Helidon's own and only turns that
 * polite request into an interrupt once the connection has been idle longer than the idle timeout.
 */
public final class StalledRequestGuard implements ServerConnectionSelector {
    private final ServerConnectionSelector http1;
    private final Duration idleTimeout;

    /**
     * Creates the guard.
     *
     * @param http1Config HTTP/1.1 settings of the listener (limits, validation)
     * @param idleTimeout the listener's idle-connection-timeout
     */
    public StalledRequestGuard(Http1Config http1Config, Duration idleTimeout) {
        this.http1 = Http1ConnectionSelector.builder().config(http1Config).build();
        this.idleTimeout = idleTimeout;
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
            delegate.handle(limit);
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
