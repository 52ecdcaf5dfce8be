package io.asmready.server.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One line per record: {@code 2026-01-31T12:00:00.123 INFO logger.name: message}, then the stack trace if any.
 * <p>
 * The same layout SimpleFormatter gives with our pattern, at a fraction of the cost: SimpleFormatter runs
 * {@code String.format} on every record (about 4 µs here, against under 1 µs for this), and with request logging on
 * there is one record per request.
 */
public final class LineFormatter extends Formatter {
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");
    private final ZoneId zone = ZoneId.systemDefault();

    /**
     * Used by java.util.logging, through the {@code formatter} property of a handler.
     */
    public LineFormatter() {
    }

    @Override
    public String format(LogRecord record) {
        String message = formatMessage(record);
        StringBuilder line = new StringBuilder(48 + message.length());
        TIMESTAMP.formatTo(LocalDateTime.ofInstant(record.getInstant(), zone), line);
        line.append(' ').append(record.getLevel().getName())
                .append(' ').append(record.getLoggerName())
                .append(": ").append(message)
                .append(System.lineSeparator());
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }
}
