package io.asmready.loadgen.traffic;

import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataReader.IncorrectNewLineException;
import io.helidon.common.buffers.DataReader.InsufficientDataAvailableException;
import io.helidon.common.buffers.DataWriter;

/**
 * One {@code GET} and its answer on a connection of Helidon's WebClient ({@code TcpClientConnection}'s
 * writer and reader): the request as the original's Python client sends it, the answer read in every
 * form RFC 9112 allows for a response to a GET.
 * <p>
 * Why not Helidon's {@code Http1Client} for the exchange itself (4.5.0): it sends {@code Content-Length: 0}
 * on every GET (RFC 9110 8.6: a request without content should not), it fails a body that ends where
 * the connection ends (an HTTP/1.0 server's usual answer: its reader reports the end of the stream as an
 * error), and its status-line parser drops the HTTP version, so an HTTP/1.0 answer without keep-alive
 * cannot be told from a reusable HTTP/1.1 one. Against Python's {@code http.server}, the original
 * sample's server, every request failed.
 * <p>
 * The answer's length (RFC 9112 6.3), for a GET: none for 1xx, 204 and 304; chunked when chunked is the
 * final transfer coding; up to the end of the connection for any other transfer coding; else
 * Content-Length; else up to the end of the connection. Reusable (RFC 9112 9.3) when it is HTTP/1.1
 * without {@code Connection: close}, or HTTP/1.0 with {@code Connection: keep-alive}, and its length was
 * known from the message itself. Interim 1xx answers are skipped. The body is read to its end and
 * dropped; nothing of the answer is kept but its status.
 * <p>
 * Stateless apart from the request bytes: safe for any number of threads, each on its own connection.
 */
final class Http1Exchange {
    /** Status line and header fields together at most (Helidon's client: 16 KiB too). */
    static final int MAX_HEAD_BYTES = 16 * 1024;
    private static final int MAX_CHUNK_LINE = 1024;
    private static final int MAX_INTERIM_ANSWERS = 16;
    private static final byte[] CONTENT_LENGTH = "content-length".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRANSFER_ENCODING = "transfer-encoding".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION = "connection".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "chunked".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "close".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = "keep-alive".getBytes(StandardCharsets.US_ASCII);

    private final byte[] request;

    /** @param target the URL to GET; its path and query are sent, never its fragment or user info */
    Http1Exchange(URI target) {
        this.request = request(target);
    }

    /** The status of an answer read to its end, and whether its connection may carry the next request. */
    record Answer(int status, boolean reusable) {
    }

    /** The request's bytes, exactly as written. */
    byte[] request() {
        return request.clone();
    }

    /**
     * Sends the GET and reads the answer to its end.
     *
     * @throws ExchangeFailure when the answer is incomplete or not HTTP/1.x; {@link UncheckedIOException}
     *                         when the socket fails (reset, closed by the caller's watchdog, ...)
     */
    Answer exchange(DataWriter writer, DataReader reader) {
        try {
            writer.writeNow(BufferData.create(request));
            reader.ensureAvailable(); // the answer's first byte
        } catch (InsufficientDataAvailableException e) {
            throw new ExchangeFailure(FailureReason.CONNECTION_CLOSED, true);
        } catch (UncheckedIOException e) {
            throw new ExchangeFailure(FailureReason.of(e), true);
        }
        try {
            return readAnswer(reader);
        } catch (IncorrectNewLineException e) {
            throw ExchangeFailure.malformed("line not ended by CRLF");
        }
    }

    private static Answer readAnswer(DataReader reader) {
        Head head = new Head();
        for (int interim = 0; ; interim++) {
            try {
                head.read(reader);
            } catch (InsufficientDataAvailableException e) {
                throw new ExchangeFailure(FailureReason.CUT_IN_HEADERS, false);
            }
            // 1xx other than 101 are interim: the final answer follows on the same connection.
            if (head.status >= 200 || head.status == 101) {
                break;
            }
            if (interim == MAX_INTERIM_ANSWERS) {
                throw ExchangeFailure.malformed("more than " + MAX_INTERIM_ANSWERS + " interim 1xx answers");
            }
        }
        boolean persistent = !head.close && (head.minor >= 1 || head.keepAlive);
        if (head.status < 200 || head.status == 204 || head.status == 304) {
            // A 101 switched the connection to a protocol that was never asked for: not reusable.
            return new Answer(head.status, persistent && head.status != 101 && reader.available() == 0);
        }
        if (head.transferEncoding) {
            if (!head.chunked) {
                readToClose(reader);
                return new Answer(head.status, false);
            }
            try {
                readChunked(reader);
            } catch (InsufficientDataAvailableException e) {
                throw new ExchangeFailure(FailureReason.CUT_IN_CHUNKED_BODY, false);
            }
            // With a Content-Length as well, or in HTTP/1.0 (which has no transfer codings), the framing
            // is faulty: read as chunked, then the connection is closed (RFC 9112 6.1, 6.3).
            boolean faulty = head.contentLength >= 0 || head.minor == 0;
            return new Answer(head.status, persistent && !faulty && reader.available() == 0);
        }
        if (head.contentLength >= 0) {
            try {
                skip(reader, head.contentLength);
            } catch (InsufficientDataAvailableException e) {
                throw new ExchangeFailure(FailureReason.CUT_IN_LENGTH_BODY, false);
            }
            // Bytes beyond the answer mean the server and this client disagree on where it ended.
            return new Answer(head.status, persistent && reader.available() == 0);
        }
        readToClose(reader);
        return new Answer(head.status, false);
    }

