package io.asmready.loadgen.traffic;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;

import javax.net.ssl.SSLException;

import io.helidon.common.buffers.DataReader;
import io.helidon.webclient.api.RuntimeUnknownHostException;

/**
 * Turns the exception of a failed request into a short reason a person recognises
 * ("connection refused", "read timeout", ...). Reasons are counted per second, printed and used as a
 * metric label, so the set stays small: never a message with addresses, ports or ids in it.
 */
public final class FailureReason {
    /** The in-flight bound was reached: the request was not sent. */
    public static final String MAX_IN_FLIGHT = "max in-flight reached";
    /** Still waiting for an answer when the shutdown grace ran out. */
    public static final String UNFINISHED_AT_SHUTDOWN = "unfinished at shutdown";

    public static final String CONNECTION_REFUSED = "connection refused";
    public static final String CONNECT_TIMEOUT = "connect timeout";
    public static final String READ_TIMEOUT = "read timeout";
    public static final String CONNECTION_RESET = "connection reset";
    public static final String CONNECTION_CLOSED = "connection closed by server";
    public static final String UNKNOWN_HOST = "unknown host";
    public static final String NO_ROUTE = "no route to host";
    public static final String TLS = "TLS error";
    public static final String INVALID_RESPONSE = "invalid HTTP response";

    private FailureReason() {
    }

    /** The reason for {@code failure}, looking through wrappers (Helidon wraps I/O errors) to the cause. */
    public static String of(Throwable failure) {
        Throwable deepest = failure;
        int depth = 0;
        for (Throwable t = failure; t != null && depth++ < 20; t = t.getCause()) {
            String reason = known(t);
            if (reason != null) {
                return reason;
            }
            deepest = t;
        }
        // Unknown to us: the type alone stays a bounded label; its message might not.
        return deepest.getClass().getSimpleName();
    }

    private static String known(Throwable t) {
        String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
        if (t instanceof SocketTimeoutException) {
            return message.contains("connect") ? CONNECT_TIMEOUT : READ_TIMEOUT;
        }
        if (t instanceof ConnectException) {
            return message.contains("timed out") ? CONNECT_TIMEOUT : CONNECTION_REFUSED;
        }
        if (t instanceof UnknownHostException || t instanceof RuntimeUnknownHostException
                || t instanceof IllegalArgumentException && message.startsWith("failed to get address for host")) {
            // The last form is how Helidon's default DNS resolver reports a name it cannot resolve.
            return UNKNOWN_HOST;
        }
        if (t instanceof NoRouteToHostException) {
            return NO_ROUTE;
        }
        if (t instanceof SSLException) {
            return TLS;
        }
        if (t instanceof ClosedChannelException || t instanceof DataReader.InsufficientDataAvailableException) {
            // The latter is how Helidon's reader says the server closed the connection before a full answer.
            return CONNECTION_CLOSED;
        }
        if (t instanceof IllegalStateException && message.contains("http status line")) {
            return INVALID_RESPONSE;
        }
        if (t instanceof SocketException) {
            if (message.contains("reset") || message.contains("broken pipe")) {
                return CONNECTION_RESET;
            }
            if (message.contains("closed")) {
                return CONNECTION_CLOSED;
            }
        }
        return null;
    }
}
