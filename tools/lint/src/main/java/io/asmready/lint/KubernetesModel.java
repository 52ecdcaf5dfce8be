package io.asmready.lint;

import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * Parses Kubernetes objects into the fabric8 model (kubernetes-model 8.0.0), strictly, the way the
 * API server's decoder would: an unknown field or a value of the wrong type fails with its path.
 *
 * <p>fabric8's model is lenient on purpose: every model class collects the fields it does not know in
 * its {@code additionalProperties}, and Jackson coerces "8080" to 8080 and 10 to "10". Both hide real
 * mistakes (a typo'd {@code readinessProbe} is silently dropped by kubectl's client-side tools too;
 * an unquoted env value is rejected only by the live API server). So this parser reads with the
 * model's classes but with their {@code additionalProperties} bucket switched off in every nested
 * object (Jackson sees no any-setter), so each such field fails right where it occurs, and with scalar
 * coercion off.
 */
public final class KubernetesModel {
    /** fabric8's own registry: which model class serves which apiVersion + kind. */
    private static final KubernetesSerialization REGISTRY = new KubernetesSerialization();

    private static final JsonMapper STRICT = JsonMapper.builder()
            .annotationIntrospector(new WithoutAdditionalProperties())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(LogicalType.Textual, config -> config
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();

    private KubernetesModel() {
    }

    /** Whether fabric8 models this object's apiVersion and kind (core objects do; custom resources do not). */
    public static boolean isModelled(JsonNode object) {
        return modelClass(object) != null;
    }

    /**
     * The object as its fabric8 model class (Deployment, Service, HorizontalPodAutoscaler, ...).
     *
     * @throws LintException naming the object and the first unknown field or wrong type, or when
     *                       fabric8 has no model for its apiVersion/kind
     */
    public static HasMetadata parse(JsonNode object) {
        Class<? extends KubernetesResource> type = modelClass(object);
        if (type == null) {
            throw new LintException(Manifests.id(object) + ": no Kubernetes model for apiVersion "
                    + Manifests.apiVersion(object) + " kind " + Manifests.kind(object)
                    + " (a removed API version, a typo, or a custom resource that needs its CRD schema)");
        }
        KubernetesResource parsed = parse(object, type, Manifests.id(object));
        if (!(parsed instanceof HasMetadata resource)) {
            throw new LintException(Manifests.id(object) + ": " + type.getSimpleName() + " is not a top-level object");
        }
        return resource;
    }

    /**
     * Any JSON tree as a given model class, e.g. {@code parse(metadata, ObjectMeta.class, "Application/x metadata")}.
     */
    public static <T> T parse(JsonNode tree, Class<T> type, String what) {
        try {
            return STRICT.treeToValue(tree, type);
        } catch (DatabindException e) {
            throw new LintException(what + ": " + describe(e), e);
        } catch (JacksonException e) {
            throw new LintException(what + ": " + e.getOriginalMessage(), e);
        }
    }

    private static Class<? extends KubernetesResource> modelClass(JsonNode object) {
        String apiVersion = Manifests.apiVersion(object);
        String kind = Manifests.kind(object);
        if (apiVersion.isEmpty() || kind.isEmpty()) {
            return null;
        }
        return REGISTRY.getRegisteredKubernetesResource(apiVersion, kind);
    }

    /** "spec.template.spec.containers[0].ports[0].containerPort: ..." rather than Jackson's reference chain. */
    private static String describe(DatabindException e) {
        StringBuilder path = new StringBuilder();
        List<JacksonException.Reference> references = e.getPath();
        if (e instanceof UnrecognizedPropertyException && !references.isEmpty()) {
            // The last reference is the unknown field itself, which the message names.
            references = references.subList(0, references.size() - 1);
        }
        for (JacksonException.Reference ref : references) {
            if (ref.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        String message = e.getOriginalMessage();
        if (e instanceof UnrecognizedPropertyException unknown) {
            message = "unknown field \"" + unknown.getPropertyName() + "\" (not in the Kubernetes API; a typo or the wrong level?)";
        } else if (e instanceof tools.jackson.databind.exc.MismatchedInputException) {
            // First line only: Jackson appends hints about Java types that mean nothing in YAML.
            message = "wrong type: " + message.lines().findFirst().orElse(message);
        }
        return (path.isEmpty() ? "" : path + ": ") + message;
    }

    /** Hides fabric8's {@code @JsonAnySetter}, so unknown fields are reported instead of collected. */
    private static final class WithoutAdditionalProperties extends JacksonAnnotationIntrospector {
        @Override
        public Boolean hasAnySetter(MapperConfig<?> config, Annotated a) {
            return Boolean.FALSE;
        }
    }
}
