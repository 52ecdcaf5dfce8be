package io.asmready.lint;

import java.util.List;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

/** Small accessors on rendered objects (JSON trees), so checks read like the YAML they check. */
public final class Manifests {
    private Manifests() {
    }

    public static String apiVersion(JsonNode object) {
        return object.path("apiVersion").asString("");
    }

    public static String kind(JsonNode object) {
        return object.path("kind").asString("");
    }

    public static String name(JsonNode object) {
        return object.path("metadata").path("name").asString("");
    }

    public static String namespace(JsonNode object) {
        return object.path("metadata").path("namespace").asString("");
    }

    /** "Kind/name", the way kubectl names an object in its messages. */
    public static String id(JsonNode object) {
        return kind(object) + "/" + name(object);
    }

    public static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(kind(o))).toList();
    }

    public static Optional<JsonNode> find(List<JsonNode> objects, String kind, String name) {
        return objects.stream().filter(o -> kind.equals(kind(o)) && name.equals(name(o))).findFirst();
    }

    /** The group of an apiVersion ("" for the core group "v1"). */
    public static String group(JsonNode object) {
        String apiVersion = apiVersion(object);
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }
}
