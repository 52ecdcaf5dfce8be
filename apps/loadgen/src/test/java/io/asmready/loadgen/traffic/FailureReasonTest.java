package io.asmready.loadgen.traffic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;

import io.helidon.webclient.api.RuntimeUnknownHostException;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** The forms failures take that the socket tests cannot provoke on loopback (DNS, connect timeouts). */
class FailureReasonTest {
    @Test
    void connectTimeoutIsToldApartFromATimedOutAnswer() {
        assertThat(FailureReason.of(new UncheckedIOException(new SocketTimeoutException("Connect timed out"))),
                   is("connect timed out"));
        assertThat(FailureReason.of(new UncheckedIOException(new ConnectException("Connection timed out"))),
                   is("connect timed out"));
        assertThat(FailureReason.of(new UncheckedIOException(new SocketTimeoutException("Read timed out"))),
                   is("timed out"));
    }

    @Test
    void timeoutsNameTheirDuration() {
        assertThat(FailureReason.timedOut(Duration.ofSeconds(5)), is("timed out after 5 s"));
        assertThat(FailureReason.timedOut(Duration.ofMillis(1500)), is("timed out after 1500 ms"));
        assertThat(FailureReason.connectTimedOut(Duration.ofSeconds(2)), is("connect timed out after 2 s"));
    }

    @Test
    void anUnresolvableNameIsAnUnknownHostInEveryFormHelidonUses() {
        assertThat(FailureReason.of(new IllegalArgumentException("Failed to get address for host hellosvc")),
                   is("unknown host"));
        assertThat(FailureReason.of(new RuntimeUnknownHostException(new UnknownHostException("hellosvc"))),
                   is("unknown host"));
    }

    @Test
    void anUnreachableNetworkIsNamed() {
        assertThat(FailureReason.of(new UncheckedIOException(new ConnectException("Network is unreachable"))),
                   is("network unreachable"));
        assertThat(FailureReason.of(new UncheckedIOException(new SocketException("Network is unreachable"))),
                   is("network unreachable"));
    }

    @Test
    void anythingElseIsAPhraseNeverATypeNorAMessage() {
        assertThat(FailureReason.of(new RuntimeException("wrapper", new IOException("at 10.0.0.7:8080 id 42"))),
                   is("network error"));
        assertThat(FailureReason.of(new IllegalArgumentException("some other problem")),
                   is("unexpected error in loadgen (see its log)"));
    }
}
