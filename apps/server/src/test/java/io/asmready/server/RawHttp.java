package io.asmready.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Raw HTTP/1.x over a socket, for requests a well-behaved client library refuses to send (HTTP/1.0 among them).
 */
final class RawHttp {
    static final int READ_TIMEOUT_MS = 10_000;

    private RawHttp() {
    }

    /**
     * Sends bytes and reads one response.
     *
     * @return the response (head and Content-Length body), empty when the server closed or reset the connection
     *         without answering
     */
    static String exchange(int port, String request) throws IOException {
        try (Socket socket = open(port)) {
            send(socket, request);
            return readResponse(socket);
        }
    }

    static Socket open(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        return socket;
    }

    static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /**
     * Reads one response, bounded by the socket's read timeout; a server that neither answers nor closes fails
     * the test.
     */
    static String readResponse(Socket socket) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        try {
            int contentLength = -1;
            int headEnd = -1;
            int b;
            while ((b = in.read()) >= 0) {
                out.write(b);
                if (headEnd < 0 && endsWithBlankLine(out)) {
                    headEnd = out.size();
                    contentLength = contentLength(out.toString(StandardCharsets.ISO_8859_1));
                }
                if (headEnd >= 0 && out.size() - headEnd >= Math.max(contentLength, 0)) {
                    break;
                }
            }
        } catch (SocketException e) {
            // reset by the server: what it sent before is still the answer
        } catch (SocketTimeoutException e) {
            throw new AssertionError("server neither answered nor closed within " + READ_TIMEOUT_MS + " ms: " + out);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Whether the server closed the connection, waiting at most the read timeout.
     */
    static boolean closedByServer(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /**
     * Everything the server sends up to the end of the stream, whatever the framing; fails the test when the
     * server neither closes nor sends anything more within the read timeout.
     */
    static String readToEndOfStream(Socket socket) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n = socket.getInputStream().read(buffer); n >= 0; n = socket.getInputStream().read(buffer)) {
                received.write(buffer, 0, n);
            }
        } catch (SocketException e) {
            // reset by the server after its answer: the answer still counts
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no end of stream within " + READ_TIMEOUT_MS + " ms after: "
                                             + received.toString(StandardCharsets.ISO_8859_1));
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Splits what a connection received into responses, each framed by its Content-Length (a chunked or
     * close-delimited body takes the rest).
     */
    static List<Response> responses(String received) {
        List<Response> responses = new ArrayList<>();
        String rest = received;
        while (!rest.isEmpty()) {
            int headEnd = rest.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                throw new AssertionError("incomplete response head: " + rest);
            }
            String[] lines = rest.substring(0, headEnd).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.merge(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                              lines[i].substring(colon + 1).strip(), (a, b) -> a + ", " + b);
            }
            String afterHead = rest.substring(headEnd + 4);
            String length = headers.get("content-length");
            int bodyLength = length == null ? afterHead.length() : Integer.parseInt(length);
            responses.add(new Response(lines[0], headers, afterHead.substring(0, bodyLength)));
            rest = afterHead.substring(bodyLength);
        }
        return responses;
    }

    /**
     * One response as received.
     *
     * @param statusLine for example {@code HTTP/1.1 200 OK}
     * @param headers    header values by lower-case name (repeated headers joined with ", ")
     * @param body       body as received
     */
    record Response(String statusLine, Map<String, String> headers, String body) {
        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    }

    static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    private static boolean endsWithBlankLine(ByteArrayOutputStream out) {
        byte[] bytes = out.toByteArray();
        int n = bytes.length;
        return n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n';
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring("content-length:".length()).strip());
            }
        }
        return 0;
    }
}
