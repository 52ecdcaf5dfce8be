package io.asmready.loadgen.traffic;

import java.net.URI;
import java.time.Duration;

import io.asmready.loadgen.FreePort;
import io.asmready.loadgen.RawServer;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** The warm-up sends what it is asked to over one kept-alive connection, and never keeps a run from starting. */
class WarmUpTest {
    private static final Duration BUDGET = Duration.ofSeconds(10);

    @Test
    void sendsTheRequestsOverOneConnection() throws Exception {
        try (RawServer server = new RawServer(RawServer.Behaviour.KEEP_ALIVE)) {
            assertThat(WarmUp.run(server.uri(), 50, BUDGET), is(50));
            assertThat(server.connections(), is(1));
        }
    }

    @Test
    void nothingListeningEndsItAtOnce() {
        assertThat(WarmUp.run(URI.create("http://127.0.0.1:" + FreePort.pick() + "/"), 50, BUDGET), is(0));
    }

    @Test
    void aServerThatNeverAnswersEndsItAtTheBudget() throws Exception {
        try (RawServer silent = new RawServer(RawServer.Behaviour.SILENT)) {
            assertThat(WarmUp.run(silent.uri(), 50, Duration.ofMillis(300)), is(0));
        }
    }
}
