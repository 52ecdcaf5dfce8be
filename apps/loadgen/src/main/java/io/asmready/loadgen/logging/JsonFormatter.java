package io.asmready.loadgen.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * java.util.logging's records as JSON lines, the shape Google Cloud Logging reads from a container's stdout
 * (<a href="https://cloud.google.com/logging/docs/structured-logging">structured logging</a>): {@code time},
 * {@code severity}, {@code message} (with the stack trace, where Error Reporting looks for it) and {@code logger}.
 */
public final class JsonFormatter extends Formatter {
    /**
     * Used by {@link ConsoleFormatter}.
     */
    public JsonFormatter() {
    }

    @Override
    public String format(LogRecord record) {
        String message = formatMessage(record);
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            message = message + "\n" + trace;
        }
        return new JsonLine(record.getInstant(), Severity.of(record.getLevel()), message)
                .add("logger", record.getLoggerName())
                + "\n";
    }
}
