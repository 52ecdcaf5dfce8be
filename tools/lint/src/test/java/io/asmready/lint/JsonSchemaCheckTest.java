package io.asmready.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class JsonSchemaCheckTest {
    private static final String CONFIG = """
            apiVersion: skaffold/v4beta14
            kind: Config
            manifests:
              kustomize:
                paths: [clusters/dev]
            """;

    private static List<String> validate(String yaml) {
        JsonSchemaCheck check = JsonSchemaCheck.fromFile(Schemas.require("skaffold/v4beta14.json"), "preferredOrder");
        return check.validate(Yaml.readAll(yaml, "test").getFirst(), "skaffold.yaml");
    }

    @Test
    void acceptsAValidDocumentAndRejectsAMisspeltKey() {
        assertEquals(List.of(), validate(CONFIG));
        List<String> problems = validate(CONFIG.replace("kustomize:", "kustomise:"));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("skaffold.yaml: ") && p.contains("kustomise")),
                problems::toString);
    }
}
