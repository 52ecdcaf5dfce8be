package io.asmready.server.http1;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.Bytes;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

/**
 * Serves HTTP/1.1 like Helidon's own connection selector, and HTTP/1.0 as well, with two fixes to how Helidon 4.5.0
 * ends connections.
 * <ul>
 *     <li>HTTP/1.0 requests are served instead of refused with 505 (Helidon 4 implements HTTP/1.1 only): they reach
 *     Helidon as HTTP/1.1 through a {@link VersionReader}, and {@link PersistenceFilter} applies HTTP/1.0's
 *     connection rules to the answer. Every other version is still refused by Helidon (400).</li>
 *     <li>A client that sent a request line and then stalled in the middle of its headers is cut. Helidon's
 *     idle-connection sweep (idle-connection-timeout) asks an idle connection to close without interrupting it
 *     unless the connection is waiting for a request line; a connection blocked reading headers never notices, so a
 *     client that sends {@code GET / HTTP/1.1\r\nHost: x\r\n} and nothing more holds a socket and a thread forever.
 *     Here that polite request becomes an interrupt once the connection has been idle longer than the timeout.</li>
 *     <li>A request that says {@code Connection: close} ends its connection once answered (RFC 9112 section 9.6:
 *     the server "MUST initiate closure"). Helidon answers {@code Connection: close} and then keeps waiting for
 *     another request until the idle timeout, so a client that reads to the end of the stream waits that long.
 *     {@link PersistenceFilter} asks for it through {@link #endAfterCurrentRequest()}.</li>
 * </ul>
 */
public final class Http1Guard implements ServerConnectionSelector {
    // Helidon runs a connection's requests, routing included, on the thread that handles the connection.
    private static final ThreadLocal<Guarded> SERVING = new ThreadLocal<>();

    private final ServerConnectionSelector http1;
    private final Duration idleTimeout;

    /**
     * Creates the guard.
     *
     * @param http1Config HTTP/1.1 settings of the listener (limits, validation)
     * @param idleTimeout the listener's idle-connection-timeout
     */
    public Http1Guard(Http1Config http1Config, Duration idleTimeout) {
        // The marker must be the only receive listener: Helidon 4.5.0 combines two or more into one that calls
        // none of them (Http1ConnectionListenerUtil.ListFrameListener forwards nothing). It calls Helidon's own
        // (the receive log) itself.
        Http1Config withRequestLines = Http1Config.builder()
                .from(http1Config)
                .receiveListeners(List.of(new RequestLineMarker(http1Config.compositeReceiveListener())))
                .build();
        this.http1 = Http1ConnectionSelector.builder().config(withRequestLines).build();
        this.idleTimeout = idleTimeout;
    }

    /**
     * Ends the connection serving the current request once that request has been answered; nothing when called
     * outside a connection served by this guard (routing tests without sockets).
     */
    static void endAfterCurrentRequest() {
        Guarded connection = SERVING.get();
        if (connection != null) {
            // Not interrupting: the request in progress finishes, then Helidon's loop stops and closes the socket.
            connection.delegate().close(false);
        }
    }

    /**
     * Whether the request being handled on this thread came as HTTP/1.0.
     *
     * @return true for HTTP/1.0; false for HTTP/1.1 and outside a connection served by this guard
     */
    public static boolean isHttp10Request() {
        Guarded connection = SERVING.get();
        return connection != null && connection.reader().http10();
    }

    /**
     * The protocol of the request being handled on this thread, as the client sent it.
     *
     * @return {@code HTTP/1.0} or {@code HTTP/1.1}
     */
    public static String requestProtocol() {
        return isHttp10Request() ? "HTTP/1.0" : "HTTP/1.1";
    }

    @Override
    public int bytesToIdentifyConnection() {
        return http1.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
        // Asked only when the listener has several selectors; with the guard alone Helidon never asks.
        Support support = http1.supports(data);
        if (support == Support.UNSUPPORTED) {
            data.rewind();
            int lf = data.indexOf(Bytes.LF_BYTE);
            if (lf > 0 && data.readString(lf).endsWith(" HTTP/1.0\r")) {
                support = Support.SUPPORTED;
            }
        }
        return support;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        VersionContext versioned = new VersionContext(ctx);
        return new Guarded(http1.connection(versioned), versioned.reader(), idleTimeout);
    }

    private record Guarded(ServerConnection delegate, VersionReader reader, Duration idleTimeout)
            implements ServerConnection {
        @Override
        public void handle(Limit limit) throws InterruptedException {
            SERVING.set(this);
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

    /**
     * Marks the end of each request's header section (the next request line follows the request's body, which is
     * never read as a line), then passes every event on to the listener it replaces.
     */
    private record RequestLineMarker(Http1ConnectionListener helidon) implements Http1ConnectionListener {
        @Override
        public void headers(ConnectionContext ctx, Headers headers) {
            if (ctx instanceof VersionContext versioned) {
                versioned.reader().expectRequestLine();
            }
            helidon.headers(ctx, headers);
        }

        @Override
        public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
            helidon.prologue(ctx, prologue);
        }

        @Override
        public void status(ConnectionContext ctx, Status status) {
            helidon.status(ctx, status);
        }

        @Override
        public void data(ConnectionContext ctx, BufferData data) {
            helidon.data(ctx, data);
        }

        @Override
        public void data(ConnectionContext ctx, byte[] data, int position, int length) {
            helidon.data(ctx, data, position, length);
        }
    }
}
