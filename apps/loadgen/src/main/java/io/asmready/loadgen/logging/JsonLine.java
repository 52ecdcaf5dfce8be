package io.asmready.loadgen.logging;

import java.time.Instant;
import java.util.Map;

/**
 * One JSON object on one line, written field by field: just enough JSON for log lines. Strings are escaped per
 * RFC 8259 and every character outside printable ASCII is written as {@code \\uXXXX}, so no console encoding can
 * garble a line and no text (a URL, a server's status, an exception message) can break one.
 */
public final class JsonLine {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder json = new StringBuilder(192);
    private boolean empty = true;

    /**
     * A line with Cloud Logging's three fields first: {@code time} (RFC 3339, UTC), {@code severity} and
     * {@code message}.
     *
     * @param time     when
     * @param severity Cloud Logging severity
     * @param message  the text a person reads
     */
    public JsonLine(Instant time, Severity severity, String message) {
        json.append('{');
        add("time", time.toString());
        add("severity", severity.name());
        add("message", message);
    }

    /**
     * Adds a string field; nothing for a null value.
     *
     * @param name  field name
     * @param value field value
     * @return this line
     */
    public JsonLine add(String name, String value) {
        if (value != null) {
            name(name);
            string(value);
        }
        return this;
    }

    /**
     * Adds a whole number.
     *
     * @param name  field name
     * @param value field value
     * @return this line
     */
    public JsonLine add(String name, long value) {
        name(name);
        json.append(value);
        return this;
    }

    /**
     * Adds a number; {@code null} for one that JSON cannot write (NaN, infinite).
     *
     * @param name  field name
     * @param value field value
     * @return this line
     */
    public JsonLine add(String name, double value) {
        name(name);
        if (Double.isFinite(value)) {
            json.append(value);
        } else {
            json.append("null");
        }
        return this;
    }

    /**
     * Adds an object of numbers: {@code "name":{"key":1,...}}, in the map's order.
     *
     * @param name   field name
     * @param values the object's fields
     * @return this line
     */
    public JsonLine add(String name, Map<String, ? extends Number> values) {
        name(name);
        json.append('{');
        boolean first = true;
        for (Map.Entry<String, ? extends Number> value : values.entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            string(value.getKey());
            json.append(':');
            Number number = value.getValue();
            if (number instanceof Double || number instanceof Float) {
                double d = number.doubleValue();
                json.append(Double.isFinite(d) ? String.valueOf(d) : "null");
            } else {
                json.append(number.longValue());
            }
        }
        json.append('}');
        return this;
    }

    /**
     * The object, without a line end.
     *
     * @return JSON text
     */
    @Override
    public String toString() {
        return json + "}";
    }

    private void name(String name) {
        if (!empty) {
            json.append(',');
        }
        empty = false;
        string(name);
        json.append(':');
    }

    private void string(String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
            case '"' -> json.append("\\\"");
            case '\\' -> json.append("\\\\");
            case '\n' -> json.append("\\n");
            case '\r' -> json.append("\\r");
            case '\t' -> json.append("\\t");
            default -> {
                if (c < 0x20 || c >= 0x7f) {
                    json.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                            .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                } else {
                    json.append(c);
                }
            }
            }
        }
        json.append('"');
    }
}
