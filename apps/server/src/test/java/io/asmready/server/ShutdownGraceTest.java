package io.asmready.server;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.asmready.server.config.Settings;
import io.asmready.server.lifecycle.GracefulShutdown;
import io.asmready.server.lifecycle.Readiness;
import io.asmready.server.requestlog.RequestLog;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/**
 * A request that never finishes cannot hold the stop past the grace period (SHUTDOWN_GRACE_SECONDS): the stop
 * returns while the request is still unfinished, and its client sees the connection end without an answer.
 */
@ServerTest
class ShutdownGraceTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Settings SETTINGS = Settings.from(Settings.load(Map.of("SHUTDOWN_GRACE_SECONDS", "1")));
    private static final Readiness READINESS = new Readiness();
    private static final CountDownLatch ARRIVED = new CountDownLatch(1);
    private static final CountDownLatch NEVER = new CountDownLatch(1);
    private static final AtomicBoolean FINISHED = new AtomicBoolean();
    private static final ExecutorService CLIENTS = Executors.newVirtualThreadPerTaskExecutor();

    private final WebServer server;

    ShutdownGraceTest(WebServer server) {
        this.server = server;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        Main.server(server, SETTINGS);
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        routing.get("/test/hung", (req, res) -> {
            ARRIVED.countDown();
            NEVER.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            // Reached only when the handler ran its course (a minute): nothing cut the hung request short.
            FINISHED.set(true);
            res.send("too late");
        });
        Main.routing(routing, RequestLog.off());
    }

    @AfterAll
    static void cleanUp() {
        NEVER.countDown();
        CLIENTS.shutdownNow();
    }

    @Test
    void stopEndsAtTheGracePeriodEvenWithAHungRequest() throws Exception {
        int port = server.port();
        Future<String> hung = CLIENTS.submit(() -> RawHttp.exchange(port, RawHttp.get("/test/hung")));
        assertThat(ARRIVED.await(WAIT.toSeconds(), TimeUnit.SECONDS), is(true));

        WebServer admin = AdminServer.start(SETTINGS, READINESS);
        new GracefulShutdown(server, admin, READINESS, RequestLog.off(), SETTINGS.shutdownGrace()).run();

        // A stop that waited for the request would return only after the handler's minute, FINISHED set by then.
        assertThat("the stop returned while the hung request was still unfinished", FINISHED.get(), is(false));
        assertThat(server.isRunning(), is(false));
        assertThat(admin.isRunning(), is(false));
        // The client never gets the handler's late reply: either the connection closes unanswered, or the
        // interrupted handler's 500 gets out first (a race between the two that both mean "cut at the grace").
        String answer = hung.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(answer, not(containsString("too late")));
        assertThat(answer, anyOf(is(""), startsWith("HTTP/1.1 500")));
    }
}
