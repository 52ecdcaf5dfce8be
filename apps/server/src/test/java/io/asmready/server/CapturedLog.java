package io.asmready.server;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A JUL handler that keeps what one logger publishes, so a test can read the log records users would see.
 */
final class CapturedLog extends Handler {
    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private CapturedLog(Logger logger) {
        this.logger = logger;
        setLevel(Level.ALL);
    }

    static CapturedLog attach(String loggerName) {
        Logger logger = Logger.getLogger(loggerName);
        CapturedLog captured = new CapturedLog(logger);
        logger.addHandler(captured);
        return captured;
    }

    List<String> messages() {
        return records.stream().map(LogRecord::getMessage).toList();
    }

    /**
     * Waits until a message matches, failing after {@code timeout}.
     */
    String await(Predicate<String> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String message : messages()) {
                if (condition.test(message)) {
                    return message;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no log record matched within " + timeout + "; got " + messages());
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
