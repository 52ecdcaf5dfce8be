package io.asmready.lint;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads Kubernetes objects into the fabric8 model (kubernetes-model 8.0.0), leniently, so the rules
 * can use typed objects. Whether an object is valid (unknown fields, wrong types, unknown kinds) is the
 * API server's call: tools/local-cluster/tests/manifests.bats applies every overlay with
 * {@code kubectl apply --server-side --validate=strict}. fabric8 keeps what it does not know in
 * {@code additionalProperties}, which the rules never read.
 */
public final class KubernetesModel {
    /** fabric8's own registry and mapper: which model class serves which apiVersion + kind. */
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private KubernetesModel() {
    }

    /** Whether fabric8 models this object's apiVersion and kind (core objects do; custom resources do not). */
    public static boolean isModelled(JsonNode object) {
        return modelClass(object) != null;
    }

    /**
     * The object as its fabric8 model class (Deployment, Service, HorizontalPodAutoscaler, ...).
     *
     * @throws LintException naming the object when fabric8 has no model for its apiVersion/kind or
     *                       cannot read it at all
     */
    public static HasMetadata parse(JsonNode object) {
        Class<? extends KubernetesResource> type = modelClass(object);
        if (type == null) {
            throw new LintException(Manifests.id(object) + ": no Kubernetes model for apiVersion "
                    + Manifests.apiVersion(object) + " kind " + Manifests.kind(object));
        }
        KubernetesResource parsed;
        try {
            parsed = SERIALIZATION.convertValue(object, type);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new LintException(Manifests.id(object) + ": cannot be read as " + Manifests.apiVersion(object) + " "
                    + Manifests.kind(object) + " (kubectl apply --validate=strict says why): " + e.getMessage(), e);
        }
        if (!(parsed instanceof HasMetadata resource)) {
            throw new LintException(Manifests.id(object) + ": " + type.getSimpleName() + " is not a top-level object");
        }
        return resource;
    }

    private static Class<? extends KubernetesResource> modelClass(JsonNode object) {
        String apiVersion = Manifests.apiVersion(object);
        String kind = Manifests.kind(object);
        if (apiVersion.isEmpty() || kind.isEmpty()) {
            return null;
        }
        return SERIALIZATION.getRegisteredKubernetesResource(apiVersion, kind);
    }
}
