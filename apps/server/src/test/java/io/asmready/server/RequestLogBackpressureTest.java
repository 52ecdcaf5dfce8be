package io.asmready.server;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.asmready.server.config.Settings;
import io.asmready.server.lifecycle.Readiness;
import io.asmready.server.requestlog.RequestLog;

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
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

/**
 * A stuck log (a console nobody reads) must not hold requests: records beyond the queue are dropped and counted.
 */
@ServerTest
class RequestLogBackpressureTest {
    private static final int QUEUE = 1;
    private static final int REQUESTS = 20;
    private static final RequestLog REQUEST_LOG = RequestLog.start(QUEUE);
    private static final CountDownLatch UNBLOCK = new CountDownLatch(1);
    private static final CountDownLatch WRITER_STUCK = new CountDownLatch(1);
    private static final Handler STUCK_CONSOLE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            WRITER_STUCK.countDown();
            try {
                UNBLOCK.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private final Http1Client client;

    RequestLogBackpressureTest(Http1Client client) {
        this.client = client;
    }

    private static WebServer admin;

    @BeforeAll
    static void blockTheLog() {
        admin = AdminServer.start(new Readiness());
        Logger.getLogger(RequestLog.LOGGER_NAME).addHandler(STUCK_CONSOLE);
    }

    @AfterAll
    static void unblock() {
        admin.stop();
        UNBLOCK.countDown();
        Logger.getLogger(RequestLog.LOGGER_NAME).removeHandler(STUCK_CONSOLE);
        REQUEST_LOG.close(Duration.ofSeconds(10));
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        Main.server(server, Settings.from(Settings.load(Map.of())));
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        Main.routing(routing, REQUEST_LOG);
    }

    @Test
    void requestsCompleteWhileTheLogWriterIsStuckAndDropsAreCounted() throws InterruptedException {
        double droppedBefore = dropped();
        get("/first");
        assertThat("writer picked up the first record", WRITER_STUCK.await(10, TimeUnit.SECONDS), is(true));

        // The writer now hangs in the console; were logging on the request path, the next request would hang too.
        for (int i = 0; i < REQUESTS; i++) {
            get("/while-stuck/" + i);
        }
        assertThat(dropped() - droppedBefore, greaterThanOrEqualTo((double) REQUESTS - QUEUE));
    }

    private void get(String path) {
        try (Http1ClientResponse response = client.get(path).readTimeout(Duration.ofSeconds(10)).request()) {
            assertThat(response.status(), is(Status.OK_200));
        }
    }

    private double dropped() {
        String metrics = Http1Client.builder().baseUri("http://127.0.0.1:" + admin.port()).build()
                .get(System.getProperty("asmready.metrics.path")).requestEntity(String.class);
        return PrometheusText.sample(metrics, "request_log_dropped_total", "").orElse(0);
    }
}
