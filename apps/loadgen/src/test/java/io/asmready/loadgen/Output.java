package io.asmready.loadgen;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Captures what the loadgen prints, line by line. */
public final class Output {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private int taken;

    public PrintStream stream() {
        return stream;
    }

    /** Every line printed so far. */
    public synchronized List<String> lines() {
        String text = bytes.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    /** Lines printed since the previous call. */
    public synchronized List<String> newLines() {
        List<String> all = lines();
        List<String> fresh = all.subList(taken, all.size());
        taken = all.size();
        return List.copyOf(fresh);
    }
}
