package io.asmready.loadgen.logging;

import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;

/** java.util.logging's records with LOG_FORMAT=json, parsed as Cloud Logging would: one object per line. */
class JsonFormatterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonFormatter formatter = new JsonFormatter();

    @Test
    void oneObjectPerLineWithTimeSeverityMessageAndLogger() throws Exception {
        LogRecord record = new LogRecord(Level.INFO, "listening on port {0}");
        record.setParameters(new Object[] {"9090"});
        record.setLoggerName("io.helidon.webserver.LoomServer");
        record.setInstant(Instant.parse("2026-01-31T12:00:00.123456Z"));

        String line = formatter.format(record);
        assertThat(line, endsWith("}\n"));
        assertThat(line.indexOf('\n'), is(line.length() - 1));
        JsonNode json = JSON.readTree(line);
        assertThat(json.get("time").asText(), is("2026-01-31T12:00:00.123456Z"));
        assertThat(json.get("severity").asText(), is("INFO"));
        assertThat(json.get("message").asText(), is("listening on port 9090"));
        assertThat(json.get("logger").asText(), is("io.helidon.webserver.LoomServer"));
    }

    @Test
    void severitiesAreCloudLoggingNames() throws Exception {
        assertThat(severity(Level.SEVERE), is("ERROR"));
        assertThat(severity(Level.WARNING), is("WARNING"));
        assertThat(severity(Level.INFO), is("INFO"));
        assertThat(severity(Level.CONFIG), is("INFO"));
        assertThat(severity(Level.FINE), is("DEBUG"));
        assertThat(severity(Level.FINEST), is("DEBUG"));
    }

    @Test
    void theStackTraceIsPartOfTheMessageOnTheSameLine() throws Exception {
        LogRecord record = new LogRecord(Level.WARNING, "A request failed unexpectedly");
        record.setLoggerName("io.asmready.loadgen.traffic.FailureReason");
        record.setThrown(new IllegalStateException("broken"));

        String line = formatter.format(record);
        assertThat(line.indexOf('\n'), is(line.length() - 1));
        assertThat(JSON.readTree(line).get("message").asText(),
                   containsString("A request failed unexpectedly\njava.lang.IllegalStateException: broken\n\tat "));
    }

    @Test
    void anyTextSurvivesEscapingInPureAscii() throws Exception {
        String text = "quote \" backslash \\ tab \t newline \n cr \r nul \u0000 del \u007f caf\u00e9 \u20ac \ud83d\ude80";
        LogRecord record = new LogRecord(Level.WARNING, text);
        record.setLoggerName("test");

        String line = formatter.format(record);
        assertThat(line.chars().allMatch(c -> c >= 0x20 && c < 0x7f || c == '\n'), is(true));
        assertThat(JSON.readTree(line).get("message").asText(), is(text));
    }

    private String severity(Level level) throws Exception {
        LogRecord record = new LogRecord(level, "x");
        record.setLoggerName("test");
        return JSON.readTree(formatter.format(record)).get("severity").asText();
    }
}
