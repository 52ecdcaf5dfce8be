package io.asmready.loadgen.traffic;

import java.time.Duration;

import io.asmready.loadgen.RawServer;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** Connection reuse, seen from the server's side: how many connections it had to accept. */
class HttpSenderTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void sequentialRequestsShareOneKeptAliveConnection() throws Exception {
        try (RawServer server = new RawServer(RawServer.Behaviour.KEEP_ALIVE);
                HttpSender sender = new HttpSender(server.uri(), TIMEOUT, TIMEOUT, 10)) {
            for (int i = 0; i < 100; i++) {
                assertThat(sender.send(), is(200));
            }
            assertThat(server.connections(), is(1));
        }
    }

    @Test
    void aConnectionTheServerClosedWhileIdleIsReplacedWithoutAFailure() throws Exception {
        try (RawServer server = new RawServer(RawServer.Behaviour.ONE_AND_CLOSE);
                HttpSender sender = new HttpSender(server.uri(), TIMEOUT, TIMEOUT, 10)) {
            for (int i = 0; i < 20; i++) {
                assertThat(sender.send(), is(200));
            }
            // Each request after the first found its pooled connection closed and used a new one.
            assertThat(server.connections() >= 20, is(true));
        }
    }

    @Test
    void nothingIsKeptBeyondThePoolSize() throws Exception {
        try (RawServer server = new RawServer(RawServer.Behaviour.KEEP_ALIVE);
                HttpSender sender = new HttpSender(server.uri(), TIMEOUT, TIMEOUT, 0)) {
            for (int i = 0; i < 5; i++) {
                assertThat(sender.send(), is(200));
            }
            assertThat(server.connections(), is(5));
        }
    }
}
