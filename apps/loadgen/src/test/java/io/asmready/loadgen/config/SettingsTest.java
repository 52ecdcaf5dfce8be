package io.asmready.loadgen.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.asmready.loadgen.logging.LogFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SettingsTest {
    private static final Map<String, String> VALID = Map.of("SERVER_ADDR", "http://hellosvc:80/",
                                                            "REQUESTS_PER_SECOND", "10");

    @Test
    void missingServerAddrIsReportedFirstWithTheOriginalsLineAndStatus1() {
        SettingsException e = assertThrows(SettingsException.class, () -> Settings.fromEnv(Map.of()));
        assertThat(e.getMessage(), is("SERVER_ADDR env variable is not defined"));
        assertThat(e.exitStatus(), is(1));
    }

    @Test
    void missingRateIsReportedWithTheOriginalsLineAndStatus1() {
        SettingsException e = assertThrows(SettingsException.class,
                                           () -> Settings.fromEnv(Map.of("SERVER_ADDR", "http://hellosvc:80/")));
        assertThat(e.getMessage(), is("REQUESTS_PER_SECOND env variable is not defined"));
        assertThat(e.exitStatus(), is(1));
    }

    @Test
    void anEmptyValueCountsAsNotDefined() {
        SettingsException e = assertThrows(SettingsException.class,
                                           () -> Settings.fromEnv(with("REQUESTS_PER_SECOND", "  ")));
        assertThat(e.getMessage(), is("REQUESTS_PER_SECOND env variable is not defined"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "SERVER_ADDR | hellosvc:80 | an http:// or https:// URL",
            "SERVER_ADDR | ftp://hellosvc/ | an http:// or https:// URL",
            "SERVER_ADDR | http:// | an http:// or https:// URL",
            "SERVER_ADDR | http://hello svc/ | an http:// or https:// URL",
            "SERVER_ADDR | /just/a/path | an http:// or https:// URL",
            "REQUESTS_PER_SECOND | ten | a positive integer",
            "REQUESTS_PER_SECOND | 0 | a positive integer",
            "REQUESTS_PER_SECOND | -5 | a positive integer",
            "REQUESTS_PER_SECOND | 1.5 | a positive integer",
            "REQUESTS_PER_SECOND | 99999999999999999999 | a positive integer",
            "REQUESTS_PER_SECOND | 1000001 | a positive integer",
            "MAX_IN_FLIGHT | 0 | a positive integer",
            "MAX_IN_FLIGHT | many | a positive integer",
            "CONNECT_TIMEOUT_MS | 0 | milliseconds",
            "CONNECT_TIMEOUT_MS | 2s | milliseconds",
            "REQUEST_TIMEOUT_MS | -1 | milliseconds",
            "REQUEST_TIMEOUT_MS | 3600001 | milliseconds",
            "DURATION_SECONDS | -1 | whole seconds",
            "DURATION_SECONDS | 10m | whole seconds",
            "PERCENTILES_EVERY_SECONDS | -1 | whole seconds",
            "PERCENTILES_EVERY_SECONDS | 86401 | whole seconds",
            "SHUTDOWN_GRACE_SECONDS | -1 | whole seconds",
            "SHUTDOWN_GRACE_SECONDS | soon | whole seconds",
            "ADMIN_PORT | 65536 | a TCP port",
            "ADMIN_PORT | -1 | a TCP port",
            "ADMIN_PORT | http | a TCP port",
            "PORT | 65536 | a TCP port",
            "HOST | no such host.invalid | an IP address or host name of this machine",
            "LOG_FORMAT | xml | text or json",
            "LOG_FORMAT | jsonl | text or json",
    })
    void anInvalidValueGivesOneLineNamingVariableValueAndWhatIsExpected(String name, String value, String expected) {
        SettingsException e = assertThrows(SettingsException.class, () -> Settings.fromEnv(with(name, value)));
        assertThat(e.getMessage(), is(e.getMessage().strip()));
        assertThat(e.getMessage(), containsString(name + "=\"" + value + "\""));
        assertThat(e.getMessage(), containsString("expected " + expected));
        assertThat(e.getMessage().lines().count(), is(1L));
        assertThat(e.exitStatus(), is(2));
        // The user sees the message alone: no stack trace is ever captured for it.
        assertThat(e.getStackTrace().length, is(0));
    }

    @Test
    void optionalSettingsHaveDocumentedDefaults() throws SettingsException {
        Settings settings = Settings.fromEnv(VALID);
        assertThat(settings.serverAddr(), is("http://hellosvc:80/"));
        assertThat(settings.target().getHost(), is("hellosvc"));
        assertThat(settings.requestsPerSecond(), is(10));
        assertThat(settings.maxInFlight(), is(1000));
        assertThat(settings.connectTimeout(), is(Duration.ofSeconds(2)));
        assertThat(settings.requestTimeout(), is(Duration.ofSeconds(5)));
        assertThat(settings.durationSeconds(), is(0L));
        assertThat(settings.totalRequests(), is(Long.MAX_VALUE));
        assertThat(settings.percentilesEverySeconds(), is(10));
        assertThat(settings.shutdownGrace(), is(Duration.ofSeconds(5)));
        assertThat(settings.adminPort(), is(OptionalInt.empty()));
        assertThat(settings.host(), is(Optional.empty()));
        assertThat(settings.logFormat(), is(LogFormat.TEXT));
        assertThat(settings.notices(), is(List.of()));
    }

    @Test
    void everyOptionalSettingIsRead() throws SettingsException {
        Map<String, String> env = new HashMap<>(Map.of("SERVER_ADDR", "HTTPS://example.test:8443/a/b?x=1",
                                                       "REQUESTS_PER_SECOND", " 250 ",
                                                       "MAX_IN_FLIGHT", "7",
                                                       "CONNECT_TIMEOUT_MS", "150",
                                                       "REQUEST_TIMEOUT_MS", "900",
                                                       "DURATION_SECONDS", "3",
                                                       "PERCENTILES_EVERY_SECONDS", "0",
                                                       "SHUTDOWN_GRACE_SECONDS", "0",
                                                       "ADMIN_PORT", "9091"));
        env.put("HOST", "127.0.0.1");
        env.put("LOG_FORMAT", "json");
        Settings settings = Settings.fromEnv(env);
        assertThat(settings.serverAddr(), is("HTTPS://example.test:8443/a/b?x=1"));
        assertThat(settings.target().getRawQuery(), is("x=1"));
        assertThat(settings.requestsPerSecond(), is(250));
        assertThat(settings.maxInFlight(), is(7));
        assertThat(settings.connectTimeout(), is(Duration.ofMillis(150)));
        assertThat(settings.requestTimeout(), is(Duration.ofMillis(900)));
        assertThat(settings.totalRequests(), is(750L));
        assertThat(settings.percentilesEverySeconds(), is(0));
        assertThat(settings.shutdownGrace(), is(Duration.ZERO));
        assertThat(settings.adminPort(), is(OptionalInt.of(9091)));
        assertThat(settings.host(), is(Optional.of(InetAddress.getLoopbackAddress())));
        assertThat(settings.logFormat(), is(LogFormat.JSON));
        assertThat(settings.notices(), is(List.of()));
    }

    @Test
    void theDeprecatedPortStillSetsTheAdminPortWithANotice() throws SettingsException {
        Settings settings = Settings.fromEnv(with("PORT", "8081"));
        assertThat(settings.adminPort(), is(OptionalInt.of(8081)));
        assertThat(settings.notices(), is(List.of("PORT is deprecated for loadgen: its health and metrics server "
                                                          + "listens on ADMIN_PORT; using PORT=8081")));
    }

    @Test
    void adminPortWinsOverTheDeprecatedPort() throws SettingsException {
        Map<String, String> env = with("PORT", "8081");
        env.put("ADMIN_PORT", "9091");
        Settings settings = Settings.fromEnv(env);
        assertThat(settings.adminPort(), is(OptionalInt.of(9091)));
        assertThat(settings.notices(), is(List.of("PORT=8081 ignored: ADMIN_PORT is set (PORT is deprecated for loadgen)")));
    }

    @Test
    void theSamePortUnderBothNamesNeedsNoNotice() throws SettingsException {
        Map<String, String> env = with("PORT", "9091");
        env.put("ADMIN_PORT", "9091");
        Settings settings = Settings.fromEnv(env);
        assertThat(settings.adminPort(), is(OptionalInt.of(9091)));
        assertThat(settings.notices(), is(List.of()));
    }

    @ParameterizedTest(name = "LOG_FORMAT={0}")
    @CsvSource(delimiter = '|', value = {"text | TEXT", "TEXT | TEXT", "json | JSON", "' Json ' | JSON", "'' | TEXT"})
    void logFormatIsTextOrJsonInAnyCaseAndTextWhenEmpty(String value, LogFormat expected) throws SettingsException {
        assertThat(Settings.fromEnv(with("LOG_FORMAT", value)).logFormat(), is(expected));
        assertThat(Settings.logFormat(Map.of("LOG_FORMAT", value)), is(expected));
    }

    @Test
    void aBadLogFormatIsReportedBeforeAnyOtherSetting() {
        // It says how the other errors are printed, so it is checked first.
        SettingsException e = assertThrows(SettingsException.class,
                                           () -> Settings.fromEnv(Map.of("LOG_FORMAT", "xml")));
        assertThat(e.getMessage(), is("Invalid LOG_FORMAT=\"xml\": expected text or json"));
        assertThat(e.exitStatus(), is(2));
        assertThrows(SettingsException.class, () -> Settings.logFormat(Map.of("LOG_FORMAT", "xml")));
    }

    private static Map<String, String> with(String name, String value) {
        Map<String, String> env = new HashMap<>(VALID);
        env.put(name, value);
        return env;
    }
}
