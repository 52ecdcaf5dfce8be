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
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * A client that says {@code Connection: close} and reads to the end of the stream (netcat, scripts, HTTP/1.0-style
 * clients) gets its answer and then the end of the stream, not a wait for the idle timeout. A client that keeps
 * the connection alive keeps it.
 */
@ServerTest
class ConnectionCloseTest {
    // Far longer than RawHttp's read timeout: a connection closed only by the idle sweep fails the test.
    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);

    private final int port;

    ConnectionCloseTest(WebServer server) {
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
    void helloAnswerThenEndOfStream() throws IOException {
        assertAnsweredThenClosed("GET /a?b=1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                                 "HTTP/1.1 200", "Hello World! /a?b=1");
    }

    @Test
    void closeAmongOtherConnectionTokens() throws IOException {
        assertAnsweredThenClosed("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: TE, close\r\n\r\n",
                                 "HTTP/1.1 200", "Hello World! /");
    }

    @Test
    void notImplementedMethodThenEndOfStream() throws IOException {
        assertAnsweredThenClosed("DELETE / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                                 "HTTP/1.1 501", "");
    }

    @Test
    void observabilityEndpointOnTheAdminPortThenEndOfStream() throws IOException {
        WebServer admin = AdminServer.start(new Readiness());
        try {
            assertAnsweredThenClosed(admin.port(), RawHttp.get(System.getProperty("asmready.health.ready")),
                                     "HTTP/1.1 200", "UP");
        } finally {
            admin.stop();
        }
    }

    @Test
    void keepAliveConnectionServesTheNextRequest() throws IOException {
        try (Socket socket = RawHttp.open(port)) {
            RawHttp.send(socket, "GET /first HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(RawHttp.body(RawHttp.readResponse(socket)), is("Hello World! /first"));
            RawHttp.send(socket, "GET /second HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(RawHttp.body(RawHttp.readResponse(socket)), is("Hello World! /second"));
        }
    }

    private void assertAnsweredThenClosed(String request, String statusLine, String bodyPart) throws IOException {
        assertAnsweredThenClosed(port, request, statusLine, bodyPart);
    }

    private static void assertAnsweredThenClosed(int port, String request, String statusLine, String bodyPart)
            throws IOException {
        try (Socket socket = RawHttp.open(port)) {
            RawHttp.send(socket, request);
            String response = RawHttp.readToEndOfStream(socket);
            assertThat(response, startsWith(statusLine));
            assertThat(RawHttp.body(response), containsString(bodyPart));
        }
    }
}
