package io.asmready.server;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.asmready.server.config.Settings;
import io.asmready.server.lifecycle.Readiness;
import io.asmready.server.requestlog.RequestLog;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * HTTP/1.0 with the clients people use it with: {@code curl --http1.0} and ApacheBench ({@code ab}, HTTP/1.0
 * only), which Helidon 4 alone answers with 505 HTTP Version Not Supported.
 */
@ServerTest
class Http10PeersTest {
    private static final Pattern AB_LINE = Pattern.compile("^([A-Za-z -]+):\\s+(\\S+)", Pattern.MULTILINE);

    private final String base;

    Http10PeersTest(WebServer server) {
        this.base = "http://127.0.0.1:" + server.port();
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        Main.server(server, Settings.from(Settings.load(Map.of())));
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        Main.routing(routing, RequestLog.off());
    }

    @Test
    void curlHttp10GetsHelloWorldAndAClosedConnection() throws Exception {
        Peer.Result curl = Peer.require("curl", "curl")
                .run("--http1.0", "-sS", "-i", "--max-time", "20", base + "/a?b=1");
        assertThat(curl.output(), curl.exitStatus(), is(0));
        assertThat(curl.output(), containsString("HTTP/1.1 200 OK\r\n"));
        assertThat(curl.output(), containsString("\r\nConnection: close\r\n"));
        assertThat(curl.output(), not(containsString("Transfer-Encoding")));
        assertThat(curl.output(), containsString("\r\n\r\nHello World! /a?b=1"));
    }

    @Test
    void curlHttp10ReusesItsConnectionOnlyWhenItAsksForKeepAlive() throws Exception {
        Peer curl = Peer.require("curl", "curl");
        // Two URLs in one curl run: with keep-alive the second one needs no new connection (num_connects 0).
        List<String> kept = connects(curl.run("--http1.0", "-sS", "--max-time", "20", "-H", "Connection: keep-alive",
                                              "-o", "/dev/null", "-o", "/dev/null", "-w", "%{num_connects} %{http_code}\n",
                                              base + "/one", base + "/two"));
        assertThat(kept, is(List.of("1 200", "0 200")));
        List<String> closed = connects(curl.run("--http1.0", "-sS", "--max-time", "20",
                                                "-o", "/dev/null", "-o", "/dev/null", "-w", "%{num_connects} %{http_code}\n",
                                                base + "/one", base + "/two"));
        assertThat(closed, is(List.of("1 200", "1 200")));
    }

    @Test
    void curlHttp10KeepAliveAnswerSaysKeepAlive() throws Exception {
        Peer.Result curl = Peer.require("curl", "curl")
                .run("--http1.0", "-sS", "-i", "--max-time", "20", "-H", "Connection: keep-alive", base + "/");
        assertThat(curl.output(), containsString("\r\nConnection: keep-alive\r\n"));
        assertThat(curl.output(), containsString("\r\nContent-Length: 14\r\n"));
    }

    @Test
    void apacheBenchGetsOnly2xx() throws Exception {
        Peer.Result ab = Peer.require("ab", "apache2-utils").run("-q", "-n", "500", "-c", "10", "-s", "20", base + "/");
        Map<String, String> result = abResult(ab);
        assertThat(ab.output(), result.get("Complete requests"), is("500"));
        assertThat(ab.output(), result.get("Failed requests"), is("0"));
        assertThat(ab.output(), result.getOrDefault("Non-2xx responses", "0"), is("0"));
        System.out.println("ab -n 500 -c 10: " + result.get("Requests per second") + " req/s");
    }

    @Test
    void apacheBenchKeepAliveReusesConnections() throws Exception {
        Peer.Result ab = Peer.require("ab", "apache2-utils")
                .run("-q", "-k", "-n", "500", "-c", "10", "-s", "20", base + "/");
        Map<String, String> result = abResult(ab);
        assertThat(ab.output(), result.get("Complete requests"), is("500"));
        assertThat(ab.output(), result.get("Failed requests"), is("0"));
        assertThat(ab.output(), result.getOrDefault("Non-2xx responses", "0"), is("0"));
        assertThat(ab.output(), Integer.parseInt(result.get("Keep-Alive requests")), greaterThan(0));
        System.out.println("ab -k -n 500 -c 10: " + result.get("Keep-Alive requests") + " keep-alive requests, "
                                   + result.get("Requests per second") + " req/s");
    }

    private static List<String> connects(Peer.Result curl) {
        assertThat(curl.output(), curl.exitStatus(), is(0));
        return curl.output().lines().toList();
    }

    private static Map<String, String> abResult(Peer.Result ab) {
        assertThat(ab.output(), ab.exitStatus(), is(0));
        Map<String, String> result = new java.util.LinkedHashMap<>();
        Matcher matcher = AB_LINE.matcher(ab.output());
        while (matcher.find()) {
            result.put(matcher.group(1).strip(), matcher.group(2));
        }
        return result;
    }
}
