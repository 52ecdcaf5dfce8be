package io.asmready.loadgen;

import java.util.Map;
import java.util.concurrent.Executor;

import io.asmready.loadgen.config.Settings;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/** The warm-up rehearses against its own loopback server: answered there, never seen by the target. */
class WarmUpTest {
    private static final Executor REQUESTS = Thread::startVirtualThread;

    @Test
    void rehearsesWithoutTouchingTheTarget() throws Exception {
        try (RawServer target = new RawServer(RawServer.Behaviour.KEEP_ALIVE)) {
            Settings settings = Settings.fromEnv(Map.of("SERVER_ADDR", target.uri().toString(),
                                                        "REQUESTS_PER_SECOND", String.valueOf(WarmUp.MIN_RATE)));
            assertThat(WarmUp.run(settings, REQUESTS), greaterThan(0L));
            assertThat(target.connections(), is(0));
        }
    }

    @Test
    void belowTheMinimumRateNothingIsRehearsed() throws Exception {
        try (RawServer target = new RawServer(RawServer.Behaviour.KEEP_ALIVE)) {
            Settings settings = Settings.fromEnv(Map.of("SERVER_ADDR", target.uri().toString(),
                                                        "REQUESTS_PER_SECOND", String.valueOf(WarmUp.MIN_RATE - 1)));
            assertThat(WarmUp.run(settings, REQUESTS), is(0L));
            assertThat(target.connections(), is(0));
        }
    }
}
