package io.asmready.server.logging;

import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * The console's formatter (logging.properties): text or JSON as {@link LogFormat} says. It starts with what the
 * environment asks ({@code LOG_FORMAT=json}), so that the lines logged before the settings are read are in the same
 * format as the rest; {@code Main} then sets the format from the checked settings, which also reject an unknown
 * value with one clear line.
 */
public final class ConsoleFormatter extends Formatter {
    private static volatile Formatter current = "json".equals(envFormat()) ? LogFormat.JSON.formatter()
            : LogFormat.TEXT.formatter();

    /**
     * Used by java.util.logging, through the {@code formatter} property of a handler.
     */
    public ConsoleFormatter() {
    }

    /**
     * Switches every console formatter to a format.
     *
     * @param format log format from the settings
     */
    public static void use(LogFormat format) {
        current = format.formatter();
    }

    @Override
    public String format(LogRecord record) {
        return current.format(record);
    }

    private static String envFormat() {
        String value = System.getenv("LOG_FORMAT");
        return value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    }
}
