package io.asmready.lint.argocd;

import java.util.regex.Pattern;

/**
 * The patterns an AppProject allows sources, destinations and kinds with: {@code *} for any run of
 * characters, {@code ?} for one, a leading {@code !} for "anything but". Everything else is literal.
 */
final class Glob {
    private Glob() {
    }

    static boolean matches(String pattern, String value) {
        if (pattern.startsWith("!")) {
            return !matches(pattern.substring(1), value);
        }
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '*' || c == '?') {
                regex.append(Pattern.quote(literal.toString())).append(c == '*' ? ".*" : ".");
                literal.setLength(0);
            } else {
                literal.append(c);
            }
        }
        regex.append(Pattern.quote(literal.toString()));
        return Pattern.matches(regex.toString(), value);
    }
}
