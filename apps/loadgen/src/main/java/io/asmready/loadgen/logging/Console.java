package io.asmready.loadgen.logging;

import java.io.PrintStream;
import java.time.InstantSource;
import java.util.Map;

/**
 * Where the loadgen's own lines go (its report on stdout, notices and errors on stderr), in the configured
 * {@link LogFormat}. In text a line is its message alone, exactly as before JSON existed; in JSON it is one object
 * with {@code time}, {@code severity}, {@code message} (the same text) and the fields the caller adds.
 * <pre>
 * console.line(Severity.INFO, "5 request(s) complete to http://hellosvc:80/").add("completed", 5).print();
 * </pre>
 */
public final class Console {
    private final PrintStream out;
    private final LogFormat format;
    private final InstantSource clock;

    /**
     * @param out    where lines go
     * @param format text or JSON
     * @param clock  the time a JSON line carries
     */
    public Console(PrintStream out, LogFormat format, InstantSource clock) {
        this.out = out;
        this.format = format;
        this.clock = clock;
    }

    /**
     * Plain lines on a stream.
     *
     * @param out where lines go
     * @return console in {@link LogFormat#TEXT}
     */
    public static Console text(PrintStream out) {
        return new Console(out, LogFormat.TEXT, InstantSource.system());
    }

    /**
     * Prints a line with no fields of its own.
     *
     * @param severity how serious
     * @param message  the text
     */
    public void print(Severity severity, String message) {
        line(severity, message).print();
    }

    /**
     * A line to fill with fields, then {@link Line#print()}.
     *
     * @param severity how serious
     * @param message  the text, the whole line in text format
     * @return the line
     */
    public Line line(Severity severity, String message) {
        return new Line(format == LogFormat.JSON ? new JsonLine(clock.instant(), severity, message) : null, message);
    }

    /** Flushes the stream. */
    public void flush() {
        out.flush();
    }

    /** One line being written; its fields only show in JSON. */
    public final class Line {
        private final JsonLine json;
        private final String message;

        private Line(JsonLine json, String message) {
            this.json = json;
            this.message = message;
        }

        /**
         * @param name  field name
         * @param value field value; a null one is left out
         * @return this line
         */
        public Line add(String name, String value) {
            if (json != null) {
                json.add(name, value);
            }
            return this;
        }

        /**
         * @param name  field name
         * @param value field value
         * @return this line
         */
        public Line add(String name, long value) {
            if (json != null) {
                json.add(name, value);
            }
            return this;
        }

        /**
         * @param name  field name
         * @param value field value
         * @return this line
         */
        public Line add(String name, double value) {
            if (json != null) {
                json.add(name, value);
            }
            return this;
        }

        /**
         * @param name   field name
         * @param values an object of numbers
         * @return this line
         */
        public Line add(String name, Map<String, ? extends Number> values) {
            if (json != null) {
                json.add(name, values);
            }
            return this;
        }

        /** Writes the line (one {@code println}, so lines from several threads never mix). */
        public void print() {
            out.println(json != null ? json.toString() : message);
        }
    }
}
