package io.asmready.lint.argocd;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.asmready.lint.KubernetesModel;
import io.asmready.lint.LintException;
import io.asmready.lint.Manifests;
import io.asmready.lint.Yaml;
import io.fabric8.kubernetes.api.model.Namespaced;
import tools.jackson.databind.JsonNode;

/**
 * Whether an object is cluster-scoped or namespaced, which decides which of an AppProject's
 * whitelists must allow it. Core kinds: fabric8's model (its namespaced classes implement
 * {@link Namespaced}); custom resources: {@code spec.scope} of their CRD in the pinned CRD files.
 */
final class KindScope {
    /** group/kind -> true when cluster-scoped. */
    private final Map<String, Boolean> customKinds;

    private KindScope(Map<String, Boolean> customKinds) {
        this.customKinds = customKinds;
    }

    static KindScope fromCrdFiles(Path... crdFiles) {
        Map<String, Boolean> kinds = new HashMap<>();
        for (Path file : crdFiles) {
            for (JsonNode crd : Yaml.readAll(file)) {
                if ("CustomResourceDefinition".equals(Manifests.kind(crd))) {
                    JsonNode spec = crd.path("spec");
                    kinds.put(spec.path("group").asString("") + "/" + spec.path("names").path("kind").asString(""),
                            "Cluster".equals(spec.path("scope").asString("")));
                }
            }
        }
        return new KindScope(kinds);
    }

    /**
     * @throws LintException when neither fabric8 nor a known CRD defines the object's kind, so its
     *                       scope (and the whitelist that must allow it) cannot be told
     */
    boolean clusterScoped(JsonNode object) {
        if (KubernetesModel.isModelled(object)) {
            return !(KubernetesModel.parse(object) instanceof Namespaced);
        }
        Boolean cluster = customKinds.get(Manifests.group(object) + "/" + Manifests.kind(object));
        if (cluster == null) {
            throw new LintException(Manifests.id(object) + ": neither the Kubernetes model nor a pinned CRD defines "
                    + Manifests.apiVersion(object) + " " + Manifests.kind(object) + ", so its scope is unknown");
        }
        return cluster;
    }
}
