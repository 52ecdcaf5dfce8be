package io.asmready.server;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.asmready.server.config.Settings;
import io.asmready.server.logging.JsonFormatter;
import io.asmready.server.logging.LogFormat;
import io.asmready.server.requestlog.RequestLog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/**
 * The request log with LOG_FORMAT=json, as Cloud Logging reads it: each record one JSON object on one line (parsed
 * here with Jackson), with severity, time, message and an {@code httpRequest} object, and the headers with
 * credentials redacted.
 */
@ServerTest
class JsonLogTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Settings SETTINGS = Settings.from(Settings.load(Map.of("LOG_FORMAT", "json")));
    private static final RequestLog REQUEST_LOG = Main.requestLog(SETTINGS);
    private static final JsonLines LINES = new JsonLines();

    private final Http1Client client;
    private final int port;

    JsonLogTest(Http1Client client, WebServer server) {
        this.client = client;
        this.port = server.port();
    }

    @BeforeAll
    static void capture() {
        Logger.getLogger(RequestLog.LOGGER_NAME).addHandler(LINES);
    }

    @AfterAll
    static void release() {
        Logger.getLogger(RequestLog.LOGGER_NAME).removeHandler(LINES);
        REQUEST_LOG.close(WAIT);
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        Main.server(server, SETTINGS);
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        Main.routing(routing, REQUEST_LOG);
    }

    @Test
    void settingsSelectJson() {
        assertThat(SETTINGS.logFormat(), is(LogFormat.JSON));
    }

    @Test
    void requestRecordIsOneJsonLineWithHttpRequestAndRedactedHeaders() throws Exception {
        Instant before = Instant.now();
        client.get("/orders/7")
                .queryParam("x", "1")
                .header(HeaderNames.AUTHORIZATION, "Bearer s3cr3t-token")
                .header(HeaderNames.COOKIE, "session=c00kie-value")
                .header(HeaderNames.USER_AGENT, "json-test/1.0")
                .header(HeaderNames.create("x-request-id"), "req-\"quoted\"-back\\slash")
                .request()
                .close();

        String line = LINES.await("/orders/7?x=1");
        assertThat("one line", line.indexOf('\n'), is(line.length() - 1));
        JsonNode record = JSON.readTree(line);
        assertThat(record.get("severity").asText(), is("INFO"));
        assertThat(record.get("message").asText(), is("GET /orders/7?x=1"));
        assertThat(record.get("logger").asText(), is(RequestLog.LOGGER_NAME));
        Instant time = Instant.parse(record.get("time").asText());
        assertThat(time.isBefore(before), is(false));
        assertThat(time.isAfter(Instant.now()), is(false));

        JsonNode http = record.get("httpRequest");
        assertThat(http.get("requestMethod").asText(), is("GET"));
        assertThat(http.get("requestUrl").asText(), is("http://localhost:" + port + "/orders/7?x=1"));
        assertThat(http.get("status").isInt(), is(true));
        assertThat(http.get("status").asInt(), is(200));
        assertThat(http.get("userAgent").asText(), is("json-test/1.0"));
        assertThat(http.get("remoteIp").asText(), is("127.0.0.1"));
        assertThat(http.get("serverIp").asText(), is("127.0.0.1"));
        assertThat(http.get("protocol").asText(), is("HTTP/1.1"));
        String latency = http.get("latency").asText();
        assertThat(latency, latency.matches("\\d+\\.\\d{6}s"), is(true));
        // The whole answer, head and body ("Hello World! /orders/7?x=1" is 26 bytes).
        assertThat(Long.parseLong(http.get("responseSize").asText()), greaterThan(26L));

        JsonNode headers = record.get("headers");
        assertThat(headers.get("Authorization").asText(), is("<redacted>"));
        assertThat(headers.get("Cookie").asText(), is("<redacted>"));
        assertThat(headers.get("x-request-id").asText(), is("req-\"quoted\"-back\\slash"));
        for (String secret : new String[] {"s3cr3t", "c00kie-value"}) {
            assertThat(line, not(containsString(secret)));
        }
    }

    @Test
    void http10RequestSaysSo() throws Exception {
        RawHttp.exchange(port, "GET /old-client HTTP/1.0\r\nHost: localhost\r\n\r\n");
        JsonNode http = JSON.readTree(LINES.await("/old-client")).get("httpRequest");
        assertThat(http.get("protocol").asText(), is("HTTP/1.0"));
        assertThat(http.get("requestUrl").asText(), is("http://localhost/old-client"));
    }

    @Test
    void targetAndHeadersOutsideAsciiStayOneParseableLine() throws Exception {
        // Raw bytes: the target as sent (percent-encoded), a header value in Latin-1.
        RawHttp.exchange(port, "GET /caf%C3%A9 HTTP/1.1\r\nHost: localhost\r\nX-Latin: gr\u00fc\u00df\r\n"
                + "Connection: close\r\n\r\n");
        String line = LINES.await("/caf%C3%A9");
        assertThat(line.chars().allMatch(c -> c < 0x7f), is(true));
        // Helidon reads header values as ASCII (other bytes become U+FFFD); whatever it read, the line holds it.
        assertThat(JSON.readTree(line).get("headers").get("X-Latin").asText(), startsWith("gr"));
    }

    /**
     * The lines the console would print in JSON: each request record formatted by the JSON formatter.
     */
    private static final class JsonLines extends Handler {
        private final JsonFormatter formatter = new JsonFormatter();
        private final List<String> lines = new CopyOnWriteArrayList<>();

        private JsonLines() {
            setLevel(Level.ALL);
        }

        String await(String target) throws Exception {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                for (String line : lines) {
                    if (JSON.readTree(line).get("message").asText().endsWith(" " + target)) {
                        return line;
                    }
                }
                Thread.sleep(10);
            }
            throw new AssertionError("no JSON request record for " + target + " within " + WAIT + "; got " + lines);
        }

        @Override
        public void publish(LogRecord record) {
            lines.add(formatter.format(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
