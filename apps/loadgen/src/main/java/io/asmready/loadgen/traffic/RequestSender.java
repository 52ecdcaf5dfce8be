package io.asmready.loadgen.traffic;

/**
 * Sends one request and blocks until its answer has been read. Called on a virtual thread per request,
 * so blocking is cheap; implementations must be safe for many callers at once.
 */
@FunctionalInterface
public interface RequestSender {
    /**
     * @return the HTTP status code of the answer
     * @throws Exception when no answer arrived (refused, timed out, reset, ...); mapped by {@link FailureReason}
     */
    int send() throws Exception;
}
