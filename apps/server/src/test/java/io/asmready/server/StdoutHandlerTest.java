package io.asmready.server;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import io.asmready.server.logging.BatchedRecord;
import io.asmready.server.logging.StdoutHandler;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * What reaches stdout when: a service's log line at once, the request log's lines once their batch is flushed,
 * and always in the order they were logged.
 */
class StdoutHandlerTest {
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private PrintStream original;
    private StdoutHandler handler;

    @BeforeEach
    void captureStdout() {
        original = System.out;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        handler = new StdoutHandler();
        handler.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord record) {
                return record.getMessage() + "\n";
            }
        });
    }

    @AfterEach
    void restoreStdout() {
        System.setOut(original);
    }

    @Test
    void anOrdinaryRecordIsOnStdoutAsSoonAsItIsLogged() {
        handler.publish(new LogRecord(Level.INFO, "server started"));

        assertThat(written(), is("server started\n"));
    }

    @Test
    void batchedRecordsWaitForTheirFlushAndKeepTheirPlaceBeforeLaterLines() {
        handler.publish(new Batched("GET /a"));
        handler.publish(new Batched("GET /b"));
        assertThat(written(), is(""));

        handler.flush();
        assertThat(written(), is("GET /a\nGET /b\n"));

        handler.publish(new Batched("GET /c"));
        handler.publish(new LogRecord(Level.WARNING, "slow disk"));
        assertThat(written(), is("GET /a\nGET /b\nGET /c\nslow disk\n"));
    }

    @Test
    void closingWritesWhatIsLeft() {
        handler.publish(new Batched("GET /last"));

        handler.close();

        assertThat(written(), is("GET /last\n"));
    }

    private String written() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    private static final class Batched extends LogRecord implements BatchedRecord {
        Batched(String message) {
            super(Level.INFO, message);
        }
    }
}
