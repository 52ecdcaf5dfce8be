package io.asmready.server.hello;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

/**
 * Request count and latency of hello requests by status code, as Prometheus sees them:
 * {@code hello_requests_total{code="200"}} and the {@code hello_request_duration_seconds} histogram.
 */
final class HelloMetrics {
    static final String REQUESTS = "hello.requests";
    static final String DURATION = "hello.request.duration";

    // Fixed buckets (not Micrometer's ~70 default ones) so that histogram_quantile() works on a compact series set
    // spanning a loopback hit (sub-millisecond) to a stalled client (seconds). No client-side percentiles: they
    // cost time on every request and cannot be aggregated across replicas, the buckets can.
    private static final Duration[] BUCKETS = {
            Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5)};

    // No registry until the first request has been answered: creating Helidon's meter registry (Micrometer, the
    // system meters) takes a fifth of a second in a fresh JVM, which the hello server's start need not wait for.
    private final Map<Integer, Meters> byStatus = new ConcurrentHashMap<>();

    void record(int status, long nanos) {
        Meters meters = byStatus.computeIfAbsent(status, this::register);
        meters.count.increment();
        meters.duration.record(nanos, TimeUnit.NANOSECONDS);
    }

    private Meters register(int status) {
        MeterRegistry registry = Metrics.globalRegistry();
        List<Tag> tags = List.of(Tag.create("code", Integer.toString(status)));
        Counter count = registry.getOrCreate(Counter.builder(REQUESTS)
                                                     .description("Hello requests answered, by status code")
                                                     .tags(tags));
        Timer duration = registry.getOrCreate(Timer.builder(DURATION)
                                                      .description("Time to answer a hello request, by status code")
                                                      .baseUnit(Timer.BaseUnits.SECONDS)
                                                      .buckets(BUCKETS)
                                                      .percentiles(new double[0])
                                                      .tags(tags));
        return new Meters(count, duration);
    }

    private record Meters(Counter count, Timer duration) {
    }
}
