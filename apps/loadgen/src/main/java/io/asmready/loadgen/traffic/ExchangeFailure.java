package io.asmready.loadgen.traffic;

/**
 * A request that got no complete answer, with the reason a person reads ({@link FailureReason}'s
 * phrases). No stack trace: a server that is down fails thousands of requests a second, and the
 * reason is all anyone looks at.
 */
final class ExchangeFailure extends RuntimeException {
    private final String reason;
    private final boolean beforeAnswer;

    /**
     * @param reason       the phrase counted and printed
     * @param beforeAnswer nothing of an answer had arrived: on a kept-alive connection that is what a
     *                     connection the server closed while it idled looks like, and the request may
     *                     be sent again on a new one
     */
    ExchangeFailure(String reason, boolean beforeAnswer) {
        super(reason, null, false, false);
        this.reason = reason;
        this.beforeAnswer = beforeAnswer;
    }

    static ExchangeFailure malformed(String what) {
        return new ExchangeFailure(FailureReason.MALFORMED + what, false);
    }

    String reason() {
        return reason;
    }

    boolean beforeAnswer() {
        return beforeAnswer;
    }
}
