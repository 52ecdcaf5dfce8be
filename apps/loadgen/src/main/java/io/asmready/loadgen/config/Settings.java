package io.asmready.loadgen.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.asmready.loadgen.logging.LogFormat;

/**
 * Everything the loadgen reads from its environment, checked once at start-up.
 *
 * @param serverAddr              where to send requests, exactly as the user wrote it (printed back verbatim)
 * @param target                  {@code serverAddr} parsed
 * @param requestsPerSecond       the open-loop rate
 * @param maxInFlight             requests allowed to wait for an answer at once; more are failed, not queued
 * @param connectTimeout          TCP connect timeout
 * @param requestTimeout          how long a request may wait for the server (from sending it to the end of the answer)
 * @param durationSeconds         stop by itself after this many seconds; 0 runs until SIGTERM
 * @param percentilesEverySeconds print a latency line this often; 0 never
 * @param shutdownGrace           how long in-flight requests may take to finish once stopping
 * @param adminPort               port of the loadgen's own health/metrics server; empty uses application.yaml
 *                                (the root pom's asmready.admin.port)
 * @param host                    address that server listens on; empty uses application.yaml (0.0.0.0)
 * @param logFormat               how every line is printed: text, or JSON for Cloud Logging
 * @param notices                 lines to print at start-up about settings that still work but are deprecated
 */
