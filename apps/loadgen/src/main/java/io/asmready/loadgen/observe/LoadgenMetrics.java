package io.asmready.loadgen.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.asmready.loadgen.Loadgen;
import io.asmready.loadgen.pacing.Clock;
import io.asmready.loadgen.stats.Latencies;
import io.asmready.loadgen.stats.Tally;

import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;

/**
 * Publishes the loadgen's own numbers on {@code /observe/metrics}. The meters read the tally when
 * scraped instead of being updated per request, so metrics add nothing to the request path.
 */
public final class LoadgenMetrics implements AutoCloseable {
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    private LoadgenMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers the meters for {@code loadgen}; {@link #close()} removes them again. */
    public static LoadgenMetrics register(MeterRegistry registry, Loadgen loadgen, Clock clock) {
        LoadgenMetrics metrics = new LoadgenMetrics(registry);
        Tally tally = loadgen.tally();
        metrics.counter("loadgen.requests.sent", "Requests issued by the schedule (sent, or failed for want of room under the in-flight bound)",
                        tally, Tally::sent, List.of());
        metrics.counter("loadgen.requests.completed", "Requests that got an HTTP answer, any status",
                        tally, Tally::answered, List.of());
        for (int statusClass = 1; statusClass <= 5; statusClass++) {
            int index = statusClass;
            metrics.counter("loadgen.responses", "HTTP answers by status class",
                            tally, t -> t.answeredWithClass(index), List.of(Tag.create("class", index + "xx")));
        }
        tally.onNewReason((reason, count) -> metrics.counter(
                "loadgen.requests.failed", "Requests without an answer, by reason",
                count, LongAdder::sum, List.of(Tag.create("reason", reason))));
        metrics.counter("loadgen.requests.held", "Requests that fell due while MAX_IN_FLIGHT waited and were held for room",
                        tally, Tally::heldTotal, List.of());
        metrics.gauge("loadgen.requests.in.flight", "Requests waiting for an answer now",
                      () -> (double) tally.inFlight(), List.of());
        metrics.gauge("loadgen.rate.target", "Requests per second the schedule issues",
                      () -> (double) loadgen.settings().requestsPerSecond(), List.of());
        long startedAt = clock.nanoTime();
        metrics.gauge("loadgen.rate.achieved", "Requests issued per second since start",
                      () -> {
                          double seconds = (clock.nanoTime() - startedAt) / (double) TimeUnit.SECONDS.toNanos(1);
                          return seconds > 0 ? tally.sent() / seconds : 0.0;
                      }, List.of());
        quantile(metrics, loadgen, "0.5", Latencies::p50);
        quantile(metrics, loadgen, "0.9", Latencies::p90);
        quantile(metrics, loadgen, "0.99", Latencies::p99);
        quantile(metrics, loadgen, "0.999", Latencies::p999);
        return metrics;
    }

    @Override
    public synchronized void close() {
        meters.forEach(registry::remove);
        meters.clear();
    }

    private static void quantile(LoadgenMetrics metrics, Loadgen loadgen, String quantile,
                                 ToDoubleFunction<Latencies> percentile) {
        metrics.gauge("loadgen.latency.milliseconds",
                      "Latency from intended send time to answer, over the whole run",
                      () -> percentile.applyAsDouble(loadgen.report().overall()),
                      List.of(Tag.create("quantile", quantile)));
    }

    private synchronized <T> void counter(String name, String description, T state,
                                          Function<T, Long> read, List<Tag> tags) {
        meters.add(registry.getOrCreate(FunctionalCounter.builder(name, state, read)
                                                .description(description)
                                                .tags(tags)));
    }

    private synchronized void gauge(String name, String description, Supplier<Double> read, List<Tag> tags) {
        meters.add(registry.getOrCreate(Gauge.builder(name, read)
                                                .description(description)
                                                .tags(tags)));
    }
}
