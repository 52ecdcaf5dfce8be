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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * SIGTERM's path while requests are in flight: readiness DOWN first, and visible on the admin port (503) for as
 * long as the hello server drains; every in-flight request still answered; then both servers stop.
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

    private static WebServer admin;

    private final WebServer server;

    GracefulShutdownTest(WebServer server) {
        this.server = server;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        Main.server(server, SETTINGS);
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

    @BeforeAll
    static void startAdmin() {
        admin = AdminServer.start(SETTINGS, READINESS);
    }

    @AfterAll
    static void cleanUp() {
        admin.stop();
        RELEASE.countDown();
        CLIENTS.shutdownNow();
    }

    @Test
    void readinessGoesDownFirstAndInFlightRequestsComplete() throws Exception {
        int port = server.port();
        int adminPort = admin.port();
        String ready = RawHttp.get(System.getProperty("asmready.health.ready"));
        String live = RawHttp.get(System.getProperty("asmready.health.live"));
        assertThat(RawHttp.exchange(adminPort, ready), startsWith("HTTP/1.1 200"));
        List<Future<String>> inFlight = new ArrayList<>();
        for (int i = 0; i < IN_FLIGHT; i++) {
            inFlight.add(CLIENTS.submit(() -> RawHttp.exchange(port, RawHttp.get("/test/slow"))));
        }
        assertThat("all requests reached the handler", ARRIVED.await(WAIT.toSeconds(), TimeUnit.SECONDS), is(true));

        // The very object the JVM shutdown hook runs on SIGTERM.
        Future<?> stopping = CLIENTS.submit(new GracefulShutdown(server, admin, READINESS, RequestLog.off(),
                                                                  SETTINGS.shutdownGrace()));

        Deadline.await("readiness DOWN", () -> READINESS.call().status() == HealthCheckResponse.Status.DOWN, WAIT);
        Deadline.await("hello listener closed to new connections", () -> refusesConnections(port), WAIT);
        // What a probe sees while the hello server drains: not ready, still alive.
        assertThat(RawHttp.exchange(adminPort, ready), startsWith("HTTP/1.1 503"));
        assertThat(RawHttp.exchange(adminPort, live), startsWith("HTTP/1.1 200"));
        for (Future<String> request : inFlight) {
            assertThat("in flight while readiness is already DOWN", request.isDone(), is(false));
        }

        RELEASE.countDown();
        for (Future<String> request : inFlight) {
            String response = request.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(response, startsWith("HTTP/1.1 200"));
            assertThat(RawHttp.body(response), is("slow request done"));
        }
        stopping.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(server.isRunning(), is(false));
        assertThat(admin.isRunning(), is(false));
        assertThat("admin listener closed once the hello server has drained", refusesConnections(adminPort),
                   is(true));
    }

    private static boolean refusesConnections(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
