package io.asmready.server.hello;

import java.nio.charset.StandardCharsets;

import io.asmready.server.http1.Http1Guard;
import io.asmready.server.requestlog.RequestLog;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The original sample's behaviour: {@code GET} on any path answers {@code Hello World! <request target>}, every
 * other method {@code 501}, as Python's BaseHTTPRequestHandler does for a method it has no handler for.
 */
public final class HelloService implements HttpService {
    private static final Header TEXT_HTML = HeaderValues.createCached(HeaderNames.CONTENT_TYPE,
                                                                      "text/html; charset=UTF-8");

    private final RequestLog requestLog;
    private final HelloMetrics metrics = new HelloMetrics();

    /**
     * Creates the service.
     *
     * @param requestLog where each GET leaves its record
     */
    public HelloService(RequestLog requestLog) {
        this.requestLog = requestLog;
    }

    @Override
    public void routing(HttpRules rules) {
        // Helidon answers HEAD only where a HEAD route exists; the catch-all below makes it 501 like the original.
        rules.get("/*", this::hello)
                .any("/*", this::notImplemented);
    }

    private void hello(ServerRequest req, ServerResponse res) {
        long start = System.nanoTime();
        String target = requestTarget(req.prologue());
        res.header(TEXT_HTML);
        // Bytes, not a String: a String goes through Helidon's media writer, which parses the Content-Type header
        // again on every response to find the charset (UTF-8, as the header says).
        res.send(("Hello World! " + escapeMarkup(target)).getBytes(StandardCharsets.UTF_8));
        long nanos = System.nanoTime() - start;
        // After the answer is out: the record's copy of the headers never delays it.
        requestLog.record(req, res, target, Http1Guard.requestProtocol(), nanos);
        metrics.record(Status.OK_200.code(), nanos);
    }

    private void notImplemented(ServerRequest req, ServerResponse res) {
        long start = System.nanoTime();
        res.status(Status.NOT_IMPLEMENTED_501).send();
        metrics.record(Status.NOT_IMPLEMENTED_501.code(), System.nanoTime() - start);
    }

    /**
     * The target as the client sent it (still percent-encoded), like Python's {@code self.path}.
     */
    private static String requestTarget(HttpPrologue prologue) {
        String path = prologue.uriPath().rawPath();
        return prologue.hasQuery() ? path + "?" + prologue.query().rawValue() : path;
    }

    /**
     * The body is text/html and echoes the client's input; without this a query such as {@code ?<script>} would
     * be reflected as markup. Ordinary targets ({@code /a/b?x=1&y=2}) come back unchanged.
     */
    private static String escapeMarkup(String target) {
        if (target.indexOf('<') < 0 && target.indexOf('>') < 0) {
            return target;
        }
        return target.replace("<", "&lt;").replace(">", "&gt;");
    }
}
