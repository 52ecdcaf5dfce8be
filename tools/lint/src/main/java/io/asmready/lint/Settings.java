package io.asmready.lint;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared settings of the root POM ({@code asmready.*}, {@code image.user}), which surefire passes to every test as
 * system properties. Checks compare YAML against these, never against literals, so a change in the
 * POM is tested for agreement everywhere at once.
 */
public final class Settings {
    private Settings() {
    }

    /** A shared setting, e.g. {@code Settings.get("asmready.http.port")}. */
    public static String get(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new LintException("system property " + name + " is not set; run the checks through Maven "
                    + "(tools/mvn -pl tools/lint -am verify), which passes the root POM's asmready.* properties");
        }
        return value;
    }

    public static int getInt(String name) {
        String value = get(name);
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new LintException("system property " + name + "=" + value + " is not an integer");
        }
    }

    /** The repository root ({@code asmready.root}), checked to be one. */
    public static Path root() {
        Path root = Path.of(get("asmready.root")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("pom.xml"))) {
            throw new LintException("asmready.root=" + root + " is not the repository root (no pom.xml there)");
        }
        return root;
    }

    /** A path inside the repository, e.g. {@code Settings.path("clusters/dev")}. */
    public static Path path(String relative) {
        return root().resolve(relative);
    }
}
