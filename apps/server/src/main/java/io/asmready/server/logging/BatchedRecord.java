package io.asmready.server.logging;

/**
 * A log record written as one of a batch: {@link StdoutHandler} does not flush after it, and its writer flushes
 * the handlers once the batch is written (the request log's records).
 */
public interface BatchedRecord {
}
