package io.asmready.loadgen.observe;

import java.util.function.BooleanSupplier;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/** Readiness: UP while the generator runs, DOWN from the moment it starts stopping. */
final class RunningCheck implements HealthCheck {
    private final BooleanSupplier running;

    RunningCheck(BooleanSupplier running) {
        this.running = running;
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public String name() {
        return "loadgen";
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.builder().status(running.getAsBoolean()).build();
    }
}
