package io.asmready.lint;

/**
 * A manifest, schema or tool problem, said in one line: what was wrong and what is expected.
 * Unchecked, so a test fails with exactly this line instead of a stack of wrappers.
 */
public class LintException extends RuntimeException {
    public LintException(String message) {
        super(message);
    }

    public LintException(String message, Throwable cause) {
        super(message, cause);
    }
}
