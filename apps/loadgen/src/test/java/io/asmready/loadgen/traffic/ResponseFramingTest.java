package io.asmready.loadgen.traffic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import io.asmready.loadgen.RawServer;
import io.asmready.loadgen.RawServer.Behaviour;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Every form of answer RFC 9112 allows for a GET, from a server written byte by byte: each is read to its
 * end, and its connection is reused exactly when the answer allows it (seen from the server: how many
 * connections it accepted for five requests). Answers cut short or broken fail with a phrase that says what
 * the server did.
 */
class ResponseFramingTest {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    // Where an answer is complete this never fires; where a test needs it to (a hung server), it is short.
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);
    private static final int REQUESTS = 5;

    static Stream<Arguments> completeAnswers() {
        List<Arguments> cases = new ArrayList<>(List.of(
                answer("HTTP/1.1, Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
                       Behaviour.SCRIPTED_KEEP_ALIVE, 200, 1),
                answer("HTTP/1.1, chunked with an extension and a trailer field",
                       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n"
                               + "6\r\n world\r\n0\r\nX-Checksum: 1\r\n\r\n",
                       Behaviour.SCRIPTED_KEEP_ALIVE, 200, 1),
                answer("HTTP/1.1, body up to the close", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello",
                       Behaviour.SCRIPTED_CLOSE, 200, REQUESTS),
                answer("HTTP/1.0, body up to the close (Python's http.server)",
                       "HTTP/1.0 200 OK\r\nServer: BaseHTTP/0.6 Python/3.11\r\nContent-type: text/html\r\n\r\nHello World! /",
                       Behaviour.SCRIPTED_CLOSE, 200, REQUESTS),
                answer("HTTP/1.0, Content-Length and keep-alive",
                       "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok",
                       Behaviour.SCRIPTED_KEEP_ALIVE, 200, 1),
                // The server leaves these connections open but reads no further: reusing one would hang.
                answer("HTTP/1.0, Content-Length without keep-alive", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
                       Behaviour.SCRIPTED_LEAVE_OPEN, 200, REQUESTS),
                answer("HTTP/1.1, Connection: close", "HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 2\r\n\r\nok",
                       Behaviour.SCRIPTED_LEAVE_OPEN, 200, REQUESTS),
                answer("HTTP/1.1, chunked and Content-Length: read as chunked, then closed",
                       "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
                       Behaviour.SCRIPTED_LEAVE_OPEN, 200, REQUESTS),
                answer("HTTP/1.1, a transfer coding other than chunked: body up to the close",
                       "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n\u001f\u008b\u0008\u0000",
                       Behaviour.SCRIPTED_CLOSE, 200, REQUESTS),
                answer("an interim 100 Continue, then the answer",
                       "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                       Behaviour.SCRIPTED_KEEP_ALIVE, 200, 1),
                answer("204 without a body", "HTTP/1.1 204 No Content\r\n\r\n", Behaviour.SCRIPTED_KEEP_ALIVE, 204, 1),
                answer("304 announcing a length it does not send", "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n",
                       Behaviour.SCRIPTED_KEEP_ALIVE, 304, 1),
                answer("a status line without a reason phrase", "HTTP/1.1 503\r\nContent-Length: 0\r\n\r\n",
                       Behaviour.SCRIPTED_KEEP_ALIVE, 503, 1),
                answer("repeated equal Content-Lengths in any case",
                       "HTTP/1.1 200 OK\r\ncontent-LENGTH: 2, 2\r\nCONTENT-LENGTH: 2\r\n\r\nok",
                       Behaviour.SCRIPTED_KEEP_ALIVE, 200, 1),
                answer("a folded header line", "HTTP/1.1 200 OK\r\nX-Long: a\r\n b\r\nContent-Length: 2\r\n\r\nok",
                       Behaviour.SCRIPTED_KEEP_ALIVE, 200, 1)));
        // Each once more, one byte per TCP segment: every boundary the reader can meet.
        List<Arguments> byteByByte = cases.stream()
                .map(a -> Arguments.of(a.get()[0] + ", byte by byte", a.get()[1], a.get()[2], a.get()[3], a.get()[4], true))
                .toList();
        cases.addAll(byteByByte);
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("completeAnswers")
    void everyFormOfAnswerCompletesAndItsConnectionIsReusedOnlyWhenItMayBe(
            String name, String answer, Behaviour after, int status, int connections, boolean byteByByte) throws Exception {
        try (RawServer server = RawServer.answering(answer, after, byteByByte);
                HttpSender sender = new HttpSender(server.uri(), CONNECT_TIMEOUT, REQUEST_TIMEOUT, 10)) {
            for (int i = 0; i < REQUESTS; i++) {
                assertThat(sender.send(), is(status));
            }
            assertThat(server.connections(), is(connections));
            List<String> received = server.requests();
            assertThat(received.size(), is(REQUESTS));
            assertThat(received, everyItem(startsWith("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + server.uri().getPort()
                                                              + "\r\n")));
        }
    }

    @Test
    void aGetCarriesNoContentLengthNorAnyBody() throws Exception {
        try (RawServer server = new RawServer(Behaviour.KEEP_ALIVE);
                HttpSender sender = new HttpSender(server.uri().resolve("/a/b?x=1&y=%20"), CONNECT_TIMEOUT,
                                                   REQUEST_TIMEOUT, 10)) {
            sender.send();
            String head = server.requests().getFirst();
            assertThat(head, is("GET /a/b?x=1&y=%20 HTTP/1.1\r\nHost: 127.0.0.1:" + server.uri().getPort()
                                        + "\r\nUser-Agent: asm-ready-loadgen\r\nAccept: */*\r\n\r\n"));
            assertThat(head.toLowerCase(Locale.ROOT), not(containsString("content-length")));
        }
    }

    static Stream<Arguments> brokenAnswers() {
        return Stream.of(
                broken("Content-Length promises more than arrives", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello",
                       "answer cut short: connection closed before Content-Length bytes"),
                broken("chunked, closed inside a chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
                       "answer cut short: connection closed before the last chunk"),
                broken("chunked, closed before the last chunk",
                       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
                       "answer cut short: connection closed before the last chunk"),
                broken("closed inside the headers", "HTTP/1.1 200 OK\r\nContent-Le",
                       "answer cut short: connection closed in the headers"),
                broken("not a number in Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n",
                       "malformed response: invalid Content-Length"),
                broken("two different Content-Lengths", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok",
                       "malformed response: invalid Content-Length"),
                broken("a chunk size that is not hexadecimal",
                       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "malformed response: invalid chunk size"),
                broken("chunk data longer than its size",
                       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokay\r\n0\r\n\r\n",
                       "malformed response: chunk data not followed by CRLF"),
                broken("HTTP/2 on an HTTP/1.1 connection", "HTTP/2.0 200 OK\r\n\r\n",
                       "malformed response: HTTP version other than 1.x"),
                broken("no status line at all", "<html>hello</html>\r\n\r\n", "malformed response: no HTTP status line"),
                broken("a status code that is not three digits", "HTTP/1.1 20 OK\r\n\r\n",
                       "malformed response: invalid status code"),
                broken("lines ended by LF alone", "HTTP/1.1 200 OK\nContent-Length: 0\n\n",
                       "malformed response: line not ended by CRLF"),
                broken("a header line without a colon", "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
                       "malformed response: invalid header line"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenAnswers")
    void aBrokenAnswerFailsWithAPhraseSayingWhatTheServerDid(String name, String answer, String reason) throws Exception {
        try (RawServer server = RawServer.answering(answer, Behaviour.SCRIPTED_CLOSE, false);
                HttpSender sender = new HttpSender(server.uri(), CONNECT_TIMEOUT, REQUEST_TIMEOUT, 10)) {
            Exception e = assertThrows(Exception.class, sender::send);
            assertThat(FailureReason.of(e), is(reason));
        }
    }

    @Test
    void aServerThatStopsMidBodyTimesOut() throws Exception {
        try (RawServer server = RawServer.answering("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello",
                                                    Behaviour.SCRIPTED_LEAVE_OPEN, false);
                HttpSender sender = new HttpSender(server.uri(), CONNECT_TIMEOUT, SHORT_TIMEOUT, 10)) {
            Exception e = assertThrows(Exception.class, sender::send);
            assertThat(FailureReason.of(e), is("timed out after 300 ms"));
        }
    }

    @Test
    void aServerThatSendsABodyWithoutEndTimesOut() throws Exception {
        // Close-delimited, and the server never closes: the request deadline ends it.
        try (RawServer server = RawServer.answering("HTTP/1.0 200 OK\r\n\r\nstreaming...", Behaviour.SCRIPTED_LEAVE_OPEN,
                                                    false);
                HttpSender sender = new HttpSender(server.uri(), CONNECT_TIMEOUT, SHORT_TIMEOUT, 10)) {
            Exception e = assertThrows(Exception.class, sender::send);
            assertThat(FailureReason.of(e), is("timed out after 300 ms"));
        }
    }

    private static Arguments answer(String name, String answer, Behaviour after, int status, int connections) {
        return Arguments.of(name, answer, after, status, connections, false);
    }

    private static Arguments broken(String name, String answer, String reason) {
        return Arguments.of(name, answer, reason);
    }
}
