package io.asmready.lint.argocd;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.asmready.lint.LintException;
import tools.jackson.databind.JsonNode;

/**
 * An Application's sync retry ({@code spec.syncPolicy.retry}) as Argo CD runs it: attempt n waits
 * {@code duration * factor^(n-1)}, never more than {@code maxDuration}; a negative limit retries
 * forever. Defaults as Argo CD's: 5s, factor 2, 3m.
 */
record Backoff(long limit, Duration first, long factor, Duration max) {
    private static final Pattern GO_DURATION = Pattern.compile("(\\d+)(h|m|s|ms)");

    static Backoff of(JsonNode retry) {
        JsonNode backoff = retry.path("backoff");
        return new Backoff(retry.path("limit").asLong(0),
                duration(backoff.path("duration").asString("5s")),
                backoff.path("factor").asLong(2),
                duration(backoff.path("maxDuration").asString("3m")));
    }

    boolean unlimited() {
        return limit < 0;
    }

    /** How long the retries keep going before Argo CD gives up (for a limited retry). */
    Duration span() {
        Duration total = Duration.ZERO;
        Duration wait = first;
        for (long attempt = 0; attempt < limit; attempt++) {
            total = total.plus(wait.compareTo(max) > 0 ? max : wait);
            if (wait.compareTo(max) < 0) {
                wait = wait.multipliedBy(Math.max(factor, 1));
            }
        }
        return total;
    }

    /** The longest wait between two attempts: how late a fix (or a new kind) is picked up at worst. */
    Duration longestWait() {
        return first.compareTo(max) > 0 ? first : max;
    }

    /** Go's duration syntax as Argo CD accepts it ("10s", "3m", "1h30m"), or plain seconds ("10"). */
    static Duration duration(String text) {
        if (text.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(text));
        }
        Matcher m = GO_DURATION.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
            end = m.end();
        }
        if (end == 0 || end != text.length()) {
            throw new LintException("'" + text + "' is not a duration Argo CD understands (e.g. 10s, 3m, 1h)");
        }
        return total;
    }
}
