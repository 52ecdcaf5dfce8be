package io.asmready.server.lifecycle;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/**
 * Readiness that turns DOWN the moment shutdown begins, so a balancer polling
 * {@code /observe/health/ready} stops sending traffic while in-flight requests finish.
 */
public final class Readiness implements HealthCheck {
    /** Name of the check in the health response. */
    public static final String NAME = "accepting-requests";

    private volatile boolean accepting = true;

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.builder()
                .status(accepting)
                .build();
    }

    /** Reports DOWN from now on; there is no way back, a stopping server never becomes ready again. */
    public void stopAccepting() {
        accepting = false;
    }

    /**
     * Whether the server still reports itself ready.
     *
     * @return false once shutdown has begun
     */
    public boolean isAccepting() {
        return accepting;
    }
}
