package io.asmready.bench.plainhello;

import io.helidon.webserver.WebServer;

/**
 * The plain Helidon SE hello that make bench measures beside helloserver: GET on any path answers
 * "Hello World! " and the path, and nothing else runs. The difference to helloserver is the cost of
 * helloserver's features (configuration, request log, health, metrics, HTTP/1 guards).
 */
public final class Main {
    private Main() {
    }

    /**
     * Listens on HOST:PORT (environment; 127.0.0.1:8080 when unset) until the JVM is stopped.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        String host = System.getenv().getOrDefault("HOST", "127.0.0.1");
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        WebServer.builder()
                .host(host)
                .port(port)
                .routing(routing -> routing.get((req, res) -> res.send("Hello World! " + req.path().path())))
                .build()
                .start();
    }
}
