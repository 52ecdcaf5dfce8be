package io.asmready.loadgen.config;

/**
 * A setting that is missing or invalid. The message is the one line a user sees; the exit status
 * keeps the original's contract (1 for a missing required variable) and uses 2 for a bad value.
 */
public final class SettingsException extends Exception {
    /** Exit status for a required variable that is not defined (the original loadgen's status). */
    public static final int MISSING = 1;
    /** Exit status for a variable whose value cannot be used. */
    public static final int INVALID = 2;

    private final int exitStatus;

    SettingsException(String message, int exitStatus) {
        // No stack trace: the message is all a user needs, and it is never logged with one.
        super(message, null, false, false);
        this.exitStatus = exitStatus;
    }

    static SettingsException missing(String name) {
        return new SettingsException(name + " env variable is not defined", MISSING);
    }

    static SettingsException invalid(String name, String value, String expected) {
        return new SettingsException("Invalid " + name + "=\"" + value + "\": expected " + expected, INVALID);
    }

    public int exitStatus() {
        return exitStatus;
    }
}
