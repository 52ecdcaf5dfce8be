package io.asmready.loadgen.traffic;

import java.net.URI;
import java.time.Duration;

import io.helidon.common.tls.Tls;
import io.helidon.webclient.api.ClientConnection;
import io.helidon.webclient.api.ClientUri;
import io.helidon.webclient.api.ConnectionKey;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.TcpClientConnection;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientResponse;

/**
 * GET on the target URL with Helidon's blocking HTTP/1.1 client over kept-alive connections from a
 * {@link ConnectionPool}: a connect timeout per connection, a read timeout per read, redirects not
 * followed (a 3xx is an answer like any other and is counted by its class).
 */
public final class HttpSender implements RequestSender, AutoCloseable {
    // Below the shortest keep-alive timeout in common use (Node.js: 5 s), so a pooled connection is
    // never one the server has already given up on.
    private static final Duration MAX_IDLE = Duration.ofSeconds(4);

    private final Http1Client client;
    private final ConnectionPool pool;

    /**
     * @param target         URL to GET, path and query included
     * @param connectTimeout TCP connect timeout
     * @param requestTimeout socket read timeout: how long the server may stay silent
     * @param poolSize       idle connections kept for reuse; the in-flight bound, so that after a busy
     *                       moment the connections it needed are still there
     */
    public HttpSender(URI target, Duration connectTimeout, Duration requestTimeout, int poolSize) {
        ClientUri uri = ClientUri.create(target);
        WebClient webClient = WebClient.builder()
                .baseUri(uri)
                .connectTimeout(connectTimeout)
                .readTimeout(requestTimeout)
                .followRedirects(false)
                // Direct, always: the system proxy selector would be consulted on every request, and
                // test traffic must never leave the machine through a proxy.
                .proxy(Proxy.noProxy())
                .build();
        this.client = webClient.client(Http1Client.PROTOCOL);
        // As Helidon's own cache does: the client's TLS settings apply to https only.
        Tls tls = "https".equalsIgnoreCase(uri.scheme()) ? webClient.prototype().tls() : Tls.builder().enabled(false).build();
        ConnectionKey key = ConnectionKey.create(uri.scheme(), uri.host(), uri.port(), tls,
                                                 webClient.prototype().dnsResolver(),
                                                 webClient.prototype().dnsAddressLookup(),
                                                 Proxy.noProxy());
        this.pool = new ConnectionPool(webClient, key, poolSize, MAX_IDLE);
    }

    @Override
    public int send() {
        TcpClientConnection reused = pool.reuse();
        if (reused != null) {
            try {
                return exchange(reused);
            } catch (RuntimeException e) {
                // A kept-alive connection the server closed while it idled fails at once, before any
                // answer. GET is idempotent: try once more on a new connection, as browsers and
                // proxies do, so a server's keep-alive housekeeping is not reported as its failure.
                String reason = FailureReason.of(e);
                if (!reason.equals(FailureReason.CONNECTION_CLOSED) && !reason.equals(FailureReason.CONNECTION_RESET)) {
                    throw e;
                }
            }
        }
        return exchange(pool.open());
    }

    private int exchange(ClientConnection connection) {
        try (Http1ClientResponse response = client.get().connection(connection).request()) {
            // Reading the body to its end is what lets the connection go back to the pool.
            response.entity().consume();
            return response.status().code();
        } catch (RuntimeException e) {
            connection.closeResource();
            throw e;
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
