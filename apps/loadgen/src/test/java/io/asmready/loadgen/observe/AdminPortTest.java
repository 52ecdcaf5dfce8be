package io.asmready.loadgen.observe;

import io.helidon.config.Config;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** The admin port is the one shared setting (root pom: asmready.admin.port), not a number of its own. */
class AdminPortTest {
    @Test
    void healthAndMetricsListenOnTheSharedAdminPortByDefault() {
        String shared = System.getProperty("asmready.admin.port");
        assertThat("surefire passes asmready.admin.port from the root pom", shared != null, is(true));
        assertThat(Config.create().get("server.port").asInt().get(), is(Integer.parseInt(shared)));
        assertThat(Config.create().get("server.host").asString().get(), is("0.0.0.0"));
    }
}
