package io.asmready.lint;

import java.nio.file.Path;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Test-side access to the pinned schemas: a schema that cannot be had skips the test with one line on
 * a developer's machine, and fails it under {@code CI=true} (a missing schema is never a pass on CI).
 */
public final class Schemas {
    private static final SchemaStore STORE = SchemaStore.fromEnvironment();

    private Schemas() {
    }

    /** The local path of a pinned schema, e.g. {@code Schemas.require("skaffold/v4beta14.json")}. */
    public static Path require(String name) {
        return require(STORE, name);
    }

    static Path require(SchemaStore store, String name) {
        try {
            return store.path(name);
        } catch (SchemaUnavailableException e) {
            if (store.ci()) {
                return Assertions.fail("CI=true and a pinned schema is missing: " + e.getMessage());
            }
            Assumptions.abort("skipped, schema unavailable: " + e.getMessage());
            return null;
        }
    }
}
