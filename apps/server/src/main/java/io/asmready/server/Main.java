package io.asmready.server;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

import io.asmready.server.config.InvalidSettingException;
import io.asmready.server.config.Settings;
import io.asmready.server.hello.HelloService;
import io.asmready.server.http1.Http1Guard;
import io.asmready.server.http1.PersistenceFilter;
import io.asmready.server.lifecycle.GracefulShutdown;
import io.asmready.server.lifecycle.Readiness;
import io.asmready.server.logging.ConsoleFormatter;
import io.asmready.server.logging.ShutdownSafeLogManager;
import io.asmready.server.requestlog.RequestLog;

import io.helidon.config.Config;
import io.helidon.config.ConfigException;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

/**
 * helloserver: reads application.yaml with environment overrides, starts the hello server (the public port) and
 * the admin server (health and metrics), and hands SIGTERM to {@link GracefulShutdown}.
 */
public final class Main {
    private Main() {
    }

    /**
     * Starts the server.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        // Before any logger exists (hence no static Logger in this class); a class literal does not initialize.
        System.setProperty("java.util.logging.manager", ShutdownSafeLogManager.class.getName());
        LogConfig.configureRuntime();
        try {
            start();
        } catch (InvalidSettingException | ConfigException e) {
            exit("invalid configuration: " + e.getMessage());
        } catch (RuntimeException e) {
            exit("cannot start: " + rootMessage(e));
        }
    }

    private static void start() {
        Config config = Settings.load(System.getenv());
        Settings settings = Settings.from(config);
        ConsoleFormatter.use(settings.logFormat());
        Config.global(config);

        Readiness readiness = new Readiness();
        RequestLog requestLog = requestLog(settings);

        WebServerConfig.Builder serverBuilder = WebServer.builder().config(config.get(Settings.SERVER_NODE));
        server(serverBuilder, settings);
        WebServer server = serverBuilder.routing(routing -> routing(routing, requestLog)).build().start();
        if (!server.isRunning()) {
            // Helidon logs the cause (address in use, permission) and returns instead of throwing.
            exit("cannot listen on " + settings.host() + ":" + settings.port() + " (cause logged above)");
        }
        // Second, so that readiness says UP only once the hello server answers, and so that the meter registry
        // (created by the first meter) is made while the hello server already serves.
        requestLog.registerMeters();
        WebServerConfig.Builder adminBuilder = WebServer.builder().config(config.get(Settings.ADMIN_NODE));
        admin(adminBuilder, settings, readiness);
        WebServer admin = adminBuilder.routing(Main::adminRouting).build().start();
        if (!admin.isRunning()) {
            server.stop();
            exit("cannot listen on " + settings.adminHost() + ":" + settings.adminPort()
                         + " for health and metrics (cause logged above; ADMIN_PORT sets another port)");
        }

        GracefulShutdown shutdown = new GracefulShutdown(server, admin, readiness, requestLog,
                                                         settings.shutdownGrace());
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "graceful-shutdown"));
        Logger.getLogger(Main.class.getName()).info(() -> "Starting server... listening on http://" + settings.host()
                + ":" + server.port() + "/, health and metrics on http://" + settings.adminHost() + ":" + admin.port()
                + "/observe/ (request log " + (settings.logRequests() ? "on" : "off") + ", log format "
                + settings.logFormat().name().toLowerCase(Locale.ROOT) + ", serving "
                + sinceJvmStart() + " ms after JVM start)");
    }

    /**
     * The hello server's settings, shared by {@link #main(String[])} and the tests.
     *
     * @param server   server builder, already configured from the {@code server} node
     * @param settings checked settings
     */
    static void server(WebServerConfig.Builder server, Settings settings) {
        common(server, settings);
        // No discovered features (observe, CORS, request scope): health and metrics live on the admin server, and a
        // discovered ObserveFeature here would only put Helidon's per-request KPI filter (a context, a
        // post-request task list and four meters touched per request) in front of every hello request.
        server.featuresDiscoverServices(false);
    }

    /**
     * The admin server's settings (health and metrics), shared by {@link #main(String[])} and the tests.
     *
     * @param admin     server builder, already configured from the {@code admin} node
     * @param settings  checked settings
     * @param readiness readiness check to publish
     */
    static void admin(WebServerConfig.Builder admin, Settings settings, Readiness readiness) {
        common(admin, settings);
        admin.addFeature(ObserveFeature.builder()
                                 .addObserver(HealthObserver.builder()
                                                      .details(true)
                                                      .addCheck(readiness)
                                                      .build())
                                 .addObserver(MetricsObserver.create())
                                 .build());
    }

    private static void common(WebServerConfig.Builder server, Settings settings) {
        // HTTP/1.x is served by the guard alone (its limits come from helloserver.http1, not server.protocols):
        // with Helidon's own selector beside it, a connection that sends nothing would wait unidentified between
        // the two, out of reach of the idle-connection sweep.
        server.protocolsDiscoverServices(false)
                .clearProtocols()
                .connectionSelectors(List.of(new Http1Guard(settings.http1(), server.idleConnectionTimeout())))
                .shutdownHook(false) // GracefulShutdown is the one SIGTERM path: readiness DOWN before the stop
                .shutdownGracePeriod(settings.shutdownGrace());
    }

    /**
     * The request log the settings ask for: LOG_REQUESTS=false gives one with no queue and no thread.
     *
     * @param settings checked settings
     * @return request log
     */
    static RequestLog requestLog(Settings settings) {
        return settings.logRequests() ? RequestLog.start(settings.requestLogQueue()) : RequestLog.off();
    }

    /**
     * The hello server's routing, shared by {@link #main(String[])} and the tests: every path is a hello path,
     * {@code /observe/...} included (health and metrics are on the admin server).
     *
     * @param routing    routing builder
     * @param requestLog where hello requests are logged
     */
    static void routing(HttpRouting.Builder routing, RequestLog requestLog) {
        routing.addFilter(new PersistenceFilter())
                .register(new HelloService(requestLog));
    }

    /**
     * The admin server's routing, shared by {@link #main(String[])} and the tests: the observability endpoints
     * (added by the feature in {@link #admin}) and nothing else; never logged as requests.
     *
     * @param routing routing builder
     */
    static void adminRouting(HttpRouting.Builder routing) {
        routing.addFilter(new PersistenceFilter());
    }

    private static long sinceJvmStart() {
        return ManagementFactory.getRuntimeMXBean().getUptime();
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + cause.getMessage();
    }

    private static void exit(String message) {
        System.err.println("helloserver: " + message);
        System.exit(1);
    }
}
