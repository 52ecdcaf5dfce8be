package io.asmready.server.logging;

/**
 * Just enough JSON writing for log lines: strings escaped per RFC 8259, every character outside printable ASCII
 * as {@code \\uXXXX}.
 */
public final class Json {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    /**
     * Appends {@code ,"name":"value"}; nothing for a null value.
     *
     * @param json  object being written
     * @param name  field name (plain ASCII, not escaped)
     * @param value field value
     */
    public static void field(StringBuilder json, String name, String value) {
        if (value != null) {
            json.append(",\"").append(name).append("\":");
            string(json, value);
        }
    }

    /**
     * Appends {@code ,"name":value} for a number.
     *
     * @param json  object being written
     * @param name  field name (plain ASCII, not escaped)
     * @param value field value
     */
    public static void field(StringBuilder json, String name, long value) {
        json.append(",\"").append(name).append("\":").append(value);
    }

    /**
     * Appends a JSON string.
     *
     * @param json  where to
     * @param value the string
     */
    public static void string(StringBuilder json, String value) {
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
