package io.asmready.server;

import io.asmready.server.requestlog.RequestLog;

import io.helidon.webserver.http.HttpRouting;

/**
 * Gives the loadgen's tests the real helloserver routing: {@code Main.routing} is package-private
 * (Helidon SE style), so this bridge sits in the same package on the test classpath. The request log
 * is off: the loadgen's tests count requests themselves.
 */
public final class HelloRouting {
    private HelloRouting() {
    }

    public static void routing(HttpRouting.Builder routing) {
        Main.routing(routing, RequestLog.off());
    }
}
