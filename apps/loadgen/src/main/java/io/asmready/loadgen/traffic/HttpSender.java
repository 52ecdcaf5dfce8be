package io.asmready.loadgen.traffic;

import java.net.URI;
import java.time.Duration;

import io.helidon.webclient.api.ClientUri;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientResponse;

/**
 * GET on the target URL with Helidon's blocking HTTP/1.1 client: keep-alive connections are pooled and
 * reused, each connection has a connect timeout and every read a timeout, redirects are not followed
 * (a 3xx is an answer like any other and is counted by its class).
 */
public final class HttpSender implements RequestSender, AutoCloseable {
    private final Http1Client client;

    /**
     * @param target         URL to GET, path and query included
     * @param connectTimeout TCP connect timeout
     * @param requestTimeout socket read timeout: how long the server may stay silent
     * @param poolSize       idle connections kept for reuse; at least the in-flight bound, so a busy
     *                       moment never forces close-and-reconnect churn afterwards
     */
    public HttpSender(URI target, Duration connectTimeout, Duration requestTimeout, int poolSize) {
        this.client = Http1Client.builder()
                .baseUri(ClientUri.create(target))
                .connectTimeout(connectTimeout)
                .readTimeout(requestTimeout)
                .followRedirects(false)
                .connectionCacheSize(poolSize)
                // Direct, always: the system proxy selector would be consulted on every request, and
                // test traffic must never leave the machine through a proxy.
                .proxy(Proxy.noProxy())
                // Our own pool: another client in the JVM (tests, a future feature) must not share it.
                .shareConnectionCache(false)
                .build();
    }

    @Override
    public int send() {
        try (Http1ClientResponse response = client.get().request()) {
            // Reading the body to its end is what lets the connection go back to the pool.
            response.entity().consume();
            return response.status().code();
        }
    }

    @Override
    public void close() {
        client.closeResource();
    }
}
