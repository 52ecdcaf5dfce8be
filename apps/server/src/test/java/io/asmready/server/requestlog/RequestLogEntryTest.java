package io.asmready.server.requestlog;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Cloud Logging's duration text for the {@code httpRequest.latency} field.
 */
class RequestLogEntryTest {
    @Test
    void latencyIsSecondsWithSixDecimals() {
        assertThat(RequestLogEntry.latency(1_234_567), is("0.001234s"));
        assertThat(RequestLogEntry.latency(999), is("0.000000s"));
        assertThat(RequestLogEntry.latency(2_500_000_000L), is("2.500000s"));
        assertThat(RequestLogEntry.latency(61_000_001_000L), is("61.000001s"));
    }
}
