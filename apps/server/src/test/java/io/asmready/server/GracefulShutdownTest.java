package io.asmready.server;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.asmready.server.config.Settings;
import io.asmready.server.lifecycle.GracefulShutdown;
import io.asmready.server.lifecycle.Readiness;
import io.asmready.server.requestlog.RequestLog;

import io.helidon.health.HealthCheckResponse;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * SIGTERM's path while requests are in flight: readiness DOWN first, every in-flight request still answered,
 * then the server stops.
 */
@ServerTest
class GracefulShutdownTest {
    private static final int IN_FLIGHT = 8;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Settings SETTINGS = Settings.from(Settings.load(Map.of()));
    private static final Readiness READINESS = new Readiness();
    private static final CountDownLatch ARRIVED = new CountDownLatch(IN_FLIGHT);
    private static final CountDownLatch RELEASE = new CountDownLatch(1);
    private static final ExecutorService CLIENTS = Executors.newVirtualThreadPerTaskExecutor();

    private final WebServer server;

    GracefulShutdownTest(WebServer server) {
        this.server = server;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        Main.server(server, SETTINGS, READINESS);
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        // Ahead of the hello catch-all: a request that stays in flight until the test lets it finish.
        routing.get("/test/slow", (req, res) -> {
            ARRIVED.countDown();
            RELEASE.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            res.send("slow request done");
        });
        Main.routing(routing, RequestLog.off());
    }

    @AfterAll
    static void cleanUp() {
        RELEASE.countDown();
        CLIENTS.shutdownNow();
    }

    @Test
    void readinessGoesDownFirstAndInFlightRequestsComplete() throws Exception {
        int port = server.port();
        assertThat(RawHttp.exchange(port, RawHttp.get(System.getProperty("asmready.health.ready"))),
                   startsWith("HTTP/1.1 200"));
        List<Future<String>> inFlight = new ArrayList<>();
        for (int i = 0; i < IN_FLIGHT; i++) {
            inFlight.add(CLIENTS.submit(() -> RawHttp.exchange(port, RawHttp.get("/test/slow"))));
        }
        assertThat("all requests reached the handler", ARRIVED.await(WAIT.toSeconds(), TimeUnit.SECONDS), is(true));

        // The very object the JVM shutdown hook runs on SIGTERM.
        Future<?> stopping = CLIENTS.submit(new GracefulShutdown(server, READINESS, RequestLog.off(),
                                                                  SETTINGS.shutdownGrace()));

        Deadline.await("readiness DOWN", () -> READINESS.call().status() == HealthCheckResponse.Status.DOWN, WAIT);
        for (Future<String> request : inFlight) {
            assertThat("in flight while readiness is already DOWN", request.isDone(), is(false));
        }
        Deadline.await("listener closed to new connections", () -> refusesConnections(port), WAIT);

        RELEASE.countDown();
        for (Future<String> request : inFlight) {
            String response = request.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(response, startsWith("HTTP/1.1 200"));
            assertThat(RawHttp.body(response), is("slow request done"));
        }
        stopping.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(server.isRunning(), is(false));
    }

    private static boolean refusesConnections(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
