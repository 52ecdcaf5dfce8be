package io.asmready.server;

import java.util.Map;

import io.asmready.server.config.Settings;
import io.asmready.server.lifecycle.Readiness;
import io.asmready.server.requestlog.RequestLog;

import io.helidon.http.Status;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

/**
 * LOG_REQUESTS=false switches the per-request record off (the server still answers).
 */
@ServerTest
class RequestLogOffTest {
    private static final Settings SETTINGS = Settings.from(Settings.load(Map.of("LOG_REQUESTS", "false")));
    private static final RequestLog REQUEST_LOG = Main.requestLog(SETTINGS);
    private static CapturedLog log;

    private final Http1Client client;

    RequestLogOffTest(Http1Client client) {
        this.client = client;
    }

    @BeforeAll
    static void capture() {
        log = CapturedLog.attach(RequestLog.LOGGER_NAME);
    }

    @AfterAll
    static void release() {
        log.close();
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
    void noRecordIsWrittenWhenSwitchedOff() {
        // Switched off there is no queue and no writer thread, so nothing can arrive later: checking now is enough.
        assertThat(REQUEST_LOG.isOn(), is(false));
        try (Http1ClientResponse response = client.get("/quiet").request()) {
            assertThat(response.status(), is(Status.OK_200));
        }
        assertThat(log.messages(), is(empty()));
    }
}
