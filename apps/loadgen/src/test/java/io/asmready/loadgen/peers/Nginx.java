package io.asmready.loadgen.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.asmready.loadgen.Await;
import io.asmready.loadgen.FreePort;

/**
 * nginx on a free loopback port, started as tools/drills does ({@code nginx -p DIR -c CONF -e LOG -g
 * 'daemon off;'}), logging one line per request with what the client sent and how the connection was
 * used. Needs {@code nginx} ({@code apt-get install nginx-light}).
 */
public final class Nginx implements AutoCloseable {
    /**
     * The access log's fields, space-separated: time, connection serial number, requests on that
     * connection so far, the request's Content-Length and Transfer-Encoding headers ("-" when absent),
     * the status, the answer's Transfer-Encoding, the request line.
     */
    static final String LOG_FORMAT = "'$msec $connection $connection_requests \"$http_content_length\" "
            + "\"$http_transfer_encoding\" $status \"$sent_http_transfer_encoding\" \"$request\"'";

    private final Process process;
    private final Path dir;
    private final int port;

    private Nginx(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /**
     * @param keepAlive   whether clients may keep connections ({@code keepalive_timeout 0} makes nginx
     *                    answer {@code Connection: close} and close after each answer)
     * @param location    the body of {@code location /}, e.g. {@code return 200 "Hello World! /";}
     */
    public static Nginx start(boolean keepAlive, String location) throws IOException {
        Path dir = Files.createTempDirectory("loadgen-nginx-peer");
        // nginx's workers run as another user when it is started as root: they must reach their files.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (int attempt = 1; ; attempt++) {
            int port = FreePort.pick();
            Files.writeString(dir.resolve("nginx.conf"), """
                    worker_processes 1;
                    pid %1$s/nginx.pid;
                    error_log %1$s/error.log warn;
                    events { worker_connections 1024; }
                    http {
                      log_format peer %2$s;
                      access_log %1$s/access.log peer;
                      client_body_temp_path %1$s/tmp-body;
                      proxy_temp_path %1$s/tmp-proxy;
                      fastcgi_temp_path %1$s/tmp-fastcgi;
                      uwsgi_temp_path %1$s/tmp-uwsgi;
                      scgi_temp_path %1$s/tmp-scgi;
                      keepalive_timeout %3$s;
                      keepalive_requests 100000;
                      server {
                        listen 127.0.0.1:%4$d;
                        location / { %5$s }
                      }
                    }
                    """.formatted(dir, LOG_FORMAT, keepAlive ? "75s" : "0", port, location));
            Process process;
            try {
                process = new ProcessBuilder("nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                                             "-e", dir.resolve("error.log").toString(), "-g", "daemon off;")
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("output.txt").toFile())
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException("nginx is needed for this test (apt-get install nginx-light): "
                                                        + e.getMessage());
            }
            Await.until("nginx listening on " + port, () -> listening(port) || !process.isAlive(), () -> errors(dir));
            if (process.isAlive()) {
                return new Nginx(process, dir, port);
            }
            // Most likely the port was taken between picking and binding it: once more, elsewhere.
            if (attempt == 3) {
                throw new IllegalStateException("nginx did not start: " + errors(dir));
            }
        }
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The access log, one {@link #LOG_FORMAT} line per request nginx has finished. */
    public List<String> requests() {
        try {
            Path log = dir.resolve("access.log");
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy(); // SIGTERM: nginx's fast shutdown
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static boolean listening(int port) {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String errors(Path dir) {
        try {
            StringBuilder text = new StringBuilder();
            for (String name : List.of("output.txt", "error.log")) {
                Path file = dir.resolve(name);
                if (Files.exists(file)) {
                    text.append(Files.readString(file));
                }
            }
            return text.toString();
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
