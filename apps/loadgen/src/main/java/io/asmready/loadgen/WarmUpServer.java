package io.asmready.loadgen;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The server the {@link WarmUp} sends to: on loopback, inside this process, answering every GET the
 * way the servers a loadgen usually meets do (nginx, Helidon: 200 with Content-Length, kept alive), and
 * now and then in the rarer forms the loadgen must also read: chunked, and HTTP/1.0 without a length,
 * closing the connection. Those rarer answers matter to the JIT: a branch never taken while it
 * profiles is compiled as a trap, and the first target that takes it makes the whole inlined request
 * path deoptimise and recompile mid-run (a stall of hundreds of milliseconds on one core).
 * <p>
 * Cheap on purpose (a blocking read and one write per request, on a virtual thread per connection): the
 * CPU of the warm-up should go to the loadgen's own request path, the part that must get compiled.
 */
final class WarmUpServer implements AutoCloseable {
    // Every CHUNKED_EVERY-th answer chunked, every CLOSE_EVERY-th HTTP/1.0 closing the connection.
    static final int CHUNKED_EVERY = 32;
    static final int CLOSE_EVERY = 64;
    private static final byte[] USUAL = ascii("HTTP/1.1 200 OK\r\n"
            + "Server: loadgen-warm-up\r\n"
            + "Date: Thu, 01 Jan 2026 00:00:00 GMT\r\n"
            + "Content-Type: text/html\r\n"
            + "Content-Length: 14\r\n"
            + "Connection: keep-alive\r\n"
            + "\r\n"
            + "Hello World! /");
    private static final byte[] CHUNKED = ascii("HTTP/1.1 200 OK\r\n"
            + "Content-Type: text/plain\r\n"
            + "Transfer-Encoding: chunked\r\n"
            + "\r\n"
            + "e\r\nHello World! /\r\n0\r\n\r\n");
    private static final byte[] HTTP10_CLOSE = ascii("HTTP/1.0 200 OK\r\n"
            + "Server: loadgen-warm-up\r\n"
            + "Content-type: text/html\r\n"
            + "\r\n"
            + "Hello World! /");
    private static final int MAX_HEAD = 16 * 1024;
    private static final long CLOSE_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long CLOSE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final ServerSocket listener;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong answers = new AtomicLong();

    WarmUpServer() {
        try {
            listener = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().name("loadgen-warm-up-server").start(this::acceptAll);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/");
    }

    /** Answers sent so far. */
    long answers() {
        return answers.get();
    }

    /**
     * Stops accepting, lets each connection end by itself once the client has closed its end (up to
     * half a second), and closes what is left. Closing a socket while its reader is blocked takes a
     * path of the JDK's socket read that a run never takes; taken here for hundreds of connections at
     * once, it made the JIT throw away the compiled read path just before the run started.
     */
    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        long deadline = System.nanoTime() + CLOSE_GRACE_NANOS;
        while (!open.isEmpty() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(CLOSE_POLL_NANOS);
        }
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }

    private void acceptAll() {
        while (!listener.isClosed()) {
            Socket socket;
            try {
                socket = listener.accept();
                socket.setTcpNoDelay(true);
            } catch (IOException e) {
                return;
            }
            open.add(socket);
            Thread.ofVirtual().start(() -> serve(socket));
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[MAX_HEAD];
            int filled = 0;
            while (true) {
                int end = headEnd(buffer, filled);
                if (end < 0) {
                    if (filled == buffer.length) {
                        return;
                    }
                    int n = in.read(buffer, filled, buffer.length - filled);
                    if (n < 0) {
                        return;
                    }
                    filled += n;
                    continue;
                }
                // A GET has no body: what follows the head is the next request (never sent, but kept).
                System.arraycopy(buffer, end, buffer, 0, filled - end);
                filled -= end;
                long n = answers.incrementAndGet();
                if (n % CLOSE_EVERY == 0) {
                    out.write(HTTP10_CLOSE);
                    return;
                }
                out.write(n % CHUNKED_EVERY == 0 ? CHUNKED : USUAL);
            }
        } catch (IOException e) {
            // the client went away, or close(): nothing to do
        } finally {
            open.remove(socket);
        }
    }

    // Index just past the first CRLFCRLF in buffer[0, filled), or -1.
    private static int headEnd(byte[] buffer, int filled) {
        for (int i = 3; i < filled; i++) {
            if (buffer[i] == '\n' && buffer[i - 1] == '\r' && buffer[i - 2] == '\n' && buffer[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
