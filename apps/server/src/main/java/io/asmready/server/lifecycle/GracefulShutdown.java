package io.asmready.server.lifecycle;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

import io.asmready.server.requestlog.RequestLog;

import io.helidon.webserver.WebServer;

/**
 * The one way the server stops, used by the JVM shutdown hook (SIGTERM) and by tests alike: readiness DOWN first,
 * then the hello server stops listening and lets in-flight requests finish within the grace period
 * ({@code shutdown-grace-period} of the listener) while the admin server still answers probes (readiness 503,
 * liveness 200) and scrapes, then the admin server stops, then the queued request log records are written.
 */
public final class GracefulShutdown implements Runnable {
    private static final Logger LOGGER = Logger.getLogger(GracefulShutdown.class.getName());
    private static final Duration LOG_FLUSH = Duration.ofSeconds(2);

    private final WebServer server;
    private final WebServer admin;
    private final Readiness readiness;
    private final RequestLog requestLog;
    private final Duration grace;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);

    /**
     * Creates the shutdown path of a running server.
     *
     * @param server     running hello server, configured with {@code grace} as its shutdown grace period
     * @param admin      running admin server, which publishes {@code readiness}
     * @param readiness  readiness check of the admin server
     * @param requestLog request log to flush last
     * @param grace      grace period, for the log line
     */
    public GracefulShutdown(WebServer server, WebServer admin, Readiness readiness, RequestLog requestLog,
                            Duration grace) {
        this.server = server;
        this.admin = admin;
        this.readiness = readiness;
        this.requestLog = requestLog;
        this.grace = grace;
    }

    /**
     * Stops the server; a second caller waits for the first one to finish instead of stopping twice.
     */
    @Override
    public void run() {
        if (!started.compareAndSet(false, true)) {
            awaitDone();
            return;
        }
        try {
            long start = System.nanoTime();
            readiness.stopAccepting();
            LOGGER.info(() -> "Stopping server: readiness DOWN, in-flight requests get up to "
                    + grace.toSeconds() + " s");
            server.stop();
            admin.stop();
            requestLog.close(LOG_FLUSH);
            LOGGER.info(() -> "Server stopped in " + (System.nanoTime() - start) / 1_000_000 + " ms");
        } finally {
            done.countDown();
        }
    }

    private void awaitDone() {
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
