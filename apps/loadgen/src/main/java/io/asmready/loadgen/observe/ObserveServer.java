package io.asmready.loadgen.observe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;
import java.util.OptionalInt;

import io.asmready.loadgen.Loadgen;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

/**
 * The loadgen's own web server, its admin port: health ({@code /observe/health/live|ready|started}) and
 * Prometheus metrics ({@code /observe/metrics}), for the kubelet's probes and for scraping. The loadgen
 * serves nothing else.
 */
public final class ObserveServer {
    private ObserveServer() {
    }

    /**
     * @param serverConfig the {@code server} section of application.yaml (port, host)
     * @param port         overrides the configured port when present (the {@code ADMIN_PORT} variable)
     * @param host         overrides the configured address when present (the {@code HOST} variable)
     * @throws UncheckedIOException  when the address cannot be bound (in use, not this machine's)
     * @throws IllegalStateException when the server did not start for another reason (Helidon logged it)
     */
    public static WebServer start(Config serverConfig, OptionalInt port, Optional<InetAddress> host, Loadgen loadgen) {
        ObserveFeature observe = ObserveFeature.builder()
                .addObserver(HealthObserver.builder()
                                     .useSystemServices(false)
                                     .details(true)
                                     .addCheck(new RunningCheck(loadgen::running))
                                     .build())
                .addObserver(MetricsObserver.create())
                .build();
        WebServerConfig.Builder builder = WebServer.builder()
                .config(serverConfig)
                .featuresDiscoverServices(false)
                .addFeature(observe);
        port.ifPresent(builder::port);
        // An address wins over the configured host (Helidon's ListenerConfig).
        host.ifPresent(builder::address);
        WebServerConfig config = builder.buildPrototype();
        // Helidon 4.5.0's start() logs a bind failure with its stack trace and returns a server that is
        // not running; binding once first turns the common case into one clear line and an exit.
        if (config.port() != 0) {
            tryBind(config.address(), config.port());
        }
        WebServer server = WebServer.create(config).start();
        if (!server.isRunning()) {
            throw new IllegalStateException("it did not start (see the log above)");
        }
        return server;
    }

    private static void tryBind(InetAddress address, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
