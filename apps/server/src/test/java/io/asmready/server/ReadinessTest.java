package io.asmready.server;

import java.util.Map;

import io.asmready.server.config.Settings;
import io.asmready.server.lifecycle.Readiness;

import io.helidon.http.Status;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * What a Kubernetes probe sees on the admin port once shutdown has begun: ready answers 503, live stays 200
 * (no restart).
 */
@ServerTest
class ReadinessTest {
    private static final Readiness READINESS = new Readiness();

    private final Http1Client client;

    ReadinessTest(Http1Client client) {
        this.client = client;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        Main.admin(server, Settings.from(Settings.load(Map.of())), READINESS);
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        Main.adminRouting(routing);
    }

    @Test
    void readyTurns503WhenShutdownBeginsWhileLiveStaysUp() {
        assertThat(status(System.getProperty("asmready.health.ready")), is(Status.OK_200));
        READINESS.stopAccepting();
        try (Http1ClientResponse response = client.get(System.getProperty("asmready.health.ready")).request()) {
            assertThat(response.status(), is(Status.SERVICE_UNAVAILABLE_503));
            assertThat(response.as(String.class), containsString("\"status\":\"DOWN\""));
        }
        assertThat(status(System.getProperty("asmready.health.live")), is(Status.OK_200));
        assertThat(status(System.getProperty("asmready.health.started")), is(Status.OK_200));
    }

    private Status status(String path) {
        try (Http1ClientResponse response = client.get(path).request()) {
            return response.status();
        }
    }
}
