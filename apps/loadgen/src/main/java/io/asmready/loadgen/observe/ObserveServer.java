package io.asmready.loadgen.observe;

import java.util.OptionalInt;

import io.asmready.loadgen.Loadgen;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

/**
 * The loadgen's own web server: health ({@code /observe/health/live|ready|started}) and Prometheus
 * metrics ({@code /observe/metrics}), so {@code loadgensvc} in the cluster has something real behind it.
 */
public final class ObserveServer {
    private ObserveServer() {
    }

    /**
     * @param serverConfig the {@code server} section of application.yaml (port, host)
     * @param port         overrides the configured port when present (the {@code PORT} variable)
     */
    public static WebServer start(Config serverConfig, OptionalInt port, Loadgen loadgen) {
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
        return builder.build().start();
    }
}
