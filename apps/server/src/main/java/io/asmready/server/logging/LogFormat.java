package io.asmready.server.logging;

import java.util.function.Supplier;
import java.util.logging.Formatter;

/**
 * How log records are written on stdout (env {@code LOG_FORMAT}).
 */
public enum LogFormat {
    /** One readable line per record ({@link LineFormatter}); what {@code make run} shows. */
    TEXT(LineFormatter::new),
    /** One JSON object per line, with the fields Google Cloud Logging reads ({@link JsonFormatter}). */
    JSON(JsonFormatter::new);

    private final Supplier<Formatter> formatter;

    LogFormat(Supplier<Formatter> formatter) {
        this.formatter = formatter;
    }

    /**
     * A new formatter for this format.
     *
     * @return formatter
     */
    public Formatter formatter() {
        return formatter.get();
    }
}
