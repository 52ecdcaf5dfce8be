package io.asmready.server.http1;

import java.util.function.Supplier;

import io.helidon.common.buffers.DataReader;

/**
 * The reader Helidon's HTTP/1.1 connection reads a request from, over the socket's own reader, with one change:
 * a request line that ends in {@code HTTP/1.0} reaches Helidon as {@code HTTP/1.1}, and the real version is kept
 * here for {@link PersistenceFilter} to apply HTTP/1.0's rules to the answer.
 * <p>
 * Helidon 4.5's request-line parser (Http1Prologue) answers 505 to every HTTP/1.0 request and cannot be replaced.
 * It takes the request line with one {@link #readBytes(int)} call, the first one after the previous request's
 * header section (or at the start of the connection); {@link #expectRequestLine()} marks that point, called from
 * a connection listener once a request's headers have been read. A request body is never read with
 * {@code readBytes}, so the call after the mark is the next request line. Anything else (HTTP/2.0, HTTP/3.1,
 * garbage) passes unchanged and Helidon refuses it as before.
 */
final class VersionReader extends DataReader {
    private static final byte[] HTTP_1_0 = {' ', 'H', 'T', 'T', 'P', '/', '1', '.', '0'};

    // Touched only by the thread that serves the connection.
    private boolean requestLineNext = true;
    private boolean http10;

    /**
     * Creates a reader that takes its bytes from the socket's reader.
     *
     * @param socket the connection's own reader
     */
    @SuppressWarnings("removal") // the only way to extend DataReader; its removal would fail the build, not a request
    VersionReader(DataReader socket) {
        super(new Pull(socket));
    }

    /**
     * The next {@link #readBytes(int)} call reads a request line.
     */
    void expectRequestLine() {
        requestLineNext = true;
    }

    /**
     * Whether the request being served came as HTTP/1.0.
     *
     * @return true for an HTTP/1.0 request
     */
    boolean http10() {
        return http10;
    }

    @Override
    public byte[] readBytes(int len) {
        byte[] bytes = super.readBytes(len);
        if (requestLineNext) {
            requestLineNext = false;
            http10 = endsWithHttp10(bytes);
            if (http10) {
                bytes[bytes.length - 1] = '1'; // a fresh copy: the change stays in what Helidon parses
            }
        }
        return bytes;
    }

    private static boolean endsWithHttp10(byte[] line) {
        int start = line.length - HTTP_1_0.length;
        if (start < 0) {
            return false;
        }
        for (int i = 0; i < HTTP_1_0.length; i++) {
            if (line[start + i] != HTTP_1_0[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Everything the socket's reader has, one pull at a time; null at the end of the stream, as DataReader expects.
     */
    private record Pull(DataReader socket) implements Supplier<byte[]> {
        @Override
        public byte[] get() {
            try {
                socket.ensureAvailable();
            } catch (InsufficientDataAvailableException e) {
                return null;
            }
            return socket.readBytes(socket.available());
        }
    }
}
