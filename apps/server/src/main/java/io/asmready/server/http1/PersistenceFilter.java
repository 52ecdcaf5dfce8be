package io.asmready.server.http1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Whether a connection stays open after an answer (RFC 9112 section 9.3), and how an HTTP/1.0 answer is framed,
 * for every route of a listener served by {@link Http1Guard}:
 * <ul>
 *     <li>a request that says {@code Connection: close} ends its connection once answered (section 9.6: the server
 *     "MUST initiate closure"); Helidon 4.5 answers {@code Connection: close} and then keeps waiting for another
 *     request until the idle timeout, so a client that reads to the end of the stream waited that long;</li>
 *     <li>an HTTP/1.0 request ends its connection once answered unless it asked for {@code Connection: keep-alive};
 *     the answer says which ({@code Connection: close} or {@code Connection: keep-alive}, as nginx answers
 *     {@code ab -k}); one that carries Transfer-Encoding, which HTTP/1.0 does not have, always ends it (section
 *     6.1: its framing is to be treated as faulty);</li>
 *     <li>an HTTP/1.0 answer is never chunked (an HTTP/1.0 client does not know chunked coding, RFC 9112 section
 *     7.1): its body is collected whole and sent with Content-Length. Helidon chunks any body written to the
 *     response stream in more than one piece, the health endpoints' JSON among them.</li>
 * </ul>
 */
public final class PersistenceFilter implements Filter {
    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        boolean close = req.headers().containsToken(HeaderValues.CONNECTION_CLOSE);
        if (Http1Guard.isHttp10Request()) {
            close = close || !req.headers().containsToken(HeaderValues.CONNECTION_KEEP_ALIVE)
                    || req.headers().contains(HeaderNames.TRANSFER_ENCODING);
            res.header(close ? HeaderValues.CONNECTION_CLOSE : HeaderValues.CONNECTION_KEEP_ALIVE);
            res.streamFilter(WholeBody::new);
        }
        chain.proceed();
        if (close) {
            Http1Guard.endAfterCurrentRequest();
        }
    }

    /**
     * Holds everything written until the stream is closed, then hands it to Helidon in one write: a body that
     * arrives in one piece is sent with Content-Length. Flushes in between are what make Helidon chunk, so they
     * wait for the close as well. Bodies here are small (the metrics page, a few KiB).
     */
    private static final class WholeBody extends OutputStream {
        private final OutputStream response;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream(256);

        private WholeBody(OutputStream response) {
            this.response = response;
        }

        @Override
        public void write(int b) {
            body.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            body.write(b, off, len);
        }

        @Override
        public void flush() {
            // at close
        }

        @Override
        public void close() throws IOException {
            if (body.size() > 0) {
                body.writeTo(response);
            }
            response.close();
        }
    }
}
