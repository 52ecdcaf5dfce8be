package io.asmready.server;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import io.asmready.server.logging.LineFormatter;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * The layout of every log line on stdout, request records included.
 */
class LineFormatterTest {
    private final LineFormatter formatter = new LineFormatter();

    @Test
    void oneLineWithLocalTimestampLevelLoggerAndMessage() {
        Instant at = LocalDateTime.of(2026, 1, 31, 12, 0, 0, 123_000_000).atZone(ZoneId.systemDefault()).toInstant();
        LogRecord record = new LogRecord(Level.INFO, "listening on port {0}");
        record.setParameters(new Object[] {"8080"});
        record.setLoggerName("io.asmready.server.requests");
        record.setInstant(at);

        assertThat(formatter.format(record),
                   is("2026-01-31T12:00:00.123 INFO io.asmready.server.requests: listening on port 8080"
                              + System.lineSeparator()));
    }

    @Test
    void stackTraceFollowsTheLine() {
        LogRecord record = new LogRecord(Level.SEVERE, "failed");
        record.setLoggerName("test");
        record.setThrown(new IllegalStateException("broken"));

        String text = formatter.format(record);
        assertThat(text, containsString(" SEVERE test: failed" + System.lineSeparator()
                                                + "java.lang.IllegalStateException: broken"));
        assertThat(text.lines().skip(2).findFirst().orElseThrow().strip(), startsWith("at "));
    }
}
