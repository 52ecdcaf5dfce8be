package io.asmready.server.config;

/**
 * A configuration value the server cannot run with. The message is the one line a user sees.
 */
public final class InvalidSettingException extends RuntimeException {
    InvalidSettingException(String message) {
        super(message);
    }
}
