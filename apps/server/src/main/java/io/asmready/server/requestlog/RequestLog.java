package io.asmready.server.requestlog;

import java.io.Serial;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.asmready.server.logging.BatchedRecord;
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
    // The writer takes what has gathered every POLL_NANOS while requests keep coming, and blocks on the queue once
    // it has found nothing IDLE_POLLS times in a row (an idle server costs nothing).
    private static final long POLL_NANOS = 2_000_000;
    private static final int IDLE_POLLS = 25;
    private static final int MAX_BATCH = 256;

    private final BlockingQueue<RequestLogEntry> queue;
    private volatile Counter dropped;
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
            dropped().increment();
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

    /**
     * Publishes this log's meter (dropped records, 0 until the first drop). Called once the hello server serves:
     * the first use of the meter registry creates it, which takes a fifth of a second in a fresh JVM.
     */
    public void registerMeters() {
        if (isOn()) {
            dropped();
        }
    }

    /**
     * The dropped-records counter, registered by {@link #registerMeters()} or by the first drop, whichever comes
     * first.
     */
    private Counter dropped() {
        Counter counter = dropped;
        if (counter == null) {
            counter = Metrics.globalRegistry().getOrCreate(
                    Counter.builder(DROPPED_METER)
                            .description("Request log records dropped because the log writer fell behind"));
            dropped = counter; // getOrCreate hands every caller the same counter
        }
        return counter;
    }

    private void writeLoop() {
        List<RequestLogEntry> batch = new ArrayList<>(MAX_BATCH);
        int idlePolls = 0;
        try {
            while (accepting) {
                if (queue.drainTo(batch, MAX_BATCH) > 0) {
                    idlePolls = 0;
                } else if (++idlePolls > IDLE_POLLS) {
                    // Idle for a while: sleep until a record arrives (that one offer pays for the wake-up).
                    batch.add(queue.take());
                    idlePolls = 0;
                }
                writeAll(batch);
                if (batch.size() < MAX_BATCH) {
                    // Under load, records gather while this thread sleeps, and requests never wake it: a wake-up
                    // per record (a futex call and a context switch on the request's core) cost more than the
                    // record itself.
                    LockSupport.parkNanos(POLL_NANOS);
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            // closing: fall through and write what is left
        }
        Thread.interrupted(); // close() interrupts a sleeping writer; what is left is written all the same
        batch.clear();
        while (queue.drainTo(batch, MAX_BATCH) > 0) {
            writeAll(batch);
            batch.clear();
        }
    }

    private static void writeAll(List<RequestLogEntry> batch) {
        if (batch.isEmpty()) {
            return;
        }
        for (RequestLogEntry entry : batch) {
            write(entry);
        }
        flushHandlers();
    }

    // The records are BatchedRecords: the console handler leaves them in its buffer, and they leave here in one go.
    private static void flushHandlers() {
        for (Logger logger = LOGGER; logger != null; logger = logger.getUseParentHandlers() ? logger.getParent() : null) {
            for (Handler handler : logger.getHandlers()) {
                handler.flush();
            }
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
    private static final class Record extends LogRecord implements JsonLogRecord, BatchedRecord {
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
