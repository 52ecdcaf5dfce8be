package io.asmready.server.logging;

/**
 * A log record that carries structured fields for {@link JsonFormatter}, beside its one-line text for
 * {@link LineFormatter} ({@link java.util.logging.LogRecord#getMessage()}).
 */
public interface JsonLogRecord {
    /**
     * The {@code message} field in JSON: a short summary, the details being in the fields.
     *
     * @return message
     */
    String jsonMessage();

    /**
     * Appends this record's own fields, each as {@code ,"name":value} (see {@link Json#field}).
     *
     * @param json the object being written, after its last field
     */
    void appendJsonFields(StringBuilder json);
}
