package io.asmready.loadgen.logging;

import java.util.Locale;
import java.util.Optional;

/**
 * How every line the loadgen prints is written (env {@code LOG_FORMAT}): its report, its notices and errors, and
 * java.util.logging's records.
 */
public enum LogFormat {
    /** Plain lines, as a person reads them ({@code make run}); the default. */
    TEXT,
    /** One JSON object per line, with the fields Google Cloud Logging reads (the cluster overlays). */
    JSON;

    /** What {@link #parse} accepts, for error messages. */
    public static final String EXPECTED = "text or json";

    /**
     * The format a value names, in any case and with surrounding blanks ignored.
     *
     * @param value the setting's value
     * @return the format, empty when the value names none
     */
    public static Optional<LogFormat> parse(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "text" -> Optional.of(TEXT);
            case "json" -> Optional.of(JSON);
            default -> Optional.empty();
        };
    }
}