    // A body without a length ends where the connection does; the end of the stream is its normal end.
    private static void readToClose(DataReader reader) {
        while (true) {
            try {
                reader.ensureAvailable();
            } catch (InsufficientDataAvailableException e) {
                return;
            }
            reader.skip(reader.available());
        }
    }

    private static void skip(DataReader reader, long length) {
        long left = length;
        while (left > 0) {
            reader.ensureAvailable();
            int n = (int) Math.min(reader.available(), left);
            reader.skip(n);
            left -= n;
        }
    }

    private static void readChunked(DataReader reader) {
        while (true) {
            int eol = reader.findNewLine(MAX_CHUNK_LINE);
            if (eol == MAX_CHUNK_LINE) {
                throw ExchangeFailure.malformed("chunk size line too long");
            }
            long size = chunkSize(reader.readBytes(eol));
            reader.skip(2);
            if (size == 0) {
                // The last chunk; then trailer fields up to an empty line, read and ignored.
                skipFieldLines(reader, MAX_HEAD_BYTES);
                return;
            }
            skip(reader, size);
            if (!reader.startsWithNewLine()) {
                throw ExchangeFailure.malformed("chunk data not followed by CRLF");
            }
            reader.skip(2);
        }
    }

    // chunk-size [ BWS ; chunk-ext ]: hexadecimal, at most 15 digits (fits a long, and far beyond any
    // real chunk).
    private static long chunkSize(byte[] line) {
        long size = 0;
        int i = 0;
        for (; i < line.length; i++) {
            int digit = Character.digit(line[i], 16);
            if (digit < 0) {
                break;
            }
            if (i == 15) {
                throw ExchangeFailure.malformed("chunk size too large");
            }
            size = size * 16 + digit;
        }
        if (i == 0) {
            throw ExchangeFailure.malformed("invalid chunk size");
        }
        for (; i < line.length; i++) {
            if (line[i] == ';') {
                break;
            }
            if (line[i] != ' ' && line[i] != '\t') {
                throw ExchangeFailure.malformed("invalid chunk size");
            }
        }
        return size;
    }

    private static void skipFieldLines(DataReader reader, int budget) {
        while (true) {
            int eol = reader.findNewLine(budget);
            if (eol >= budget) {
                throw ExchangeFailure.malformed("trailer fields larger than " + MAX_HEAD_BYTES / 1024 + " KiB");
            }
            reader.skip(eol + 2);
            if (eol == 0) {
                return;
            }
            budget -= eol + 2;
        }
    }

