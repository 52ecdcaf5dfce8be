package io.asmready.loadgen;

import sun.misc.Signal;

/**
 * SIGTERM (Kubernetes, {@code podman stop}) and SIGINT (Ctrl-C) ask for an orderly stop. A plain
 * shutdown hook cannot give what the contract wants: the JVM would exit with 143 whatever the hook
 * does, and would stop everything while the last requests are still finishing. Taking the signals
 * over lets the run end itself: summary first, then {@code exit 0}.
 */
final class Signals {
    private Signals() {
    }

    static void onTerminate(Runnable action) {
        Signal.handle(new Signal("TERM"), signal -> action.run());
        Signal.handle(new Signal("INT"), signal -> action.run());
    }
}
