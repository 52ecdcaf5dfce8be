package io.asmready.loadgen;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.Locale;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;

import io.asmready.loadgen.config.Settings;
import io.asmready.loadgen.config.SettingsException;
import io.asmready.loadgen.logging.Console;
import io.asmready.loadgen.logging.ConsoleFormatter;
import io.asmready.loadgen.logging.LogFormat;
import io.asmready.loadgen.logging.Severity;
import io.asmready.loadgen.observe.LoadgenMetrics;
import io.asmready.loadgen.observe.ObserveServer;
import io.asmready.loadgen.pacing.Clock;
import io.asmready.loadgen.traffic.HttpSender;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.WebServer;

/**
 * Reads the settings from the environment, starts the health/metrics server and the generator, and
 * waits for SIGTERM, SIGINT or the end of the configured duration; then stops in order and exits 0.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> env = System.getenv();
        LogFormat format = LogFormat.TEXT;
        Settings settings;
        try {
            // The format first: any other bad setting is then reported in it (an ERROR entry in Cloud Logging).
            format = Settings.logFormat(env);
            settings = Settings.fromEnv(env);
        } catch (SettingsException e) {
            new Console(System.err, format, InstantSource.system()).print(Severity.ERROR, e.getMessage());
            System.exit(e.exitStatus());
            return;
        }

        Console err = new Console(System.err, settings.logFormat(), InstantSource.system());
        settings.notices().forEach(notice -> err.print(Severity.WARNING, notice));
        ConsoleFormatter.use(settings.logFormat());
        LogConfig.configureRuntime();
        Config config = Config.create();
        CountDownLatch stopRequested = new CountDownLatch(1);
        Signals.onTerminate(stopRequested::countDown);

        HttpSender sender = new HttpSender(settings.target(), settings.connectTimeout(), settings.requestTimeout(),
                                           settings.maxInFlight());
        Executor requests = Thread::startVirtualThread;
        Loadgen loadgen = new Loadgen(settings, sender, Clock.SYSTEM, System.out, requests);
        WebServer server;
        try {
            server = ObserveServer.start(config.get("server"), settings.adminPort(), settings.host(), loadgen);
        } catch (UncheckedIOException | IllegalStateException e) {
            String host = settings.host().map(InetAddress::getHostAddress)
                    .orElseGet(() -> config.get("server.host").asString().orElse("0.0.0.0"));
            int port = settings.adminPort().orElseGet(() -> config.get("server.port").asInt().orElse(-1));
            err.print(Severity.ERROR, "Cannot start the loadgen's health and metrics server on " + host + ":" + port
                    + " (" + Settings.ADMIN_PORT + ", " + Settings.HOST + "): " + cause(e));
            System.exit(1);
            return;
        }
        WarmUp.run(settings, requests);
        // Everything start-up and the warm-up left alive moves to the old generation now, in one pause
        // before the schedule starts. Otherwise every young collection of the run copies it again (with
        // one core's Serial GC, 40-60 ms pauses at 10,000 requests a second, each a burst of requests
        // late), until it is finally promoted.
        System.gc();
        try (LoadgenMetrics metrics = LoadgenMetrics.register(Metrics.globalRegistry(), loadgen, Clock.SYSTEM)) {
            loadgen.start(stopRequested::countDown);
            stopRequested.await();
            loadgen.stop();
        }
        server.stop();
        sender.close();
        System.exit(0);
    }

    // The innermost message ("Address already in use"), as a phrase: never the exception's type.
    private static String cause(Throwable failure) {
        String message = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        if (message == null) {
            return "it failed to start";
        }
        return message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
    }
}
