package io.asmready.server.requestlog;

import java.util.ArrayList;
import java.util.List;

import io.helidon.http.Header;
import io.helidon.http.Headers;

/**
 * What one hello request leaves in the log, captured on the request thread (cheap copies only) and formatted
 * later on the writer thread.
 *
 * @param method  request method
 * @param target  request target as sent, query included
 * @param headers header name and value pairs, secrets already replaced
 */
record RequestLogEntry(String method, String target, List<String> headers) {

    static RequestLogEntry capture(String method, String target, Headers requestHeaders) {
        List<String> headers = new ArrayList<>(requestHeaders.size() * 2);
        for (Header header : requestHeaders) {
            headers.add(header.name());
            headers.add(HeaderRedaction.isSecret(header.headerName()) ? HeaderRedaction.REDACTED : header.values());
        }
        return new RequestLogEntry(method, target, headers);
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
