package io.asmready.loadgen.traffic;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLException;

import io.helidon.common.buffers.DataReader;
import io.helidon.webclient.api.RuntimeUnknownHostException;

/**
 * Turns the exception of a failed request into a short phrase about the network or the server
 * ("connection refused", "timed out after 5 s", "malformed response: invalid Content-Length"), never
 * a Java type. Reasons are counted per second, printed and used as a metric label, so the set stays
 * small: never a message with addresses, ports or ids in it.
 */
public final class FailureReason {
    private static final System.Logger LOGGER = System.getLogger(FailureReason.class.getName());

    /** The in-flight bound was reached: the request was not sent. */
    public static final String MAX_IN_FLIGHT = "max in-flight reached";
    /** Still waiting for an answer when the shutdown grace ran out. */
    public static final String UNFINISHED_AT_SHUTDOWN = "unfinished at shutdown";

    public static final String CONNECTION_REFUSED = "connection refused";
    public static final String CONNECTION_RESET = "connection reset";
    /** Closed before any byte of an answer arrived. */
    public static final String CONNECTION_CLOSED = "connection closed by server";
    public static final String CUT_IN_HEADERS = "answer cut short: connection closed in the headers";
    public static final String CUT_IN_LENGTH_BODY = "answer cut short: connection closed before Content-Length bytes";
    public static final String CUT_IN_CHUNKED_BODY = "answer cut short: connection closed before the last chunk";
    /** Prefix of everything wrong with an answer's syntax, followed by what was wrong. */
    public static final String MALFORMED = "malformed response: ";
    public static final String UNKNOWN_HOST = "unknown host";
    public static final String NO_ROUTE = "no route to host";
    public static final String NETWORK_UNREACHABLE = "network unreachable";
    public static final String TLS = "TLS error";
    /** Where the configured timeout is not known; {@link #timedOut} and {@link #connectTimedOut} name it. */
    public static final String TIMED_OUT = "timed out";
    public static final String CONNECT_TIMED_OUT = "connect timed out";
    /** An I/O error of a kind not listed here. */
    public static final String NETWORK_ERROR = "network error";
    /** Not an I/O error at all: a fault of the loadgen itself; logged once per kind with its stack trace. */
    public static final String UNEXPECTED = "unexpected error in loadgen (see its log)";

    private static final Set<Class<?>> LOGGED = ConcurrentHashMap.newKeySet();

    private FailureReason() {
    }

    /** {@code timed out after 5 s}: no complete answer within the request timeout. */
    public static String timedOut(Duration timeout) {
        return TIMED_OUT + " after " + human(timeout);
    }

    /** {@code connect timed out after 2 s}. */
    public static String connectTimedOut(Duration timeout) {
        return CONNECT_TIMED_OUT + " after " + human(timeout);
    }

    private static String human(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /** The reason for {@code failure}, looking through wrappers (Helidon wraps I/O errors) to the cause. */
    public static String of(Throwable failure) {
        boolean io = false;
        int depth = 0;
        for (Throwable t = failure; t != null && depth++ < 20; t = t.getCause()) {
            String reason = known(t);
            if (reason != null) {
                return reason;
            }
            io |= t instanceof IOException;
        }
        if (io) {
            return NETWORK_ERROR;
        }
        if (LOGGED.add(failure.getClass())) {
            LOGGER.log(System.Logger.Level.WARNING, "A request failed unexpectedly; counted as \"" + UNEXPECTED
                    + "\" (logged once per kind)", failure);
        }
        return UNEXPECTED;
    }

    private static String known(Throwable t) {
        if (t instanceof ExchangeFailure failure) {
            return failure.reason();
        }
        String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
        if (t instanceof SocketTimeoutException) {
            return message.contains("connect") ? CONNECT_TIMED_OUT : TIMED_OUT;
        }
        if (t instanceof ConnectException) {
            if (message.contains("timed out")) {
                return CONNECT_TIMED_OUT;
            }
            return message.contains("unreachable") ? NETWORK_UNREACHABLE : CONNECTION_REFUSED;
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
            // The latter is how Helidon's reader says the stream ended.
            return CONNECTION_CLOSED;
        }
        if (t instanceof DataReader.IncorrectNewLineException) {
            return MALFORMED + "line not ended by CRLF";
        }
        if (t instanceof SocketException) {
            if (message.contains("reset") || message.contains("broken pipe")) {
                return CONNECTION_RESET;
            }
            if (message.contains("unreachable")) {
                return NETWORK_UNREACHABLE;
            }
            if (message.contains("timed out")) {
                return TIMED_OUT;
            }
            if (message.contains("closed")) {
                return CONNECTION_CLOSED;
            }
        }
        return null;
    }
}
