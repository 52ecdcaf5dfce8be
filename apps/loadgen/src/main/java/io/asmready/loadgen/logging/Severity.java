package io.asmready.loadgen.logging;

import java.util.logging.Level;

/** Google Cloud Logging's severity names, the ones a JSON line's {@code severity} field may carry. */
public enum Severity {
    DEBUG,
    INFO,
    WARNING,
    ERROR;

    /**
     * The severity of a java.util.logging level, as Google's own JUL handler maps them: SEVERE is ERROR, WARNING
     * WARNING, INFO and CONFIG INFO, anything finer DEBUG.
     *
     * @param level record level
     * @return severity
     */
    public static Severity of(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return ERROR;
        }
        if (value >= Level.WARNING.intValue()) {
            return WARNING;
        }
        if (value >= Level.CONFIG.intValue()) {
            return INFO;
        }
        return DEBUG;
    }
}
