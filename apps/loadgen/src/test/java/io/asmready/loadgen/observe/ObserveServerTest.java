package io.asmready.loadgen.observe;

import java.net.URI;
import java.util.Map;

import io.asmready.loadgen.Await;
import io.asmready.loadgen.FreePort;
import io.asmready.loadgen.Loadgen;
import io.asmready.loadgen.Output;
import io.asmready.loadgen.config.Settings;
import io.asmready.loadgen.pacing.Clock;
import io.asmready.loadgen.traffic.HttpSender;
import io.asmready.server.HelloRouting;

import io.helidon.config.Config;
import io.helidon.http.Status;
import io.helidon.metrics.api.Metrics;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/** The loadgen's own server: the health and metrics paths the manifests probe and scrape. */
@ServerTest
class ObserveServerTest {
    private static final String READY = System.getProperty("asmready.health.ready", "/observe/health/ready");
    private static final String LIVE = System.getProperty("asmready.health.live", "/observe/health/live");
    private static final String METRICS = System.getProperty("asmready.metrics.path", "/observe/metrics");

    private final URI helloserver;
    private Loadgen loadgen;
    private LoadgenMetrics metrics;
    private WebServer server;
    private HttpSender sender;
    private Http1Client client;

    ObserveServerTest(URI uri) {
        this.helloserver = uri;
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        HelloRouting.routing(routing);
    }

    @AfterEach
    void stopAll() throws Exception {
        loadgen.stop();
        metrics.close();
        server.stop();
        sender.close();
    }

    @Test
    void healthAndMetricsDescribeARunningGenerator() throws Exception {
        start(helloserver.toString());
        Await.until("answers", () -> loadgen.tally().answered() >= 10);

        assertThat(get(LIVE).status(), is(Status.OK_200));
        assertThat(get(READY).status(), is(Status.OK_200));
        String text = get(METRICS).as(String.class);
        assertThat(value(text, "loadgen_requests_sent_total{"), greaterThan(0.0));
        assertThat(value(text, "loadgen_requests_completed_total{"), greaterThan(0.0));
        assertThat(value(text, "loadgen_responses_total{class=\"2xx\""), greaterThan(0.0));
        assertThat(value(text, "loadgen_responses_total{class=\"5xx\""), is(0.0));
        assertThat(value(text, "loadgen_rate_target{"), is(50.0));
        assertThat(value(text, "loadgen_rate_achieved{"), greaterThan(0.0));
        assertThat(text, containsString("loadgen_requests_in_flight{"));
        assertThat(text, containsString("loadgen_requests_held_total{"));
        Await.until("a latency sample published", () -> loadgen.report().overall().count() > 0);
        assertThat(value(get(METRICS).as(String.class), "loadgen_latency_milliseconds{quantile=\"0.99\""),
                   greaterThan(0.0));

        loadgen.stop();
        // Readiness turns DOWN as soon as the generator starts stopping.
        assertThat(get(READY).status(), is(Status.SERVICE_UNAVAILABLE_503));
    }

    @Test
    void failuresAreCountedByReason() throws Exception {
        start("http://127.0.0.1:" + FreePort.pick() + "/");
        Await.until("failures", () -> !loadgen.tally().failures().isEmpty());

        String text = get(METRICS).as(String.class);
        assertThat(value(text, "loadgen_requests_failed_total{reason=\"connection refused\""), greaterThan(0.0));
        assertThat(value(text, "loadgen_requests_completed_total{"), is(0.0));
    }

    private void start(String target) throws Exception {
        Settings settings = Settings.fromEnv(Map.of("SERVER_ADDR", target, "REQUESTS_PER_SECOND", "50", "ADMIN_PORT", "0"));
        sender = new HttpSender(settings.target(), settings.connectTimeout(), settings.requestTimeout(), 100);
        loadgen = new Loadgen(settings, sender, Clock.SYSTEM, new Output().stream(), Thread::startVirtualThread);
        server = ObserveServer.start(Config.create().get("server"), settings.adminPort(), settings.host(), loadgen);
        metrics = LoadgenMetrics.register(Metrics.globalRegistry(), loadgen, Clock.SYSTEM);
        loadgen.start(() -> { });
        client = Http1Client.builder().baseUri("http://localhost:" + server.port()).build();
    }

    private Http1ClientResponse get(String path) {
        return client.get(path).request();
    }

    /** The sample value of the first Prometheus line starting with {@code prefix}. */
    private static double value(String text, String prefix) {
        return text.lines()
                .filter(line -> line.startsWith(prefix))
                .findFirst()
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .orElseThrow(() -> new AssertionError("no sample " + prefix + " in\n" + text));
    }
}
