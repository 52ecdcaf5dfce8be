package io.asmready.server;

import java.time.Duration;
import java.util.Map;

import io.asmready.server.config.InvalidSettingException;
import io.asmready.server.config.Settings;
import io.asmready.server.logging.LogFormat;

import io.helidon.config.Config;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * application.yaml as packaged, the environment overrides on top of it, and the one-line errors for bad values.
 */
class SettingsTest {

    @Test
    void packagedApplicationYamlAgreesWithTheSharedPomProperties() {
        Config config = Settings.load(Map.of());
        Settings settings = Settings.from(config);
        assertThat(settings.port(), is(sharedInt("asmready.http.port")));
        assertThat(settings.adminPort(), is(sharedInt("asmready.admin.port")));
        assertThat(settings.shutdownGrace(), is(Duration.ofSeconds(sharedInt("asmready.shutdown.grace.seconds"))));
        assertThat(settings.host(), is("0.0.0.0"));
        assertThat(settings.adminHost(), is("0.0.0.0"));
        assertThat(config.get("server.host").asString().get(), is("0.0.0.0"));
        assertThat(settings.logRequests(), is(true));
        assertThat(settings.logFormat(), is(LogFormat.TEXT));
    }

    @Test
    void environmentOverridesEachDocumentedKey() {
        Config config = Settings.load(Map.of("PORT", "8181",
                                             "ADMIN_PORT", "9191",
                                             "HOST", "127.0.0.1",
                                             "LOG_REQUESTS", "FALSE",
                                             "LOG_FORMAT", "JSON",
                                             "SHUTDOWN_GRACE_SECONDS", "3"));
        Settings settings = Settings.from(config);
        assertThat(settings.port(), is(8181));
        assertThat(settings.adminPort(), is(9191));
        // HOST applies to both servers, through the keys each one is built from.
        assertThat(config.get("server.host").asString().get(), is("127.0.0.1"));
        assertThat(config.get("admin.host").asString().get(), is("127.0.0.1"));
        assertThat(config.get("admin.port").asString().get(), is("9191"));
        assertThat(settings.logRequests(), is(false));
        assertThat(settings.logFormat(), is(LogFormat.JSON));
        assertThat(settings.shutdownGrace(), is(Duration.ofSeconds(3)));
    }

    @Test
    void badValuesStopWithOneLineNamingTheVariableAndWhatIsExpected() {
        assertRejected(Map.of("PORT", "abc"),
                       "server.port (env PORT) must be an integer from 0 to 65535, got 'abc'");
        assertRejected(Map.of("PORT", "70000"),
                       "server.port (env PORT) must be an integer from 0 to 65535, got '70000'");
        assertRejected(Map.of("ADMIN_PORT", "-1"),
                       "admin.port (env ADMIN_PORT) must be an integer from 0 to 65535, got '-1'");
        assertRejected(Map.of("PORT", "8080", "ADMIN_PORT", "8080"),
                       "admin.port (env ADMIN_PORT) must differ from server.port (env PORT), both are 8080");
        assertRejected(Map.of("LOG_REQUESTS", "yes"),
                       "helloserver.log-requests (env LOG_REQUESTS) must be true or false, got 'yes'");
        assertRejected(Map.of("LOG_FORMAT", "xml"),
                       "helloserver.log-format (env LOG_FORMAT) must be text or json, got 'xml'");
        assertRejected(Map.of("SHUTDOWN_GRACE_SECONDS", "-1"),
                       "helloserver.shutdown-grace-seconds (env SHUTDOWN_GRACE_SECONDS) must be an integer "
                               + "from 0 to 3600, got '-1'");
        assertRejected(Map.of("HOST", " "),
                       "server.host (env HOST) must be a host name or IP address to listen on, got ''");
    }

    private static void assertRejected(Map<String, String> env, String message) {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                                                 () -> Settings.from(Settings.load(env)));
        assertThat(e.getMessage(), is(message));
    }

    static int sharedInt(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("system property " + property
                                                    + " is not set; run the tests through Maven (surefire sets it)");
        }
        return Integer.parseInt(value);
    }
}
