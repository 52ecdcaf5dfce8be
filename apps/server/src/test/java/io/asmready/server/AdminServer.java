package io.asmready.server;

import java.util.Map;

import io.asmready.server.config.Settings;
import io.asmready.server.lifecycle.Readiness;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;

/**
 * The admin server (health and metrics) as {@code Main} builds it, on a free loopback port, for tests whose
 * {@code @ServerTest} server is the hello server.
 */
final class AdminServer {
    private AdminServer() {
    }

    static WebServer start(Readiness readiness) {
        return start(Settings.from(Settings.load(Map.of())), readiness);
    }

    static WebServer start(Settings settings, Readiness readiness) {
        WebServerConfig.Builder admin = WebServer.builder()
                .config(Settings.load(Map.of()).get(Settings.ADMIN_NODE))
                .host("127.0.0.1")
                .port(0);
        Main.admin(admin, settings, readiness);
        WebServer server = admin.routing(Main::adminRouting).build().start();
        if (!server.isRunning()) {
            throw new AssertionError("the admin server did not start (cause logged above)");
        }
        return server;
    }
}
