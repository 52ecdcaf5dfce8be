package io.asmready.server.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * One JSON object per line, in the shape Google Cloud Logging reads from a container's stdout
 * (<a href="https://cloud.google.com/logging/docs/structured-logging">structured logging</a>): {@code time},
 * {@code severity} (DEBUG, INFO, WARNING, ERROR), {@code message} (with the stack trace, where Error Reporting
 * looks for it), {@code logger}, and whatever fields a {@link JsonLogRecord} adds ({@code httpRequest} for a
 * request record). Pure ASCII: every other character is escaped, so no console encoding can garble a line and no
 * client input can break one.
 */
public final class JsonFormatter extends Formatter {
    /**
     * Used by java.util.logging, through the {@code formatter} property of a handler, and by {@link LogFormat}.
     */
    public JsonFormatter() {
    }

    @Override
    public String format(LogRecord record) {
        String message = record instanceof JsonLogRecord structured ? structured.jsonMessage() : formatMessage(record);
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            message = message + "\n" + trace;
        }
        StringBuilder json = new StringBuilder(128 + message.length());
        json.append("{\"time\":\"").append(record.getInstant()).append('"');
        json.append(",\"severity\":\"").append(severity(record.getLevel())).append('"');
        Json.field(json, "message", message);
        Json.field(json, "logger", record.getLoggerName());
        if (record instanceof JsonLogRecord structured) {
            structured.appendJsonFields(json);
        }
        return json.append("}\n").toString();
    }

    /**
     * Cloud Logging's severity for a java.util.logging level, as Google's own JUL handler maps them.
     *
     * @param level record level
     * @return DEBUG, INFO, WARNING or ERROR
     */
    static String severity(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (value >= Level.WARNING.intValue()) {
            return "WARNING";
        }
        if (value >= Level.CONFIG.intValue()) {
            return "INFO";
        }
        return "DEBUG";
    }
}
