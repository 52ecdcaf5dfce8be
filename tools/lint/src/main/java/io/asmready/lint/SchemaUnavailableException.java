package io.asmready.lint;

/**
 * A pinned schema could be neither read from {@code SCHEMAS_DIR} nor fetched. Tests turn this into a
 * skip on a developer's machine and into a failure under {@code CI=true} (see the test helper
 * {@code io.asmready.lint.Schemas}).
 */
public class SchemaUnavailableException extends LintException {
    public SchemaUnavailableException(String message) {
        super(message);
    }

    public SchemaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
