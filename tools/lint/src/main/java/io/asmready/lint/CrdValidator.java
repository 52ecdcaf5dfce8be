package io.asmready.lint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.networknt.schema.Error;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.format.Format;
import com.networknt.schema.keyword.NonValidationKeyword;
import com.networknt.schema.path.PathType;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import tools.jackson.databind.JsonNode;

/**
 * Validates custom resources (Istio, Argo CD, ...) against the {@code openAPIV3Schema} of the version
 * their apiVersion names, in the upstream CRD files, with networknt json-schema-validator 3.x in its
 * OpenAPI 3.0 dialect (which honours {@code nullable}). The schema is made strict first (see
 * {@link StructuralSchema}): an unknown field fails, as a pruned field would silently vanish on a
 * real cluster. The object's metadata is parsed into fabric8's {@code ObjectMeta}, strictly.
 *
 * <pre>{@code
 * CrdValidator istio = CrdValidator.fromFiles(store.path("istio/customresourcedefinitions.gen.yaml"));
 * if (istio.supports(object)) { List<String> problems = istio.validate(object); }
 * }</pre>
 */
public final class CrdValidator {
    /** Kubernetes' schema extensions: known to the API server, no meaning to a JSON Schema validator. */
    private static final List<String> KUBERNETES_EXTENSIONS = List.of(
            "x-kubernetes-validations", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-int-or-string",
            "x-kubernetes-embedded-resource", "x-kubernetes-list-type", "x-kubernetes-list-map-keys",
            "x-kubernetes-map-type");

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(kubernetesDialect(),
            builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder().pathType(PathType.JSON_PATH).build()));

    private record Version(String crd, boolean served, boolean deprecated, JsonNode openApiV3Schema) {
    }

    /** group/kind -> version name -> version. */
    private final Map<String, Map<String, Version>> kinds;
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

    private CrdValidator(Map<String, Map<String, Version>> kinds) {
        this.kinds = kinds;
    }

    /** Reads every CustomResourceDefinition in the given (multi-document) YAML files. */
    public static CrdValidator fromFiles(Path... crdFiles) {
        Map<String, Map<String, Version>> kinds = new HashMap<>();
        for (Path file : crdFiles) {
            for (JsonNode document : Yaml.readAll(file)) {
                if (!"CustomResourceDefinition".equals(Manifests.kind(document))) {
                    continue;
                }
                JsonNode spec = document.path("spec");
                String key = spec.path("group").asString("") + "/" + spec.path("names").path("kind").asString("");
                for (JsonNode version : spec.path("versions").values()) {
                    JsonNode schema = version.path("schema").path("openAPIV3Schema");
                    if (schema.isMissingNode()) {
                        throw new LintException(file + ": CRD " + Manifests.name(document) + " version "
                                + version.path("name").asString("") + " has no openAPIV3Schema");
                    }
                    kinds.computeIfAbsent(key, k -> new HashMap<>()).put(version.path("name").asString(""),
                            new Version(Manifests.name(document), version.path("served").asBoolean(false),
                                    version.path("deprecated").asBoolean(false), schema));
                }
            }
        }
        if (kinds.isEmpty()) {
            throw new LintException("no CustomResourceDefinition in " + List.of(crdFiles));
        }
        return new CrdValidator(kinds);
    }

    /** Whether one of the CRDs defines this object's group and kind (whatever the version). */
    public boolean supports(JsonNode object) {
        return kinds.containsKey(Manifests.group(object) + "/" + Manifests.kind(object));
    }

    /**
     * Problems of one object, each a line "Kind/name: path: message"; empty when it is valid.
     * An unknown kind or an apiVersion the CRD does not serve is a problem too.
     */
    public List<String> validate(JsonNode object) {
        String id = Manifests.id(object);
        Map<String, Version> versions = kinds.get(Manifests.group(object) + "/" + Manifests.kind(object));
        if (versions == null) {
            return List.of(id + ": no CRD defines kind " + Manifests.kind(object) + " in group " + Manifests.group(object));
        }
        Version version = versions.get(Manifests.version(object));
        if (version == null || !version.served()) {
            List<String> served = versions.entrySet().stream().filter(e -> e.getValue().served())
                    .map(Map.Entry::getKey).sorted().toList();
            return List.of(id + ": apiVersion " + Manifests.apiVersion(object) + " is not served by CRD "
                    + versions.values().iterator().next().crd() + "; served versions: " + served);
        }
        List<String> problems = new ArrayList<>();
        if (version.deprecated()) {
            problems.add(id + ": apiVersion " + Manifests.apiVersion(object) + " is deprecated in CRD " + version.crd());
        }
        Schema schema = compiled.computeIfAbsent(version.crd() + "/" + Manifests.version(object),
                k -> REGISTRY.getSchema(StructuralSchema.strict(version.openApiV3Schema())));
        for (Error error : schema.validate(object)) {
            problems.add(id + ": " + describe(error));
        }
        JsonNode metadata = object.get("metadata");
        if (metadata == null || !metadata.isObject()) {
            problems.add(id + ": metadata is missing");
        } else {
            try {
                KubernetesModel.parse(metadata, ObjectMeta.class, id + " metadata");
            } catch (LintException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }

    private static String describe(Error error) {
        String location = error.getInstanceLocation() == null ? "" : error.getInstanceLocation().toString();
        String message = error.getMessage();
        // The validator starts its message with the location already; do not say it twice.
        if (!location.isEmpty() && message.startsWith(location)) {
            return message;
        }
        return location.isEmpty() ? message : location + ": " + message;
    }

    /**
     * {@code format: duration} as the API server reads it (kube-openapi's strfmt): a Go duration such
     * as {@code 30s} or {@code 1h30m}, or a number and unit such as {@code 2 days}; not JSON Schema's
     * ISO 8601 {@code PT30S}, which the validator's own format would demand.
     */
    static final class KubernetesDuration implements Format {
        private static final Pattern GO = Pattern.compile("[-+]?(0|((\\d+(\\.\\d*)?|\\.\\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)");
        private static final Pattern UNITS = Pattern.compile("(\\s*\\d+\\s*(ns|us|\u00b5s|ms|s|sec|secs|second|seconds|m|min|mins"
                + "|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|wk|wks|week|weeks))+\\s*", Pattern.CASE_INSENSITIVE);

        @Override
        public String getName() {
            return "duration";
        }

        @Override
        public boolean matches(ExecutionContext executionContext, String value) {
            return GO.matcher(value).matches() || UNITS.matcher(value).matches();
        }
    }

    private static Dialect kubernetesDialect() {
        Dialect.Builder builder = Dialect.builder("https://asm-ready.io/schemas/kubernetes-structural",
                Dialects.getOpenApi30());
        for (String extension : KUBERNETES_EXTENSIONS) {
            builder.keyword(new NonValidationKeyword(extension));
        }
        builder.format(new KubernetesDuration());
        // A keyword nobody knows might be a validation we would skip without saying: refuse it.
        builder.unknownKeywordFactory((keyword, context) -> {
            throw new LintException("CRD schema uses keyword '" + keyword + "', which this validator does not know");
        });
        return builder.build();
    }
}
