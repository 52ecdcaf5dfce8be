#!/usr/bin/env python3
"""The original sample's helloserver, as a real peer for loadgen's tests and bench.

Python's http.server with BaseHTTPRequestHandler's defaults: it answers HTTP/1.0, sends no
Content-Length, and closes the connection after each answer, so the body ends where the
connection does (RFC 9112 6.3, item 8). Like the original, GET answers 200 "Hello World! <path>".

    python3 hello_http10.py PORT_FILE [LOG_FILE] [PORT]

Listens on 127.0.0.1, on PORT or else a free port, and writes the port to PORT_FILE once it accepts
connections.
Each answered request appends one line to LOG_FILE (default: none): the time it was answered (Unix
seconds), the request line, then the raw bytes of the request head, escaped (what the client sent,
for checks such as "no Content-Length on a GET").
"""
import http.server
import os
import sys
import threading
import time


class Tee:
    """The request stream, keeping a copy of every byte the handler reads from it."""

    def __init__(self, stream):
        self.stream = stream
        self.seen = bytearray()

    def readline(self, *limit):
        line = self.stream.readline(*limit)
        self.seen += line
        return line

    def read(self, *size):
        data = self.stream.read(*size)
        self.seen += data
        return data

    def __getattr__(self, name):
        return getattr(self.stream, name)


class Hello(http.server.BaseHTTPRequestHandler):
    # protocol_version stays at the default, "HTTP/1.0": one answer per connection.
    log_lock = threading.Lock()
    log = None

    def setup(self):
        super().setup()
        self.rfile = Tee(self.rfile)

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-type", "text/html")
        self.end_headers()
        self.wfile.write(("Hello World! " + self.path).encode("utf-8"))
        if Hello.log is not None:
            head = bytes(self.rfile.seen).decode("latin-1")
            line = "%.6f %s %r\n" % (time.time(), self.requestline, head)
            with Hello.log_lock:
                Hello.log.write(line)
                Hello.log.flush()

    def log_message(self, format, *args):
        pass  # the LOG_FILE above is the record; stderr stays quiet at thousands of requests a second


class Server(http.server.ThreadingHTTPServer):
    # The original used a plain HTTPServer (one request at a time, backlog 5); threads and a deeper
    # backlog let a test or the bench run at a few hundred requests a second without dropped SYNs.
    request_queue_size = 1024
    daemon_threads = True


def main():
    port_file = sys.argv[1]
    if len(sys.argv) > 2 and sys.argv[2]:
        Hello.log = open(sys.argv[2], "a", encoding="utf-8")
    server = Server(("127.0.0.1", int(sys.argv[3]) if len(sys.argv) > 3 else 0), Hello)
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, port_file)  # appears whole, only once the socket listens
    server.serve_forever()


if __name__ == "__main__":
    main()
