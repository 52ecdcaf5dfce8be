package io.asmready.server.requestlog;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.asmready.server.logging.Json;

import io.helidon.http.Header;
import io.helidon.http.Headers;

/**
 * What one hello request leaves in the log, captured on the request thread (cheap copies only) and formatted
 * later on the writer thread.
 *
 * @param time         when the request was answered
 * @param method       request method
 * @param target       request target as sent, query included
 * @param headers      header name and value pairs, secrets already replaced
 * @param protocol     {@code HTTP/1.0} or {@code HTTP/1.1}
 * @param status       response status code
 * @param responseSize bytes sent, status line and headers included
 * @param latencyNanos time from routing the request to having sent the answer
 * @param client       client address
 * @param server       address the client connected to
 */
record RequestLogEntry(Instant time,
                       String method,
                       String target,
                       List<String> headers,
                       String protocol,
                       int status,
                       long responseSize,
                       long latencyNanos,
                       SocketAddress client,
                       SocketAddress server) {

    static List<String> capture(Headers requestHeaders) {
        List<String> headers = new ArrayList<>(requestHeaders.size() * 2);
        for (Header header : requestHeaders) {
            headers.add(header.name());
            headers.add(HeaderRedaction.isSecret(header.headerName()) ? HeaderRedaction.REDACTED : header.values());
        }
        return headers;
    }

    /**
     * One line per request, so that log collectors keep a record together; control characters are escaped so a
     * client cannot forge extra lines.
     *
     * @return for example {@code GET /a?x=1 headers: {Host: localhost, Authorization: <redacted>}}
     */
    String format() {
        StringBuilder line = new StringBuilder(64 + 32 * headers.size());
        line.append(method).append(' ');
        appendEscaped(line, target);
        line.append(" headers: {");
        for (int i = 0; i < headers.size(); i += 2) {
            if (i > 0) {
                line.append(", ");
            }
            appendEscaped(line, headers.get(i));
            line.append(": ");
            appendEscaped(line, headers.get(i + 1));
        }
        return line.append('}').toString();
    }

    /**
     * The JSON log's summary line; the details are in {@link #appendJsonFields(StringBuilder)}.
     *
     * @return for example {@code GET /a?x=1}
     */
    String summary() {
        return method + " " + target;
    }

    /**
     * Cloud Logging's {@code httpRequest} object (shown as the request line of the entry, with status, size and
     * latency) and the request headers, secrets redacted, as {@code headers}.
     *
     * @param json the log line's object, after its last field
     */
    void appendJsonFields(StringBuilder json) {
        json.append(",\"httpRequest\":{");
        json.append("\"requestMethod\":");
        Json.string(json, method);
        String host = header("host");
        Json.field(json, "requestUrl", host == null ? target : "http://" + host + target);
        Json.field(json, "status", status);
        Json.field(json, "responseSize", Long.toString(responseSize)); // int64 fields are strings in Cloud Logging's JSON
        Json.field(json, "userAgent", header("user-agent"));
        Json.field(json, "referer", header("referer"));
        Json.field(json, "remoteIp", ip(client));
        Json.field(json, "serverIp", ip(server));
        Json.field(json, "latency", latency(latencyNanos));
        Json.field(json, "protocol", protocol);
        json.append("},\"headers\":{");
        for (int i = 0; i < headers.size(); i += 2) {
            if (i > 0) {
                json.append(',');
            }
            Json.string(json, headers.get(i));
            json.append(':');
            Json.string(json, headers.get(i + 1));
        }
        json.append('}');
    }

    /**
     * A duration as Cloud Logging's JSON writes one, to the microsecond: {@code 0.001234s}.
     */
    static String latency(long nanos) {
        long micros = nanos / 1_000;
        String fraction = Long.toString(1_000_000 + micros % 1_000_000).substring(1);
        return micros / 1_000_000 + "." + fraction + "s";
    }

    private static String ip(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return null;
    }

    private String header(String lowerCaseName) {
        for (int i = 0; i < headers.size(); i += 2) {
            if (headers.get(i).toLowerCase(Locale.ROOT).equals(lowerCaseName)) {
                return headers.get(i + 1);
            }
        }
        return null;
    }

    private static void appendEscaped(StringBuilder line, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                line.append(String.format("\\x%02x", (int) c));
            } else {
                line.append(c);
            }
        }
    }
}
