package io.asmready.lint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import com.networknt.schema.path.PathType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Validates a document against a plain JSON Schema file (draft-07, e.g. Skaffold's published
 * {@code v4beta14.json}) with networknt json-schema-validator 3.x.
 *
 * <pre>{@code
 * JsonSchemaCheck skaffold = JsonSchemaCheck.fromFile(store.path("skaffold/v4beta14.json"), "preferredOrder");
 * List<String> problems = skaffold.validate(Yaml.readOne(root.resolve("skaffold.yaml")), "skaffold.yaml");
 * }</pre>
 */
public final class JsonSchemaCheck {
    private final Schema schema;

    private JsonSchemaCheck(Schema schema) {
        this.schema = schema;
    }

    /**
     * @param schemaFile  a JSON (or YAML) schema; its internal {@code $ref}s resolve within the file
     * @param annotations extra keywords that only annotate (besides {@code x-*}, always ignored); any
     *                    other unknown keyword fails loudly, so no validation is skipped unnoticed
     */
    public static JsonSchemaCheck fromFile(Path schemaFile, String... annotations) {
        ObjectNode root = (ObjectNode) Yaml.readOne(schemaFile).deepCopy();
        // The file names draft-07 itself; drop that so the dialect below (draft-07 + annotations) applies.
        root.remove("$schema");
        Set<String> ignored = Set.of(annotations);
        Dialect dialect = Dialect.builder("https://asm-ready.io/schemas/draft-07-annotated", Dialects.getDraft7())
                .unknownKeywordFactory((keyword, context) -> {
                    if (keyword.startsWith("x-") || ignored.contains(keyword)) {
                        return new NonValidationKeyword(keyword);
                    }
                    throw new LintException(schemaFile + " uses keyword '" + keyword + "', which is not draft-07");
                })
                .build();
        return new JsonSchemaCheck(SchemaRegistry.withDefaultDialect(dialect, builder -> builder.schemaRegistryConfig(
                SchemaRegistryConfig.builder().pathType(PathType.JSON_PATH).build())).getSchema(root));
    }

    /** Problems as lines "what: path: message"; empty when the document is valid. */
    public List<String> validate(JsonNode document, String what) {
        List<String> problems = new ArrayList<>();
        for (Error error : schema.validate(document)) {
            String location = error.getInstanceLocation() == null ? "" : error.getInstanceLocation().toString();
            String message = error.getMessage();
            problems.add(what + ": " + (location.isEmpty() || message.startsWith(location) ? message : location + ": " + message));
        }
        return problems;
    }
}
