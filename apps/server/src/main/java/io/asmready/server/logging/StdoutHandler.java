package io.asmready.server.logging;

import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.StreamHandler;

/**
 * The console (stdout) handler of logging.properties: as Helidon's {@code HelidonConsoleHandler} (stdout, every
 * level, flushed after each record) except for {@link BatchedRecord}s, which stay in the handler's buffer until
 * their writer flushes once per batch. Why: flushing is a write(2) per record, and with the request log on that
 * system call was a quarter of the request log's cost per request; a batch of records now leaves in a few
 * 8 KiB writes. Any other record is flushed at once, and with it whatever batched records were before it, so
 * the order of lines is the order of records.
 */
public final class StdoutHandler extends StreamHandler {
    /**
     * Used by java.util.logging, through the {@code handlers} property. Its {@code level} and {@code formatter}
     * properties apply as for any handler; without them: every level, {@link ConsoleFormatter}.
     */
    public StdoutHandler() {
        setOutputStream(System.out);
        String name = StdoutHandler.class.getName();
        LogManager manager = LogManager.getLogManager();
        if (manager.getProperty(name + ".level") == null) {
            setLevel(Level.ALL);
        }
        if (manager.getProperty(name + ".formatter") == null) {
            setFormatter(new ConsoleFormatter());
        }
    }

    @Override
    public void publish(LogRecord record) {
        super.publish(record);
        if (!(record instanceof BatchedRecord)) {
            flush();
        }
    }

    @Override
    public void close() {
        flush();
    }
}
