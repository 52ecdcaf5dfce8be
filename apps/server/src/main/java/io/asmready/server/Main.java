package io.asmready.server;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;

public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Config config = Config.create();
        Config.global(config);
        WebServer server = WebServer.builder()
                .config(config.get("server"))
                .routing(Main::routing)
                .build()
                .start();
        System.out.println("Starting server... port " + server.port());
    }

    static void routing(HttpRouting.Builder routing) {
        routing.get("/*", (req, res) -> res.send("Hello World! " + req.prologue().uriPath().rawPath()));
    }
}
