package io.asmready.server.requestlog;

import java.io.Serial;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.asmready.server.logging.JsonLogRecord;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The per-request log record of the original sample, moved off the request path: an answered request only copies
 * its headers into a bounded queue, and one writer thread formats and logs them. When the writer falls behind
 * (slow stdout, a burst of traffic) records are dropped and counted rather than making requests wait.
 * <p>
 * In text (LOG_FORMAT=text) a record is one line with the method, target and headers; in JSON it also carries
 * Cloud Logging's {@code httpRequest} (status, size, latency, client, protocol).
 */
public final class RequestLog {
    /** Logger that carries one INFO record per logged request. */
    public static final String LOGGER_NAME = "io.asmready.server.requests";
    /** Counter of records dropped because the queue was full. */
    public static final String DROPPED_METER = "request.log.dropped";

    private static final Logger LOGGER = Logger.getLogger(LOGGER_NAME);
    private static final RequestLog OFF = new RequestLog();

    private final BlockingQueue<RequestLogEntry> queue;
    private final Counter dropped;
    private final Thread writer;
    private volatile boolean accepting;

    private RequestLog() {
        this.queue = null;
        this.dropped = null;
        this.writer = null;
        this.accepting = false;
    }

    private RequestLog(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.dropped = Metrics.globalRegistry().getOrCreate(
                Counter.builder(DROPPED_METER)
                        .description("Request log records dropped because the log writer fell behind"));
        this.accepting = true;
        // A platform daemon thread: it blocks on the console most of its life and must never keep the JVM alive.
        this.writer = Thread.ofPlatform().name("request-log-writer").daemon().unstarted(this::writeLoop);
    }

    /**
     * A request log that writes.
     *
     * @param capacity records that may wait for the writer before new ones are dropped
     * @return started request log
     */
    public static RequestLog start(int capacity) {
        RequestLog log = new RequestLog(capacity);
        log.writer.start();
        return log;
    }

    /**
     * A request log that logs nothing (LOG_REQUESTS=false): no queue, no thread, no cost.
     *
     * @return disabled request log
     */
    public static RequestLog off() {
        return OFF;
    }

    /**
     * Whether this log writes records at all.
     *
     * @return false for {@link #off()}
     */
    public boolean isOn() {
        return writer != null;
    }

    /**
     * Hands an answered request over to the writer, never waiting.
     *
     * @param req          the request
     * @param res          its response, already sent
     * @param target       request target as sent
     * @param protocol     {@code HTTP/1.0} or {@code HTTP/1.1}, as the client sent it
     * @param latencyNanos time taken to answer
     */
    public void record(ServerRequest req, ServerResponse res, String target, String protocol, long latencyNanos) {
        if (!accepting) {
            return;
        }
        RequestLogEntry entry = new RequestLogEntry(Instant.now(),
                                                    req.prologue().method().text(),
                                                    target,
                                                    RequestLogEntry.capture(req.headers()),
                                                    protocol,
                                                    res.status().code(),
                                                    res.bytesWritten(),
                                                    latencyNanos,
                                                    req.remotePeer().address(),
                                                    req.localPeer().address());
        if (!queue.offer(entry)) {
            dropped.increment();
        }
    }

    /**
     * Stops taking records and writes those already queued, waiting at most {@code timeout}.
     *
     * @param timeout longest wait for the writer
     */
    public void close(Duration timeout) {
        if (writer == null || !accepting) {
            return;
        }
        accepting = false;
        writer.interrupt();
        try {
            writer.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeLoop() {
        try {
            while (accepting) {
                write(queue.take());
            }
        } catch (InterruptedException e) {
            // closing: fall through and write what is left
        }
        RequestLogEntry entry;
        while ((entry = queue.poll()) != null) {
            write(entry);
        }
    }

    private static void write(RequestLogEntry entry) {
        try {
            LOGGER.log(new Record(entry));
        } catch (RuntimeException e) {
            // A broken handler must not kill the writer and silently stop request logging for good.
            LOGGER.log(Level.WARNING, "Cannot write a request log record", e);
        }
    }

    /**
     * A request record: its text line is made only when a text formatter asks for it, its JSON fields only when
     * the JSON formatter does.
     */
    private static final class Record extends LogRecord implements JsonLogRecord {
        @Serial
        private static final long serialVersionUID = 1L;

        private final transient RequestLogEntry entry;

        private Record(RequestLogEntry entry) {
            super(Level.INFO, null);
            this.entry = entry;
            setLoggerName(LOGGER_NAME);
            setInstant(entry.time());
        }

        @Override
        public String getMessage() {
            return entry.format();
        }

        @Override
        public String jsonMessage() {
            return entry.summary();
        }

        @Override
        public void appendJsonFields(StringBuilder json) {
            entry.appendJsonFields(json);
        }
    }
}
