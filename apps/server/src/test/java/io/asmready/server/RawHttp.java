package io.asmready.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Raw HTTP/1.1 over a socket, for requests a well-behaved client library refuses to send.
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
