package io.asmready.loadgen.logging;

import java.util.logging.Formatter;
import java.util.logging.LogRecord;

import io.helidon.logging.jul.HelidonFormatter;

/**
 * The console handler's formatter (logging.properties): Helidon's {@link HelidonFormatter} with the pattern of
 * logging.properties (what the handler used before there was a choice), or {@link JsonFormatter}, as {@link LogFormat} says. It starts with what the environment
 * asks ({@code LOG_FORMAT=json}), so that a record logged before the settings are read is in the same format as the
 * rest; {@code Main} then sets the format from the checked settings.
 */
public final class ConsoleFormatter extends Formatter {
    private static volatile LogFormat format = fromEnv();

    // Made here, not in a static field: HelidonFormatter reads its pattern from the LogManager's properties when it
    // is created, and the LogManager creates this formatter once it has read them.
    private final Formatter text = new HelidonFormatter();
    private final Formatter json = new JsonFormatter();

    /**
     * Used by java.util.logging, through the {@code formatter} property of a handler.
     */
    public ConsoleFormatter() {
    }

    /**
     * Switches every console formatter to a format.
     *
     * @param logFormat log format from the settings
     */
    public static void use(LogFormat logFormat) {
        format = logFormat;
    }

    @Override
    public String format(LogRecord record) {
        return (format == LogFormat.JSON ? json : text).format(record);
    }

    private static LogFormat fromEnv() {
        String value = System.getenv("LOG_FORMAT");
        return value == null ? LogFormat.TEXT : LogFormat.parse(value).orElse(LogFormat.TEXT);
    }
}