    private static byte[] request(URI target) {
        URI ascii = URI.create(target.toASCIIString());
        String path = ascii.getRawPath() == null || ascii.getRawPath().isEmpty() ? "/" : ascii.getRawPath();
        String query = ascii.getRawQuery() == null ? "" : "?" + ascii.getRawQuery();
        // The port only when the URL names one, as curl and Python's requests do (RFC 9110 7.2).
        String host = ascii.getHost() + (ascii.getPort() == -1 ? "" : ":" + ascii.getPort());
        // No Content-Length: a GET has no content (RFC 9110 8.6), and the original's client sends none.
        return ("GET " + path + query + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "User-Agent: asm-ready-loadgen\r\n"
                + "Accept: */*\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The parts of an answer's head that decide its length and the connection's fate. */
    private static final class Head {
        int minor;
        int status;
        long contentLength;
        boolean transferEncoding;
        boolean chunked;
        boolean close;
        boolean keepAlive;
        // The field a folded continuation line (obs-fold) belongs to.
        private byte[] lastField;

        void read(DataReader reader) {
            contentLength = -1;
            transferEncoding = chunked = close = keepAlive = false;
            lastField = null;
            int budget = MAX_HEAD_BYTES;
            int eol = reader.findNewLine(budget);
            if (eol == budget) {
                throw ExchangeFailure.malformed("no HTTP status line");
            }
            statusLine(reader.readBytes(eol));
            reader.skip(2);
            budget -= eol + 2;
            while (true) {
                if (budget <= 0) {
                    throw tooLarge();
                }
                eol = reader.findNewLine(budget);
                if (eol >= budget) {
                    throw tooLarge();
                }
                if (eol == 0) {
                    reader.skip(2);
                    return;
                }
                field(reader.readBytes(eol));
                reader.skip(2);
                budget -= eol + 2;
            }
        }

        private static ExchangeFailure tooLarge() {
            return ExchangeFailure.malformed("headers larger than " + MAX_HEAD_BYTES / 1024 + " KiB");
        }

        // HTTP/1.x SP 3DIGIT [ SP reason-phrase ]; a missing reason phrase with its space is accepted.
        private void statusLine(byte[] line) {
            if (line.length < 12 || line[0] != 'H' || line[1] != 'T' || line[2] != 'T' || line[3] != 'P'
                    || line[4] != '/' || !digit(line[5]) || line[6] != '.' || !digit(line[7]) || line[8] != ' ') {
                throw ExchangeFailure.malformed("no HTTP status line");
            }
            if (line[5] != '1') {
                throw ExchangeFailure.malformed("HTTP version other than 1.x");
            }
            if (!digit(line[9]) || !digit(line[10]) || !digit(line[11]) || line[9] == '0'
                    || line.length > 12 && line[12] != ' ') {
                throw ExchangeFailure.malformed("invalid status code");
            }
            minor = line[7] - '0';
            status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
        }

        private void field(byte[] line) {
            if (line[0] == ' ' || line[0] == '\t') {
                // obs-fold: the line continues the previous field's value (RFC 9112 5.2).
                if (lastField == null) {
                    throw ExchangeFailure.malformed("invalid header line");
                }
                value(lastField, line, 0);
                return;
            }
            int colon = indexOf(line, (byte) ':');
            int nameEnd = colon;
            while (nameEnd > 0 && (line[nameEnd - 1] == ' ' || line[nameEnd - 1] == '\t')) {
                nameEnd--;
            }
            if (nameEnd <= 0) {
                throw ExchangeFailure.malformed("invalid header line");
            }
            if (named(line, nameEnd, CONTENT_LENGTH)) {
                lastField = CONTENT_LENGTH;
            } else if (named(line, nameEnd, TRANSFER_ENCODING)) {
                lastField = TRANSFER_ENCODING;
            } else if (named(line, nameEnd, CONNECTION)) {
                lastField = CONNECTION;
            } else {
                lastField = line; // any other field: its continuation lines are ignored with it
                return;
            }
            value(lastField, line, colon + 1);
        }

        // Each comma-separated element of a field's value, without the whitespace around it.
        private void value(byte[] field, byte[] line, int from) {
            if (field != CONTENT_LENGTH && field != TRANSFER_ENCODING && field != CONNECTION) {
                return;
            }
            int start = from;
            for (int i = from; i <= line.length; i++) {
                if (i == line.length || line[i] == ',') {
                    int s = start;
                    int e = i;
                    while (s < e && (line[s] == ' ' || line[s] == '\t')) {
                        s++;
                    }
                    while (e > s && (line[e - 1] == ' ' || line[e - 1] == '\t')) {
                        e--;
                    }
                    element(field, line, s, e);
                    start = i + 1;
                }
            }
        }

        private void element(byte[] field, byte[] line, int from, int to) {
            if (field == CONTENT_LENGTH) {
                // 1*DIGIT; repeated values (in one field or several) must all agree (RFC 9110 8.6).
                if (to == from || to - from > 18) {
                    throw ExchangeFailure.malformed("invalid Content-Length");
                }
                long length = 0;
                for (int i = from; i < to; i++) {
                    if (!digit(line[i])) {
                        throw ExchangeFailure.malformed("invalid Content-Length");
                    }
                    length = length * 10 + (line[i] - '0');
                }
                if (contentLength >= 0 && contentLength != length) {
                    throw ExchangeFailure.malformed("invalid Content-Length");
                }
                contentLength = length;
            } else if (to > from) {
                if (field == TRANSFER_ENCODING) {
                    // Only the final coding matters for the length; its parameters do not.
                    int end = from;
                    while (end < to && line[end] != ';' && line[end] != ' ' && line[end] != '\t') {
                        end++;
                    }
                    transferEncoding = true;
                    chunked = token(line, from, end, CHUNKED);
                } else if (token(line, from, to, CLOSE)) {
                    close = true;
                } else if (token(line, from, to, KEEP_ALIVE)) {
                    keepAlive = true;
                }
            }
        }

        private static boolean named(byte[] line, int nameEnd, byte[] lowerName) {
            return token(line, 0, nameEnd, lowerName);
        }

        private static boolean token(byte[] line, int from, int to, byte[] lower) {
            if (to - from != lower.length) {
                return false;
            }
            for (int i = 0; i < lower.length; i++) {
                int b = line[from + i];
                if ((b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b) != lower[i]) {
                    return false;
                }
            }
            return true;
        }

        private static int indexOf(byte[] line, byte b) {
            for (int i = 0; i < line.length; i++) {
                if (line[i] == b) {
                    return i;
                }
            }
            return -1;
        }

        private static boolean digit(byte b) {
            return b >= '0' && b <= '9';
        }
    }
}
