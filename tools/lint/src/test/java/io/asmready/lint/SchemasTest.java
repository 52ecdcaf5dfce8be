package io.asmready.lint;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing schema skips a test on a developer's machine and fails it under CI=true. */
class SchemasTest {
    private static final String NAME = "istio/customresourcedefinitions.gen.yaml";
    private static final Path PINS = Settings.path(SchemaStore.PINS);

    @Test
    void aMissingSchemaFailsUnderCi(@TempDir Path empty) {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Schemas.require(new SchemaStore(PINS, empty, empty, "http://127.0.0.1:9", true), NAME));
        assertTrue(e.getMessage().startsWith("CI=true and a pinned schema is missing"), e.getMessage());
    }

    @Test
    void aMissingSchemaSkipsElsewhere(@TempDir Path empty) {
        assertThrows(TestAbortedException.class,
                () -> Schemas.require(new SchemaStore(PINS, empty, empty, "http://127.0.0.1:9", false), NAME));
    }
}
