package io.asmready.server;

import java.time.Duration;
import java.util.Map;

import io.asmready.server.config.Settings;
import io.asmready.server.lifecycle.Readiness;
import io.asmready.server.requestlog.RequestLog;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * The per-request record as a user reads it in the log, with LOG_REQUESTS at its default (on).
 */
@ServerTest
class RequestLogTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Settings SETTINGS = Settings.from(Settings.load(Map.of("LOG_REQUESTS", "true")));
    private static final RequestLog REQUEST_LOG = Main.requestLog(SETTINGS);
    private static CapturedLog log;

    private final Http1Client client;

    RequestLogTest(Http1Client client) {
        this.client = client;
    }

    @BeforeAll
    static void capture() {
        log = CapturedLog.attach(RequestLog.LOGGER_NAME);
    }

    @AfterAll
    static void release() {
        log.close();
        REQUEST_LOG.close(WAIT);
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        Main.server(server, SETTINGS);
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        Main.routing(routing, REQUEST_LOG);
    }

    @Test
    void eachGetIsLoggedWithMethodTargetAndEveryHeaderButCredentialsAreRedacted() throws InterruptedException {
        try (Http1ClientResponse response = client.get("/orders/7")
                .queryParam("x", "1")
                .header(HeaderNames.AUTHORIZATION, "Bearer s3cr3t-token")
                .header(HeaderNames.PROXY_AUTHORIZATION, "Basic cHJveHk6cGFzcw==")
                .header(HeaderNames.COOKIE, "session=c00kie-value")
                .header(HeaderNames.SET_COOKIE, "echoed=set-c00kie")
                .header(HeaderNames.create("x-request-id"), "req-42")
                .header(HeaderNames.create("x-b3-traceid"), "80f198ee56343ba864fe8b2a57d3eff7")
                .request()) {
            assertThat(response.status(), is(Status.OK_200));
        }

        String record = log.await(it -> it.startsWith("GET /orders/7?x=1 "), WAIT);
        assertThat(record, containsString("x-request-id: req-42"));
        assertThat(record, containsString("x-b3-traceid: 80f198ee56343ba864fe8b2a57d3eff7"));
        assertThat(record, containsString("Authorization: <redacted>"));
        assertThat(record, containsString("Proxy-Authorization: <redacted>"));
        assertThat(record, containsString("Cookie: <redacted>"));
        assertThat(record, containsString("Set-Cookie: <redacted>"));
        for (String secret : new String[] {"s3cr3t", "cHJveHk6cGFzcw", "c00kie-value", "set-c00kie"}) {
            assertThat(record, not(containsString(secret)));
        }
    }

    @Test
    void adminPortAndNotImplementedRequestsAreNotLogged() throws InterruptedException {
        WebServer admin = AdminServer.start(new Readiness());
        try {
            Http1Client adminClient = Http1Client.builder().baseUri("http://127.0.0.1:" + admin.port()).build();
            adminClient.get(System.getProperty("asmready.health.ready")).request().close();
            adminClient.get(System.getProperty("asmready.metrics.path")).request().close();
        } finally {
            admin.stop();
        }
        client.post("/posted").request().close();
        // One writer keeps arrival order: once this marker is out, anything logged before it is out too.
        client.get("/marker-after-observe").request().close();
        log.await(it -> it.startsWith("GET /marker-after-observe "), WAIT);

        assertThat(log.messages().stream().filter(it -> it.contains("/observe") || it.contains("/posted")).toList(),
                   is(empty()));
    }

    @Test
    void observePathsOnThePublicPortAreHelloRequestsAndLogged() throws InterruptedException {
        String metricsPath = System.getProperty("asmready.metrics.path");
        client.get(metricsPath).request().close();
        log.await(it -> it.startsWith("GET " + metricsPath + " headers: {"), WAIT);
    }
}