public record Settings(String serverAddr,
                       URI target,
                       int requestsPerSecond,
                       int maxInFlight,
                       Duration connectTimeout,
                       Duration requestTimeout,
                       long durationSeconds,
                       int percentilesEverySeconds,
                       Duration shutdownGrace,
                       OptionalInt adminPort,
                       Optional<InetAddress> host,
                       LogFormat logFormat,
                       List<String> notices) {

    public static final String SERVER_ADDR = "SERVER_ADDR";
    public static final String REQUESTS_PER_SECOND = "REQUESTS_PER_SECOND";
    public static final String MAX_IN_FLIGHT = "MAX_IN_FLIGHT";
    public static final String CONNECT_TIMEOUT_MS = "CONNECT_TIMEOUT_MS";
    public static final String REQUEST_TIMEOUT_MS = "REQUEST_TIMEOUT_MS";
    public static final String DURATION_SECONDS = "DURATION_SECONDS";
    public static final String PERCENTILES_EVERY_SECONDS = "PERCENTILES_EVERY_SECONDS";
    public static final String SHUTDOWN_GRACE_SECONDS = "SHUTDOWN_GRACE_SECONDS";
    public static final String ADMIN_PORT = "ADMIN_PORT";
    public static final String HOST = "HOST";
    public static final String LOG_FORMAT = "LOG_FORMAT";
    /** Deprecated: what {@link #ADMIN_PORT} was called before health and metrics left the public port. */
    public static final String PORT = "PORT";

    // Defaults are documented in apps/loadgen/README.md; keep the two in step.
    static final int DEFAULT_MAX_IN_FLIGHT = 1000;
    static final int DEFAULT_CONNECT_TIMEOUT_MS = 2000;
    static final int DEFAULT_REQUEST_TIMEOUT_MS = 5000;
    static final int DEFAULT_PERCENTILES_EVERY_SECONDS = 10;
    // Equal to the default request timeout, so every request in flight at SIGTERM either answers or times out.
    static final int DEFAULT_SHUTDOWN_GRACE_SECONDS = 5;

    // Upper bounds catch typos (an extra zero or two) before they turn into a flood or a hang.
    static final int MAX_RATE = 1_000_000;
    private static final int MAX_TIMEOUT_MS = 3_600_000;
    private static final int MAX_PORT = 65_535;

    /**
     * Reads and checks the settings.
     *
     * @param env the environment, usually {@link System#getenv()}
     * @return the settings
     * @throws SettingsException naming the first variable that is missing or invalid
     */
    public static Settings fromEnv(Map<String, String> env) throws SettingsException {
        // First: it says how every other line is printed, a bad setting's included.
        LogFormat logFormat = logFormat(env);
        String serverAddr = required(env, SERVER_ADDR);
        URI target = httpUrl(SERVER_ADDR, serverAddr);
        int rate = intIn(REQUESTS_PER_SECOND, required(env, REQUESTS_PER_SECOND), 1, MAX_RATE,
                         "a positive integer (1 to " + MAX_RATE + ")");
        int maxInFlight = optionalInt(env, MAX_IN_FLIGHT, DEFAULT_MAX_IN_FLIGHT, 1, MAX_RATE,
                                      "a positive integer (1 to " + MAX_RATE + ")");
        int connectMs = optionalInt(env, CONNECT_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS, 1, MAX_TIMEOUT_MS,
                                    "milliseconds, 1 to " + MAX_TIMEOUT_MS);
        int requestMs = optionalInt(env, REQUEST_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, 1, MAX_TIMEOUT_MS,
                                    "milliseconds, 1 to " + MAX_TIMEOUT_MS);
        int duration = optionalInt(env, DURATION_SECONDS, 0, 0, Integer.MAX_VALUE,
                                   "whole seconds, 0 (run until stopped) or more");
        int percentiles = optionalInt(env, PERCENTILES_EVERY_SECONDS, DEFAULT_PERCENTILES_EVERY_SECONDS, 0, 86_400,
                                      "whole seconds, 0 (never) to 86400");
        int grace = optionalInt(env, SHUTDOWN_GRACE_SECONDS, DEFAULT_SHUTDOWN_GRACE_SECONDS, 0, 3600,
                                "whole seconds, 0 to 3600");
        List<String> notices = new ArrayList<>();
        OptionalInt adminPort = adminPort(env, notices);
        Optional<InetAddress> host = host(env);
        return new Settings(serverAddr, target, rate, maxInFlight, Duration.ofMillis(connectMs),
                            Duration.ofMillis(requestMs), duration, percentiles, Duration.ofSeconds(grace), adminPort,
                            host, logFormat, List.copyOf(notices));
    }

    /**
     * The log format alone, read before the other settings so that an error in them is printed in it.
     *
     * @param env the environment
     * @return {@code LOG_FORMAT}, text when it is not set
     * @throws SettingsException when it names no format
     */
    public static LogFormat logFormat(Map<String, String> env) throws SettingsException {
        String value = present(env, LOG_FORMAT);
        if (value == null) {
            return LogFormat.TEXT;
        }
        return LogFormat.parse(value)
                .orElseThrow(() -> SettingsException.invalid(LOG_FORMAT, value, LogFormat.EXPECTED));
    }

    // ADMIN_PORT; the old PORT still works when ADMIN_PORT is not set, with a notice.
    private static OptionalInt adminPort(Map<String, String> env, List<String> notices) throws SettingsException {
        String expected = "a TCP port, 0 to " + MAX_PORT;
        String admin = present(env, ADMIN_PORT);
        String old = present(env, PORT);
        if (admin != null) {
            // The same number under both names (scripts that also serve older builds) ignores nothing.
            if (old != null && !old.equals(admin)) {
                notices.add(PORT + "=" + old + " ignored: " + ADMIN_PORT + " is set (" + PORT + " is deprecated for loadgen)");
            }
            return OptionalInt.of(intIn(ADMIN_PORT, admin, 0, MAX_PORT, expected));
        }
        if (old != null) {
            int port = intIn(PORT, old, 0, MAX_PORT, expected);
            notices.add(PORT + " is deprecated for loadgen: its health and metrics server listens on " + ADMIN_PORT
                                + "; using " + PORT + "=" + old);
            return OptionalInt.of(port);
        }
        return OptionalInt.empty();
    }

    private static Optional<InetAddress> host(Map<String, String> env) throws SettingsException {
        String host = present(env, HOST);
        if (host == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(host));
        } catch (UnknownHostException | SecurityException e) {
            throw SettingsException.invalid(HOST, host, "an IP address or host name of this machine to listen on, "
                    + "for example 0.0.0.0 or 127.0.0.1");
        }
    }

    /** Number of requests the run sends before stopping by itself; {@link Long#MAX_VALUE} when it runs forever. */
    public long totalRequests() {
        return durationSeconds == 0 ? Long.MAX_VALUE : durationSeconds * requestsPerSecond;
    }

    // An empty value counts as not defined: that is what an unset variable in a manifest or shell gives.
    private static String present(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static String required(Map<String, String> env, String name) throws SettingsException {
        String value = present(env, name);
        if (value == null) {
            throw SettingsException.missing(name);
        }
        return value;
    }

    private static int optionalInt(Map<String, String> env, String name, int defaultValue, int min, int max,
                                   String expected) throws SettingsException {
        String value = present(env, name);
        return value == null ? defaultValue : intIn(name, value, min, max, expected);
    }

    private static int intIn(String name, String value, int min, int max, String expected) throws SettingsException {
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw SettingsException.invalid(name, value, expected);
        }
        if (parsed < min || parsed > max) {
            throw SettingsException.invalid(name, value, expected);
        }
        return (int) parsed;
    }

    private static URI httpUrl(String name, String value) throws SettingsException {
        String expected = "an http:// or https:// URL with a host, for example http://hellosvc:80/";
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw SettingsException.invalid(name, value, expected);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw SettingsException.invalid(name, value, expected);
        }
        return uri;
    }
}
