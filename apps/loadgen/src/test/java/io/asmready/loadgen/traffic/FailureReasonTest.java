package io.asmready.loadgen.traffic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

import io.helidon.webclient.api.RuntimeUnknownHostException;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** The forms failures take that the socket tests cannot provoke on loopback (DNS, connect timeouts). */
class FailureReasonTest {
    @Test
    void connectTimeoutIsToldApartFromReadTimeout() {
        assertThat(FailureReason.of(new UncheckedIOException(new SocketTimeoutException("Connect timed out"))),
                   is("connect timeout"));
        assertThat(FailureReason.of(new UncheckedIOException(new ConnectException("Connection timed out"))),
                   is("connect timeout"));
        assertThat(FailureReason.of(new UncheckedIOException(new SocketTimeoutException("Read timed out"))),
                   is("read timeout"));
    }

    @Test
    void anUnresolvableNameIsAnUnknownHostInEveryFormHelidonUses() {
        assertThat(FailureReason.of(new IllegalArgumentException("Failed to get address for host hellosvc")),
                   is("unknown host"));
        assertThat(FailureReason.of(new RuntimeUnknownHostException(new UnknownHostException("hellosvc"))),
                   is("unknown host"));
    }

    @Test
    void anythingElseIsNamedByItsTypeNeverByItsMessage() {
        assertThat(FailureReason.of(new RuntimeException("wrapper", new IOException("at 10.0.0.7:8080 id 42"))),
                   is("IOException"));
        assertThat(FailureReason.of(new IllegalArgumentException("some other problem")),
                   is("IllegalArgumentException"));
    }
}
