package io.asmready.server;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
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
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

/**
 * HTTP/1.0 over raw sockets: answered like HTTP/1.1 (Helidon 4 alone answers 505), with HTTP/1.0's connection
 * rules (RFC 9112 section 9.3) and never a chunked body; other versions still refused, never a hang.
 * {@link Http10PeersTest} does the same with curl and ApacheBench.
 */
@ServerTest
class Http10Test {
    // Far longer than RawHttp's read timeout: a connection closed only by the idle sweep fails the test.
    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);

    private final int port;

    Http10Test(WebServer server) {
        this.port = server.port();
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        server.idleConnectionTimeout(IDLE_TIMEOUT);
        Main.server(server, Settings.from(Settings.load(Map.of())));
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        Main.routing(routing, RequestLog.off());
    }

    @Test
    void getIsAnsweredWithContentLengthThenTheConnectionCloses() throws IOException {
        RawHttp.Response response = only(exchangeToEnd("GET /a/b?x=1 HTTP/1.0\r\nHost: localhost\r\n\r\n"));
        assertThat(response.status(), is(200));
        assertThat(response.body(), is("Hello World! /a/b?x=1"));
        assertThat(response.header("Connection"), is("close"));
        assertNotChunked(response);
    }

    @Test
    void otherMethodsAreNotImplemented() throws IOException {
        for (String method : List.of("POST", "PUT", "DELETE", "HEAD", "OPTIONS")) {
            RawHttp.Response response = only(exchangeToEnd(method + " /x HTTP/1.0\r\nHost: localhost\r\n\r\n"));
            assertThat(method, response.status(), is(501));
            assertThat(method, response.header("Connection"), is("close"));
        }
    }

    @Test
    void keepAliveKeepsTheConnectionUntilARequestWithoutIt() throws IOException {
        try (Socket socket = RawHttp.open(port)) {
            for (String target : List.of("/first", "/second")) {
                RawHttp.send(socket, "GET " + target + " HTTP/1.0\r\nHost: localhost\r\nConnection: Keep-Alive\r\n\r\n");
                RawHttp.Response response = only(RawHttp.readResponse(socket));
                assertThat(response.body(), is("Hello World! " + target));
                assertThat(response.header("Connection"), is("keep-alive"));
                assertNotChunked(response);
            }
            RawHttp.send(socket, "GET /last HTTP/1.0\r\nHost: localhost\r\n\r\n");
            RawHttp.Response last = only(RawHttp.readToEndOfStream(socket));
            assertThat(last.body(), is("Hello World! /last"));
            assertThat(last.header("Connection"), is("close"));
        }
    }

    @Test
    void pipelinedRequestsWithABodyInBetweenAreEachAnswered() throws IOException {
        // The body ("hello") must not be taken for the next request line, whose version must still be recognised.
        List<RawHttp.Response> responses = RawHttp.responses(exchangeToEnd(
                "POST /posted HTTP/1.0\r\nHost: localhost\r\nConnection: keep-alive\r\nContent-Length: 5\r\n\r\nhello"
                        + "GET /after HTTP/1.0\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n"
                        + "GET /last HTTP/1.0\r\nHost: localhost\r\n\r\n"));
        assertThat(responses, hasSize(3));
        assertThat(responses.get(0).status(), is(501));
        assertThat(responses.get(1).body(), is("Hello World! /after"));
        assertThat(responses.get(2).body(), is("Hello World! /last"));
        assertThat(responses.get(2).header("Connection"), is("close"));
    }

    @Test
    void transferEncodingInAnHttp10RequestEndsTheConnectionEvenWithKeepAlive() throws IOException {
        // RFC 9112 section 6.1: HTTP/1.0 has no Transfer-Encoding; its framing is faulty, close after answering.
        List<RawHttp.Response> responses = RawHttp.responses(exchangeToEnd(
                "POST /chunked HTTP/1.0\r\nHost: localhost\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\n0\r\n\r\n"));
        assertThat(responses, hasSize(1));
        assertThat(responses.getFirst().status(), is(501));
        assertThat(responses.getFirst().header("Connection"), is("close"));
    }

    @Test
    void http11AfterHttp10OnOneConnectionFollowsHttp11Rules() throws IOException {
        List<RawHttp.Response> responses = RawHttp.responses(exchangeToEnd(
                "GET /old HTTP/1.0\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n"
                        + "GET /new HTTP/1.1\r\nHost: localhost\r\n\r\n"
                        + "GET /close HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        assertThat(responses, hasSize(3));
        assertThat(responses.get(1).body(), is("Hello World! /new"));
        assertThat(responses.get(1).header("Connection"), is("keep-alive"));
        assertThat(responses.get(2).header("Connection"), is("close"));
    }

    @Test
    void healthAndMetricsOverHttp10OnTheAdminPortAreNotChunked() throws IOException {
        WebServer admin = AdminServer.start(new Readiness());
        try {
            // Helidon chunks the health JSON for HTTP/1.1; an HTTP/1.0 client gets it with Content-Length.
            for (String path : List.of(System.getProperty("asmready.health.ready"),
                                       System.getProperty("asmready.health.live"),
                                       System.getProperty("asmready.metrics.path"))) {
                RawHttp.Response response = only(exchangeToEnd(admin.port(),
                                                                "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n"));
                assertThat(path, response.status(), is(200));
                assertThat(path, response.header("Connection"), is("close"));
                assertNotChunked(response);
                assertThat(path, response.body().length(), is(Integer.parseInt(response.header("Content-Length"))));
            }
            try (Socket socket = RawHttp.open(admin.port())) {
                for (int i = 0; i < 2; i++) {
                    RawHttp.send(socket, "GET " + System.getProperty("asmready.health.ready")
                            + " HTTP/1.0\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n");
                    RawHttp.Response response = only(RawHttp.readResponse(socket));
                    assertThat(response.body(), containsString("\"status\":\"UP\""));
                    assertThat(response.header("Connection"), is("keep-alive"));
                    assertNotChunked(response);
                }
            }
            // Unknown paths: 404, and the connection still closes.
            RawHttp.Response notFound = only(exchangeToEnd(admin.port(), "GET /nope HTTP/1.0\r\nHost: localhost\r\n\r\n"));
            assertThat(notFound.status(), is(404));
            assertThat(notFound.header("Connection"), is("close"));
        } finally {
            admin.stop();
        }
    }

    @Test
    void requestWithoutHostIsRefusedAsForHttp11() throws IOException {
        // Helidon requires Host on every request; a client of the last 25 years sends it with HTTP/1.0 too.
        assertThat(only(exchangeToEnd("GET / HTTP/1.0\r\n\r\n")).status(), is(400));
    }

    @Test
    void otherVersionsAreStillRefusedAndClosed() throws IOException {
        // Refused with 400 or 505, or closed without an answer: Helidon answers once it has read the request line
        // and closes with the rest unread, so the answer can be lost to the reset that closing unread data causes.
        for (String version : List.of("HTTP/2.0", "HTTP/3.1", "HTTP/1.2", "HTTP/0.9", "http/1.0", "HTTP/1.0 ", "FOO")) {
            assertRefused("'" + version + "'", exchangeToEnd("GET / " + version + "\r\nHost: localhost\r\n\r\n"));
        }
        // The HTTP/2 connection preface of a client that assumes h2c.
        assertRefused("h2c preface", exchangeToEnd("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
    }

    private String exchangeToEnd(String request) throws IOException {
        return exchangeToEnd(port, request);
    }

    private static String exchangeToEnd(int port, String request) throws IOException {
        try (Socket socket = RawHttp.open(port)) {
            RawHttp.send(socket, request);
            return RawHttp.readToEndOfStream(socket);
        }
    }

    private static RawHttp.Response only(String received) {
        return only(RawHttp.responses(received));
    }

    private static RawHttp.Response only(List<RawHttp.Response> responses) {
        assertThat(responses.toString(), responses, hasSize(1));
        return responses.getFirst();
    }

    private static void assertRefused(String what, String received) {
        List<RawHttp.Response> responses = RawHttp.responses(received);
        if (!responses.isEmpty()) {
            assertThat(what, only(responses).status(), anyOf(is(400), is(505)));
        }
    }

    private static void assertNotChunked(RawHttp.Response response) {
        assertThat(response.statusLine(), response.header("Transfer-Encoding"), is(nullValue()));
        assertThat(response.statusLine(), response.header("Content-Length") != null, is(true));
    }
}
