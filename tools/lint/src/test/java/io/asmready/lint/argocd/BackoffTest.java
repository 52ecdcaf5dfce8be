package io.asmready.lint.argocd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import io.asmready.lint.LintException;
import io.asmready.lint.Yaml;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static Backoff of(String retryYaml) {
        return Backoff.of(Yaml.readAll(retryYaml, "test").getFirst());
    }

    @Test
    void argoCdsDefaultRetryGivesUpAfterAboutTwoAndAHalfMinutes() {
        // limit 5 with Argo CD's defaults waits 5s, 10s, 20s, 40s, 80s.
        assertEquals(Duration.ofSeconds(155), of("limit: 5").span());
    }

    @Test
    void waitsStopGrowingAtMaxDuration() {
        Backoff backoff = of("{limit: 6, backoff: {duration: 1m, factor: 2, maxDuration: 3m}}");
        assertEquals(Duration.ofMinutes(1 + 2 + 3 + 3 + 3 + 3), backoff.span());
        assertEquals(Duration.ofMinutes(3), backoff.longestWait());
    }

    @Test
    void aNegativeLimitRetriesForever() {
        assertTrue(of("limit: -1").unlimited());
    }

    @Test
    void readsGoDurationsAndPlainSeconds() {
        assertEquals(Duration.ofSeconds(90), Backoff.duration("1m30s"));
        assertEquals(Duration.ofSeconds(10), Backoff.duration("10"));
        assertThrows(LintException.class, () -> Backoff.duration("3 minutes"));
    }
}
