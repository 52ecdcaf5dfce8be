package io.asmready.loadgen;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.asmready.loadgen.config.Settings;
import io.asmready.loadgen.pacing.Clock;
import io.asmready.loadgen.peers.Nginx;
import io.asmready.loadgen.peers.PythonHello;
import io.asmready.loadgen.traffic.HttpSender;

import org.junit.jupiter.api.Test;

import static io.asmready.loadgen.Matches.pattern;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

/**
 * Whole runs against servers this project did not write: Python's http.server (the original sample's
 * HTTP/1.0 server), nginx closing after each answer, nginx keeping connections, and nginx relaying the
 * Python server's unframed body as chunked. Every request the schedule sends is answered, the server's own
 * log counts exactly the completions the loadgen reports, and no GET carries a Content-Length.
 */
class RealPeersTest {
    private static final int RATE = 50;
    private static final int SECONDS = 2;
    private static final int REQUESTS = RATE * SECONDS;

    private final Output output = new Output();

    @Test
    void pythonHttpServerAnswersHttp10AndClosesEachConnection() throws Exception {
        try (PythonHello python = PythonHello.start()) {
            Loadgen loadgen = runToTheEnd(python.uri("/hello?from=loadgen"));

            assertEveryRequestCompleted(loadgen);
            List<String> logged = python.requests();
            assertThat(logged.size(), is(REQUESTS));
            // The raw request heads Python read: the original's form of GET, and no Content-Length.
            assertThat(logged, everyItem(containsString("'GET /hello?from=loadgen HTTP/1.1\\r\\nHost: 127.0.0.1:")));
            assertThat(lowerCase(logged), everyItem(not(containsString("content-length"))));
        }
    }

    @Test
    void nginxAnsweringConnectionCloseGetsANewConnectionPerRequest() throws Exception {
        try (Nginx nginx = Nginx.start(false, "return 200 \"Hello World! /\";")) {
            Loadgen loadgen = runToTheEnd(nginx.uri("/"));

            assertEveryRequestCompleted(loadgen);
            List<String[]> logged = awaitLogged(nginx, loadgen);
            assertThat(logged.stream().map(f -> f[1]).distinct().count(), is((long) REQUESTS));
            assertThat(logged.stream().map(f -> f[3]).toList(), everyItem(is("\"-\""))); // no Content-Length
        }
    }

    @Test
    void nginxKeepingConnectionsAliveServesManyRequestsPerConnection() throws Exception {
        try (Nginx nginx = Nginx.start(true, "return 200 \"Hello World! /\";")) {
            Loadgen loadgen = runToTheEnd(nginx.uri("/"));

            assertEveryRequestCompleted(loadgen);
            List<String[]> logged = awaitLogged(nginx, loadgen);
            assertThat(logged.stream().map(f -> f[1]).distinct().count(), lessThan((long) REQUESTS));
            assertThat(logged.stream().map(f -> f[3]).toList(), everyItem(is("\"-\"")));
        }
    }

    @Test
    void nginxRelayingAnUnframedBodyAnswersChunkedOnKeptConnections() throws Exception {
        try (PythonHello python = PythonHello.start();
                Nginx nginx = Nginx.start(true, "proxy_pass http://127.0.0.1:" + python.port() + ";")) {
            Loadgen loadgen = runToTheEnd(nginx.uri("/relayed"));

            assertEveryRequestCompleted(loadgen);
            List<String[]> logged = awaitLogged(nginx, loadgen);
            // nginx knew no length (Python sent none), so its answers were chunked.
            assertThat(logged.stream().map(f -> f[6]).toList(), everyItem(is("\"chunked\"")));
            assertThat(logged.stream().map(f -> f[1]).distinct().count(), lessThan((long) REQUESTS));
            assertThat(python.requests().size(), is(REQUESTS));
        }
    }

    private void assertEveryRequestCompleted(Loadgen loadgen) {
        assertThat(output.lines().getLast(), pattern("Summary: sent=" + REQUESTS + " completed=" + REQUESTS
                + " failed=0 rate=" + RATE + "\\.0/s .*"));
        assertThat(loadgen.tally().failures(), is(Map.of()));
        assertThat(loadgen.tally().answeredWithClass(2), is((long) REQUESTS));
    }

    // nginx writes its log line once it has finished a request, which may be just after the client read
    // the answer: wait until it has written as many as loadgen completed, then they must be equal.
    private static List<String[]> awaitLogged(Nginx nginx, Loadgen loadgen) {
        long completed = loadgen.tally().answered();
        Await.until(completed + " requests in nginx's log", () -> nginx.requests().size() >= completed,
                    () -> nginx.requests().size() + " logged");
        List<String[]> logged = nginx.requests().stream().map(line -> line.split(" ")).toList();
        assertThat(logged.size(), is((int) completed));
        return logged;
    }

    private Loadgen runToTheEnd(URI target) throws Exception {
        Settings settings = Settings.fromEnv(Map.of("SERVER_ADDR", target.toString(),
                                                    "REQUESTS_PER_SECOND", String.valueOf(RATE),
                                                    "DURATION_SECONDS", String.valueOf(SECONDS),
                                                    "PERCENTILES_EVERY_SECONDS", "0"));
        try (HttpSender sender = new HttpSender(settings.target(), settings.connectTimeout(), settings.requestTimeout(),
                                                settings.maxInFlight())) {
            Loadgen loadgen = new Loadgen(settings, sender, Clock.SYSTEM, output.stream(), Thread::startVirtualThread);
            CountDownLatch ended = new CountDownLatch(1);
            loadgen.start(ended::countDown);
            Await.until("the end of the run", () -> ended.getCount() == 0);
            loadgen.stop();
            return loadgen;
        }
    }

    private static List<String> lowerCase(List<String> lines) {
        return lines.stream().map(l -> l.toLowerCase(Locale.ROOT)).toList();
    }
}
