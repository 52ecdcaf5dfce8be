package io.asmready.server;

import java.util.OptionalDouble;

/**
 * Reads one sample out of Prometheus text exposition.
 */
final class PrometheusText {
    private PrometheusText() {
    }

    /**
     * Value of the first sample named {@code name} whose labels contain {@code label}, e.g. {@code code="200"}.
     */
    static OptionalDouble sample(String text, String name, String label) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") && line.contains(label)) {
                String value = line.substring(line.lastIndexOf(' ') + 1);
                return OptionalDouble.of(Double.parseDouble(value));
            }
        }
        return OptionalDouble.empty();
    }
}
