package io.asmready.server;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;

import io.asmready.server.config.Settings;
import io.asmready.server.lifecycle.Readiness;
import io.asmready.server.requestlog.RequestLog;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * Hostile or broken clients over raw sockets, with the packaged limits: each gets a 4xx or a closed connection,
 * and a well-behaved client is served meanwhile and afterwards.
 * <p>
 * A client that connects and sends nothing is proven in {@link MainProcessTest} against the real process: the
 * test harness copies the listener configuration onto itself, which lists the connection selector twice, and two
 * selectors make Helidon wait for a first byte before any idle timeout applies.
 */
@ServerTest
class BadInputTest {
    // Short, so that the stalled-client cases finish quickly; production uses idle-connection-timeout from yaml.
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(1);
    private static final int TRICKLE_LINES = 100;

    private final int port;

    BadInputTest(WebServer server) {
        this.port = server.port();
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        server.idleConnectionTimeout(IDLE_TIMEOUT)
                .idleConnectionPeriod(Duration.ofMillis(200));
        Main.server(server, Settings.from(Settings.load(Map.of())));
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        Main.routing(routing, RequestLog.off());
    }

    @AfterEach
    void stillServesWellBehavedClients() throws IOException {
        assertServed();
    }

    @Test
    void malformedRequestLine() throws IOException {
        assertRejected(RawHttp.exchange(port, "THIS IS NOT HTTP\r\n\r\n"));
        assertRejected(RawHttp.exchange(port, "GET\r\n\r\n"));
    }

    @Test
    void requestLineLongerThanTheLimit() throws IOException {
        assertRejected(RawHttp.exchange(port, RawHttp.get("/" + "a".repeat(8 * 1024))));
    }

    @Test
    void oversizedHeaders() throws IOException {
        String request = "GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(64 * 1024) + "\r\n\r\n";
        assertRejected(RawHttp.exchange(port, request));
    }

    @Test
    void invalidPathEncoding() throws IOException {
        assertThat(RawHttp.exchange(port, RawHttp.get("/%zz")), startsWith("HTTP/1.1 400"));
        assertThat(RawHttp.exchange(port, RawHttp.get("/a%")), startsWith("HTTP/1.1 400"));
    }

    @Test
    void bodyLargerThanThePayloadLimit() throws IOException {
        String request = "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10000000\r\n\r\n" + "x".repeat(1024);
        assertThat(RawHttp.exchange(port, request), startsWith("HTTP/1.1 413"));
    }

    @Test
    void controlCharacterInTarget() throws IOException {
        assertRejected(RawHttp.exchange(port, RawHttp.get("/a\u0001b")));
    }

    @Test
    void clientStallingInTheRequestLineIsClosed() throws IOException {
        assertStalledClientIsClosed("GET /slo");
    }

    @Test
    void clientStallingInTheHeadersIsClosed() throws IOException {
        // The case Helidon's own idle sweep misses (see Http1Guard).
        assertStalledClientIsClosed("GET / HTTP/1.1\r\nHost: localhost\r\nX-Partial: ");
    }

    @Test
    void http10ClientStallingInTheHeadersIsClosed() throws IOException {
        assertStalledClientIsClosed("GET / HTTP/1.0\r\nHost: localhost\r\nX-Partial: ");
    }

    @Test
    void http10RequestLineLongerThanTheLimit() throws IOException {
        assertRejected(RawHttp.exchange(port, "GET /" + "a".repeat(8 * 1024) + " HTTP/1.0\r\nHost: localhost\r\n\r\n"));
    }

    @Test
    void http10OversizedHeaders() throws IOException {
        assertRejected(RawHttp.exchange(port, "GET / HTTP/1.0\r\nHost: localhost\r\nX-Big: " + "b".repeat(64 * 1024)
                + "\r\n\r\n"));
    }

    @Test
    void http10KeepAliveConnectionLeftIdleIsClosed() throws IOException {
        try (Socket idle = RawHttp.open(port)) {
            RawHttp.send(idle, "GET / HTTP/1.0\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n");
            assertThat(RawHttp.readResponse(idle), startsWith("HTTP/1.1 200"));
            assertThat("server closed the idle keep-alive connection", RawHttp.closedByServer(idle), is(true));
        }
    }

    @Test
    void clientTricklingHeadersForeverIsCut() throws Exception {
        try (Socket slow = RawHttp.open(port)) {
            RawHttp.send(slow, "GET / HTTP/1.1\r\nHost: localhost\r\n");
            boolean cut = false;
            // Paced like a slowloris client: one header line every 100 ms, bounded to 10 s in all.
            for (int i = 0; i < TRICKLE_LINES && !cut; i++) {
                try {
                    RawHttp.send(slow, "X-Trickle-" + i + ": x\r\n");
                    Thread.sleep(100);
                } catch (IOException e) {
                    cut = true;
                }
            }
            assertThat("server cut the trickling client", cut || RawHttp.closedByServer(slow), is(true));
        }
    }

    private void assertStalledClientIsClosed(String partialRequest) throws IOException {
        try (Socket slow = RawHttp.open(port)) {
            RawHttp.send(slow, partialRequest);
            // Others are served while the stalled connection is still open...
            assertServed();
            // ...and the stalled one is closed, within the socket read timeout (10 s, ten times the idle timeout).
            assertThat("server closed the stalled connection", RawHttp.closedByServer(slow), is(true));
        }
    }

    private void assertServed() throws IOException {
        String response = RawHttp.exchange(port, RawHttp.get("/still/serving"));
        assertThat(response, startsWith("HTTP/1.1 200"));
        assertThat(RawHttp.body(response), is("Hello World! /still/serving"));
    }

    private static void assertRejected(String response) {
        // A 4xx, or a connection closed without an answer (empty response).
        assertThat(response, anyOf(startsWith("HTTP/1.1 4"), is("")));
    }
}
