package io.asmready.loadgen.traffic;

import java.net.URI;
import java.time.Duration;

/**
 * Runs the request path (WebClient's connections, the connection pool, writing a GET and reading its answer)
 * against the loadgen's own health endpoint on loopback before the schedule starts. A cold JVM pays for class loading,
 * initialisation and its first compilations on the first requests; paid by the first due requests, that cost
 * came out as a second-long stall and hundreds of {@code max in-flight reached} failures at the start of a run
 * at a few thousand requests a second on one core. The target never sees these requests.
 */
public final class WarmUp {
    private WarmUp() {
    }

    /**
     * Sends up to {@code requests} GETs one after another, stopping early when {@code budget} is spent.
     * Failures are ignored: the warm-up is an optimisation, never a reason not to start.
     *
     * @param endpoint a URL on this process's own server
     * @param requests how many requests at most
     * @param budget   how long at most
     * @return how many were answered
     */
    public static int run(URI endpoint, int requests, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        int answered = 0;
        try (HttpSender sender = new HttpSender(endpoint, budget, budget, 1)) {
            for (int i = 0; i < requests && System.nanoTime() - deadline < 0; i++) {
                try {
                    sender.send();
                    answered++;
                } catch (RuntimeException e) {
                    // Nothing listening, or not answering: the run starts cold, as it would have anyway.
                    return answered;
                }
            }
        }
        return answered;
    }
}
