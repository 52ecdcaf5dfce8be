package io.asmready.server.logging;

import java.util.logging.LogManager;

/**
 * java.util.logging's manager, minus one habit: the JDK resets it (removing every handler) from its own shutdown
 * hook, which runs at the same time as ours, so the graceful shutdown's last lines and the request records still
 * queued were lost at random on SIGTERM. Here the reset is skipped once the JVM is exiting; the console handler
 * flushes every record, so there is nothing left for a reset to save.
 * <p>
 * Installed through the standard {@code java.util.logging.manager} system property, set by {@code Main} before
 * anything touches java.util.logging. It cannot be set from a static method of this class: calling one
 * initializes {@link LogManager} first, which reads the property before it is set.
 */
public final class ShutdownSafeLogManager extends LogManager {
    /**
     * Used by the JDK, through {@code java.util.logging.manager}.
     */
    public ShutdownSafeLogManager() {
    }

    @Override
    public void reset() {
        if (!jvmExiting()) {
            super.reset();
        }
    }

    private static boolean jvmExiting() {
        // The documented signal: hooks cannot be added once shutdown has begun.
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
