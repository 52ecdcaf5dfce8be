package io.asmready.server.http1;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Ends the connection after answering a request that says {@code Connection: close}, as a client that reads to the
 * end of the stream expects (see {@link Http1Guard}). Applies to every route, observability endpoints included.
 */
public final class ConnectionCloseFilter implements Filter {
    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        chain.proceed();
        if (req.headers().containsToken(HeaderValues.CONNECTION_CLOSE)) {
            Http1Guard.endAfterCurrentRequest();
        }
    }
}
