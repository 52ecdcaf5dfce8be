package io.asmready.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.asmready.server.logging.LogFormat;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webserver.http1.Http1Config;

/**
 * The settings of helloserver, read and checked once at start-up so that a wrong value stops the server with one
 * clear line instead of a stack trace in the middle of the first request.
 *
 * @param host            address the hello server listens on
 * @param port            the hello server's port (0 picks a free one)
 * @param adminHost       address the admin server listens on (env HOST sets both)
 * @param adminPort       the admin server's port: health and metrics (0 picks a free one)
 * @param logRequests     whether each hello request is logged with its headers
 * @param logFormat       how log records are written (text or JSON)
 * @param requestLogQueue how many request records may wait for the log writer before new ones are dropped
 * @param shutdownGrace   how long in-flight requests get to complete after SIGTERM
 * @param http1           HTTP/1.1 limits (request line, headers, validation)
 */
public record Settings(String host,
                       int port,
                       String adminHost,
                       int adminPort,
                       boolean logRequests,
                       LogFormat logFormat,
                       int requestLogQueue,
                       Duration shutdownGrace,
                       Http1Config http1) {
    /** The hello server's configuration node. */
    public static final String SERVER_NODE = "server";
    /** The admin server's configuration node. */
    public static final String ADMIN_NODE = "admin";
    static final String PORT_KEY = SERVER_NODE + ".port";
    static final String HOST_KEY = SERVER_NODE + ".host";
    static final String ADMIN_PORT_KEY = ADMIN_NODE + ".port";
    static final String ADMIN_HOST_KEY = ADMIN_NODE + ".host";
    static final String LOG_REQUESTS_KEY = "helloserver.log-requests";
    static final String LOG_FORMAT_KEY = "helloserver.log-format";
    static final String SHUTDOWN_GRACE_KEY = "helloserver.shutdown-grace-seconds";
    static final String REQUEST_LOG_QUEUE_KEY = "helloserver.request-log-queue";
    static final String HTTP1_KEY = "helloserver.http1";
    private static final int MAX_GRACE_SECONDS = 3600;

    /**
     * Loads application.yaml with the environment overrides on top.
     *
     * @param env environment variables, usually {@link System#getenv()}
     * @return configuration
     */
    public static Config load(Map<String, String> env) {
        return Config.builder()
                .sources(List.of(ConfigSources.create(EnvOverrides.toConfigKeys(env), "environment overrides"),
                                 ConfigSources.classpath("application.yaml")))
                .build();
    }

    /**
     * Reads and checks the settings.
     *
     * @param config configuration from {@link #load(Map)}
     * @return settings
     * @throws InvalidSettingException naming the key (and its variable) and what is expected
     */
    public static Settings from(Config config) {
        String host = host(config, HOST_KEY);
        String adminHost = host(config, ADMIN_HOST_KEY);
        int port = integer(config, PORT_KEY, 0, 65535);
        int adminPort = integer(config, ADMIN_PORT_KEY, 0, 65535);
        if (port == adminPort && port != 0) {
            throw new InvalidSettingException(EnvOverrides.describe(ADMIN_PORT_KEY) + " must differ from "
                                                      + EnvOverrides.describe(PORT_KEY) + ", both are " + port);
        }
        boolean logRequests = bool(config, LOG_REQUESTS_KEY);
        LogFormat logFormat = logFormat(config);
        int queue = integer(config, REQUEST_LOG_QUEUE_KEY, 1, 1_000_000);
        int grace = integer(config, SHUTDOWN_GRACE_KEY, 0, MAX_GRACE_SECONDS);
        Http1Config http1 = Http1Config.create(config.get(HTTP1_KEY));
        return new Settings(host, port, adminHost, adminPort, logRequests, logFormat, queue, Duration.ofSeconds(grace), http1);
    }

    private static String host(Config config, String key) {
        String host = required(config, key);
        if (host.isBlank()) {
            throw invalid(key, host, "a host name or IP address to listen on");
        }
        return host;
    }

    private static LogFormat logFormat(Config config) {
        String raw = required(config, LOG_FORMAT_KEY);
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "text" -> LogFormat.TEXT;
            case "json" -> LogFormat.JSON;
            default -> throw invalid(LOG_FORMAT_KEY, raw, "text or json");
        };
    }

    private static int integer(Config config, String key, int min, int max) {
        String raw = required(config, key);
        try {
            int value = Integer.parseInt(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below, with the expected range
        }
        throw invalid(key, raw, "an integer from " + min + " to " + max);
    }

    private static boolean bool(Config config, String key) {
        // Boolean.parseBoolean would quietly read "yes" or "1" as false.
        String raw = required(config, key);
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key, raw, "true or false");
        };
    }

    private static String required(Config config, String key) {
        return config.get(key).asString()
                .orElseThrow(() -> new InvalidSettingException(
                        EnvOverrides.describe(key) + " is not set; application.yaml must define it"));
    }

    private static InvalidSettingException invalid(String key, String value, String expected) {
        return new InvalidSettingException(
                EnvOverrides.describe(key) + " must be " + expected + ", got '" + value + "'");
    }
}
