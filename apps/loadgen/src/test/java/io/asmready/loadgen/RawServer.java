package io.asmready.loadgen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A misbehaving server on loopback, one behaviour per instance: what real outages look like from a client. */
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
        ONE_AND_CLOSE
    }

    private final Behaviour behaviour;
    private final ServerSocket socket;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public RawServer(Behaviour behaviour) {
        this.behaviour = behaviour;
        try {
            socket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = Thread.ofPlatform().daemon(true).name("raw-server").start(this::acceptAll);
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
    }

    /** Connections accepted so far. */
    public int connections() {
        return accepted.size();
    }

    private void acceptAll() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                accepted.add(connection);
                Thread.ofVirtual().start(() -> misbehave(connection));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void misbehave(Socket connection) {
        try {
            if (behaviour == Behaviour.SILENT) {
                return;
            }
            if (behaviour == Behaviour.KEEP_ALIVE || behaviour == Behaviour.ONE_AND_CLOSE) {
                answerOk(connection);
                return;
            }
            connection.getInputStream().read(new byte[4096]);
            switch (behaviour) {
            case HANG_UP -> connection.close();
            case RESET -> {
                connection.setSoLinger(true, 0);
                connection.close();
            }
            case GARBAGE -> {
                connection.getOutputStream().write("garbage\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                connection.getOutputStream().flush();
            }
            default -> throw new IllegalStateException(behaviour.name());
            }
        } catch (IOException ignored) {
            // The client gave up first; nothing to misbehave on.
        }
    }

    private void answerOk(Socket connection) throws IOException {
        var in = connection.getInputStream();
        var out = connection.getOutputStream();
        int matched = 0;
        // Requests here are GETs without a body: one ends at the blank line after its headers.
        for (int b = in.read(); b >= 0; b = in.read()) {
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                matched = 0;
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (behaviour == Behaviour.ONE_AND_CLOSE) {
                    connection.close();
                    return;
                }
            }
        }
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
