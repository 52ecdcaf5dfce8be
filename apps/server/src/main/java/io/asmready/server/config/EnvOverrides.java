package io.asmready.server.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The short environment variables users of Cloud Run and Kubernetes expect ({@code PORT=8080}) mapped onto
 * the configuration keys of application.yaml. Helidon's own environment source still works for every other key
 * ({@code SERVER_MAX_DASH_TCP_DASH_CONNECTIONS}); these are the documented contract.
 */
public final class EnvOverrides {
    /** Environment variable name to the configuration keys it overrides. */
    public static final Map<String, List<String>> KEYS = Map.of(
            "PORT", List.of(Settings.PORT_KEY),
            "ADMIN_PORT", List.of(Settings.ADMIN_PORT_KEY),
            "HOST", List.of(Settings.HOST_KEY, Settings.ADMIN_HOST_KEY),
            "LOG_REQUESTS", List.of(Settings.LOG_REQUESTS_KEY),
            "LOG_FORMAT", List.of(Settings.LOG_FORMAT_KEY),
            "SHUTDOWN_GRACE_SECONDS", List.of(Settings.SHUTDOWN_GRACE_KEY));

    private EnvOverrides() {
    }

    /**
     * Picks the overriding variables out of an environment.
     *
     * @param env environment, usually {@link System#getenv()}
     * @return configuration key to value, for the variables that are set
     */
    public static Map<String, String> toConfigKeys(Map<String, String> env) {
        Map<String, String> result = new LinkedHashMap<>();
        KEYS.forEach((variable, keys) -> {
            String value = env.get(variable);
            if (value != null) {
                keys.forEach(key -> result.put(key, value.strip()));
            }
        });
        return result;
    }

    /**
     * Names a configuration key for an error message, with the variable that overrides it.
     *
     * @param key configuration key
     * @return for example {@code server.port (env PORT)}
     */
    static String describe(String key) {
        return KEYS.entrySet().stream()
                .filter(it -> it.getValue().contains(key))
                .map(it -> key + " (env " + it.getKey() + ")")
                .findFirst()
                .orElse(key);
    }
}
