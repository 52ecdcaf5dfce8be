package io.asmready.lint.skaffold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.asmready.lint.JsonSchemaCheck;
import io.asmready.lint.Schemas;
import io.asmready.lint.Settings;
import io.asmready.lint.Yaml;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** skaffold.yaml against Skaffold's own published JSON schema for its apiVersion (pinned, v4beta14). */
class SkaffoldSchemaTest {
    private static JsonSchemaCheck schema;
    private static JsonNode skaffold;

    @BeforeAll
    static void load() {
        skaffold = Yaml.readOne(Settings.path("skaffold.yaml"));
        schema = JsonSchemaCheck.fromFile(Schemas.require("skaffold/v4beta14.json"), "preferredOrder");
    }

    @Test
    void skaffoldYamlIsValidV4beta14() {
        assertEquals("skaffold/v4beta14", skaffold.path("apiVersion").asString(""),
                "skaffold.yaml's apiVersion must be the schema it is validated against");
        assertEquals(List.of(), schema.validate(skaffold, "skaffold.yaml"));
    }

    /** Copies of the real file with one key misspelt, at each level a user edits. */
    @ParameterizedTest(name = "{1} misspelt as {2} under ''{0}''")
    @CsvSource({
            "'', portForward, portForwards",
            "/build/artifacts/0/jib, project, projct",
            "/build/artifacts/1, jib, jibMaven",
            "/manifests/kustomize, paths, path",
            "/deploy/kubectl, defaultNamespace, namespace",
            "/profiles/0/build/local, push, pushImages"
    })
    void aMisspeltKeyIsRejected(String parent, String key, String misspelt) {
        JsonNode broken = skaffold.deepCopy();
        ObjectNode node = (ObjectNode) broken.at(parent);
        assertTrue(node.has(key), "skaffold.yaml has no '" + key + "' under '" + parent + "' to misspell");
        node.set(misspelt, node.remove(key));

        List<String> problems = schema.validate(broken, "skaffold.yaml");
        assertTrue(problems.stream().anyMatch(p -> p.contains(misspelt)),
                "expected a problem naming '" + misspelt + "', got " + problems);
    }
}
