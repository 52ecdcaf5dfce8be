package io.asmready.loadgen;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A server on loopback written byte by byte, one behaviour per instance: what real outages and the
 * rarer legal forms of HTTP/1.x look like from a client. It records the raw bytes of every request head
 * it received, so a test can check what the client sent.
 */
public final class RawServer implements AutoCloseable {
    /** What the server does with each connection. */
    public enum Behaviour {
        /** Accepts and never answers (a hung server). */
        SILENT,
        /** Reads the request and closes the connection without a word (a crash mid-request). */
        HANG_UP,
        /** Reads the request and resets the connection. */
        RESET,
        /** Answers with something that is not HTTP. */
        GARBAGE,
        /** Answers every request on the connection with 200, keeping it alive. */
        KEEP_ALIVE,
        /** Answers one request with 200 and keep-alive, then closes the connection as if it had idled out. */
        ONE_AND_CLOSE,
        /** Answers each request with {@link #answering}'s bytes, keeping the connection for the next request. */
        SCRIPTED_KEEP_ALIVE,
        /** Answers one request with {@link #answering}'s bytes, then closes the connection. */
        SCRIPTED_CLOSE,
        /** Answers one request with {@link #answering}'s bytes, then neither reads nor closes (a client must not reuse it). */
        SCRIPTED_LEAVE_OPEN
    }

    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    private final Behaviour behaviour;
    private final byte[] answer;
    private final boolean byteByByte;
    private final ServerSocket socket;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public RawServer(Behaviour behaviour) {
        this(behaviour, OK, false);
    }

    private RawServer(Behaviour behaviour, String answer, boolean byteByByte) {
        this.behaviour = behaviour;
        this.answer = answer.getBytes(StandardCharsets.ISO_8859_1);
        this.byteByByte = byteByByte;
        try {
            socket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = Thread.ofPlatform().daemon(true).name("raw-server").start(this::acceptAll);
    }

    /**
     * A server that answers with exactly {@code answer} (ISO-8859-1), then does what {@code after} says.
     *
     * @param byteByByte write the answer one byte per TCP segment, so that every boundary a client's
     *                   parser can meet is met
     */
    public static RawServer answering(String answer, Behaviour after, boolean byteByByte) {
        if (after != Behaviour.SCRIPTED_KEEP_ALIVE && after != Behaviour.SCRIPTED_CLOSE
                && after != Behaviour.SCRIPTED_LEAVE_OPEN) {
            throw new IllegalArgumentException(after.name());
        }
        return new RawServer(after, answer, byteByByte);
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
    }

    /** Connections accepted so far. */
    public int connections() {
        return accepted.size();
    }

    /** The raw request heads received so far (request line and header fields, up to the empty line). */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private void acceptAll() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                connection.setTcpNoDelay(true);
                accepted.add(connection);
                Thread.ofVirtual().start(() -> serve(connection));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket connection) {
        try {
            if (behaviour == Behaviour.SILENT) {
                return;
            }
            InputStream in = new BufferedInputStream(connection.getInputStream());
            OutputStream out = connection.getOutputStream();
            switch (behaviour) {
            case KEEP_ALIVE, SCRIPTED_KEEP_ALIVE -> {
                while (readRequest(in)) {
                    write(out);
                }
            }
            case ONE_AND_CLOSE, SCRIPTED_CLOSE -> {
                if (readRequest(in)) {
                    write(out);
                }
                connection.close();
            }
            case SCRIPTED_LEAVE_OPEN -> {
                if (readRequest(in)) {
                    write(out);
                }
            }
            case HANG_UP -> {
                readRequest(in);
                connection.close();
            }
            case RESET -> {
                readRequest(in);
                connection.setSoLinger(true, 0);
                connection.close();
            }
            case GARBAGE -> {
                readRequest(in);
                out.write("garbage\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            default -> throw new IllegalStateException(behaviour.name());
            }
        } catch (IOException ignored) {
            // The client gave up first; nothing more to do on this connection.
        }
    }

    private void write(OutputStream out) throws IOException {
        if (byteByByte) {
            for (byte b : answer) {
                out.write(b);
                out.flush();
            }
        } else {
            out.write(answer);
            out.flush();
        }
    }

    // Requests here are GETs without a body: one ends at the empty line after its header fields.
    private boolean readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b = in.read(); b >= 0; b = in.read()) {
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                requests.add(head.toString(StandardCharsets.ISO_8859_1));
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws Exception {
        socket.close();
        acceptor.join();
        for (Socket s : accepted) {
            s.close();
        }
    }
}
