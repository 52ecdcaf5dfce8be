package io.asmready.lint;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a CRD's {@code openAPIV3Schema} (a Kubernetes "structural schema") into the JSON Schema that
 * says what the API server really accepts, for a plain JSON Schema validator:
 * <ul>
 * <li>An object schema without {@code additionalProperties} does not allow other fields in
 * Kubernetes: the API server prunes them silently, so a typo'd field vanishes. Here it becomes
 * {@code additionalProperties: false}, so the typo fails. {@code x-kubernetes-preserve-unknown-fields:
 * true} keeps an object open, as in Kubernetes.</li>
 * <li>{@code x-kubernetes-int-or-string: true} without its own {@code anyOf} means integer or string.</li>
 * <li>{@code x-kubernetes-embedded-resource} objects and the root carry apiVersion, kind and metadata
 * implicitly; they are declared here (metadata's content is checked by the fabric8 ObjectMeta model).</li>
 * </ul>
 * {@code nullable} is OpenAPI 3.0 and handled by the validator's OpenAPI 3.0 dialect. The CEL rules
 * of {@code x-kubernetes-validations} are not evaluated (no CEL engine here); they are ignored.
 */
final class StructuralSchema {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StructuralSchema() {
    }

    /** A strict copy of a CRD version's openAPIV3Schema; the input is left untouched. */
    static ObjectNode strict(JsonNode openApiV3Schema) {
        if (!(openApiV3Schema.deepCopy() instanceof ObjectNode root)) {
            throw new LintException("an openAPIV3Schema must be an object, found " + openApiV3Schema.getNodeType());
        }
        declareTypeAndObjectMeta(root);
        tighten(root);
        return root;
    }

    private static void tighten(JsonNode node) {
        if (!(node instanceof ObjectNode schema)) {
            return;
        }
        if (schema.path("x-kubernetes-embedded-resource").asBoolean(false)) {
            declareTypeAndObjectMeta(schema);
        }
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false) && !schema.has("type") && !schema.has("anyOf")) {
            ArrayNode anyOf = schema.putArray("anyOf");
            anyOf.addObject().put("type", "integer");
            anyOf.addObject().put("type", "string");
        }
        boolean isObject = "object".equals(schema.path("type").asString("")) || schema.has("properties");
        if (isObject && !schema.has("additionalProperties")
                && !schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            schema.put("additionalProperties", false);
        }
        JsonNode properties = schema.get("properties");
        if (properties != null) {
            for (Map.Entry<String, JsonNode> property : properties.properties()) {
                tighten(property.getValue());
            }
        }
        tighten(schema.get("additionalProperties"));
        tighten(schema.get("items"));
        for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
            JsonNode branches = schema.get(combinator);
            if (branches != null) {
                for (Iterator<JsonNode> it = branches.values().iterator(); it.hasNext(); ) {
                    tighten(it.next());
                }
            }
        }
        tighten(schema.get("not"));
    }

    private static void declareTypeAndObjectMeta(ObjectNode schema) {
        ObjectNode properties = schema.has("properties") && schema.get("properties").isObject()
                ? (ObjectNode) schema.get("properties")
                : schema.putObject("properties");
        if (!properties.has("apiVersion")) {
            properties.putObject("apiVersion").put("type", "string");
        }
        if (!properties.has("kind")) {
            properties.putObject("kind").put("type", "string");
        }
        // Always open, even where a CRD declares `metadata: {type: object}` (Argo CD's do): the API
        // server never applies a CRD's schema to ObjectMeta, it checks ObjectMeta itself, as
        // CrdValidator does through fabric8. Closing it would reject every name and namespace.
        properties.putObject("metadata").put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
        if (!schema.has("type")) {
            schema.set("type", NODES.stringNode("object"));
        }
    }
}
