package io.asmready.lint.clusters;

/** One broken rule on rendered manifests: the rule's id (see {@link ClusterChecks#RULES}) and a one-line message. */
public record Violation(String rule, String message) {
    @Override
    public String toString() {
        return "[" + rule + "] " + message;
    }
}
