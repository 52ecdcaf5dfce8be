package io.asmready.server;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import io.asmready.server.config.Settings;
import io.asmready.server.lifecycle.Readiness;
import io.asmready.server.requestlog.RequestLog;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
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
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/**
 * The hello behaviour kept from the original sample on the public port, and the observability endpoints on the
 * admin server beside it, over real HTTP.
 */
@ServerTest
class HelloServerTest {
    private static WebServer admin;

    private static final String LIVE = System.getProperty("asmready.health.live");
    private static final String READY = System.getProperty("asmready.health.ready");
    private static final String STARTED = System.getProperty("asmready.health.started");
    private static final String METRICS = System.getProperty("asmready.metrics.path");

    private final Http1Client client;
    private final Http1Client adminClient;
    private final int port;

    HelloServerTest(Http1Client client, WebServer server) {
        this.client = client;
        this.port = server.port();
        this.adminClient = Http1Client.builder().baseUri("http://127.0.0.1:" + admin.port()).build();
    }

    @BeforeAll
    static void startAdmin() {
        admin = AdminServer.start(new Readiness());
    }

    @AfterAll
    static void stopAdmin() {
        admin.stop();
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        Main.server(server, Settings.from(Settings.load(Map.of())));
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        Main.routing(routing, RequestLog.off());
    }

    @Test
    void rootAnswersHelloWorldAsHtml() {
        try (Http1ClientResponse response = client.get("/").request()) {
            assertThat(response.status(), is(Status.OK_200));
            assertThat(response.headers().contentType().orElseThrow().mediaType().text(), is("text/html"));
            assertThat(response.as(String.class), is("Hello World! /"));
        }
    }

    @Test
    void anyPathIsEchoedWithItsQueryAsSent() throws IOException {
        // Raw socket: the target must reach the server byte for byte, percent-encoding included.
        assertThat(RawHttp.body(RawHttp.exchange(port, RawHttp.get("/a/b?x=1"))), is("Hello World! /a/b?x=1"));
        assertThat(RawHttp.body(RawHttp.exchange(port, RawHttp.get("/caf%C3%A9/x%20y?q=a&r=%2F"))),
                   is("Hello World! /caf%C3%A9/x%20y?q=a&r=%2F"));
    }

    @Test
    void echoedTargetCannotInjectMarkup() throws IOException {
        String response = RawHttp.exchange(port, RawHttp.get("/?q=<script>alert(1)</script>"));
        // Either refused as an invalid target, or echoed without live markup.
        if (response.startsWith("HTTP/1.1 200")) {
            assertThat(RawHttp.body(response), not(containsString("<script>")));
        } else {
            assertThat(response, startsWith("HTTP/1.1 400"));
        }
    }

    @Test
    void everyOtherMethodIsNotImplemented() {
        for (Method method : List.of(Method.POST, Method.PUT, Method.DELETE, Method.HEAD, Method.OPTIONS,
                                     Method.PATCH, Method.TRACE, Method.create("BREW"))) {
            try (Http1ClientResponse response = client.method(method).path("/some/path").request()) {
                assertThat(method + " /some/path", response.status(), is(Status.NOT_IMPLEMENTED_501));
            }
        }
    }

    @Test
    void observePathsOnThePublicPortAreHelloPathsLikeAnyOther() {
        // Health and metrics live on the admin port; here they are paths like any other.
        for (String path : List.of(METRICS, READY, LIVE)) {
            try (Http1ClientResponse response = client.get(path).request()) {
                assertThat(path, response.status(), is(Status.OK_200));
                assertThat(path, response.as(String.class), is("Hello World! " + path));
            }
        }
        try (Http1ClientResponse response = client.post(READY).request()) {
            assertThat(response.status(), is(Status.NOT_IMPLEMENTED_501));
        }
    }

    @Test
    void healthEndpointsAnswerOnTheAdminPort() {
        for (String path : List.of(LIVE, READY, STARTED)) {
            try (Http1ClientResponse response = adminClient.get(path).request()) {
                assertThat(path, response.status(), is(Status.OK_200));
                assertThat(path, response.as(String.class), containsString("\"status\":\"UP\""));
            }
        }
        try (Http1ClientResponse response = adminClient.get(READY).request()) {
            assertThat(response.as(String.class), containsString(Readiness.NAME));
        }
    }

    @Test
    void adminPortServesNothingButObservability() {
        try (Http1ClientResponse response = adminClient.get("/hello").request()) {
            assertThat(response.status(), is(Status.NOT_FOUND_404));
            assertThat(response.as(String.class), not(containsString("Hello World")));
        }
    }

    @Test
    void metricsArePrometheusTextWithRequestCountAndLatencyByStatus() {
        double before = helloRequests("200");
        client.get("/counted").request().close();
        client.delete("/counted").request().close();

        String metrics;
        try (Http1ClientResponse response = adminClient.get(METRICS).header(HeaderNames.ACCEPT, "text/plain")
                .request()) {
            assertThat(response.status(), is(Status.OK_200));
            assertThat(response.headers().contentType().orElseThrow().mediaType().text(), is("text/plain"));
            metrics = response.as(String.class);
        }
        assertThat(metrics, not(containsString("Hello World")));
        assertThat(PrometheusText.sample(metrics, "hello_requests_total", "code=\"200\"").orElseThrow(),
                   is(before + 1));
        assertThat(PrometheusText.sample(metrics, "hello_requests_total", "code=\"501\"").isPresent(), is(true));
        assertThat(metrics, containsString("# TYPE hello_request_duration_seconds histogram"));
        assertThat(PrometheusText.sample(metrics, "hello_request_duration_seconds_bucket", "le=\"+Inf\"")
                           .orElseThrow() >= 1, is(true));
    }

    @Test
    void scrapingMetricsIsNotCountedAsAHelloRequest() {
        double before = helloRequests("200");
        double after = helloRequests("200");
        assertThat(after, is(before));
    }

    private double helloRequests(String code) {
        String metrics = adminClient.get(METRICS).header(HeaderNames.ACCEPT, "text/plain").requestEntity(String.class);
        return PrometheusText.sample(metrics, "hello_requests_total", "code=\"" + code + "\"").orElse(0);
    }
}
