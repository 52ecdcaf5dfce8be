package io.asmready.lint.clusters;

import java.util.ArrayList;
import java.util.List;

import io.asmready.lint.KubernetesModel;
import io.asmready.lint.Manifests;
import io.fabric8.kubernetes.api.model.HasMetadata;
import tools.jackson.databind.JsonNode;

/**
 * The project's own rules on an overlay's rendered output: core objects read into the fabric8 model,
 * custom resources (every kind fabric8 does not model) kept as trees. Whether the objects are valid
 * at all (fields, types, kinds, CRD schemas) is the API server's call (tools/local-cluster/tests).
 *
 * <pre>{@code
 * List<Violation> problems = ClusterChecks.check(Kustomize.render(dir), Overlay.ASM_READY);
 * }</pre>
 */
public final class ClusterChecks {
    /** Every rule id; the fixture suite proves each one rejects a broken manifest. */
    public static final List<String> RULES = List.of(
            "namespace",
            "labels", "stable-selector", "service-per-workload",
            "target-port", "reserved-port", "container-port",
            "uid-1337", "run-as-user", "read-only-root", "tmp-volume",
            "service-account", "service-account-token", "resources",
            "probes", "prestop", "grace-period", "image", "loadgen-target",
            "public-admin", "pod-monitoring",
            "injection-label", "mesh-objects", "sync-wave", "mtls-strict", "plaintext-exception",
            "mesh-tls", "authz", "authz-principal",
            "hpa", "pdb");
    static final String SYNC_WAVE = "argocd.argoproj.io/sync-wave";
    static final String SYNC_OPTIONS = "argocd.argoproj.io/sync-options";
    static final String SKIP_DRY_RUN = "SkipDryRunOnMissingResource=true";

    private ClusterChecks() {
    }

    /**
     * @throws io.asmready.lint.LintException when a core object cannot be read into its model at all
     */
    public static List<Violation> check(List<JsonNode> rendered, Overlay overlay) {
        List<Violation> out = new ArrayList<>();
        List<HasMetadata> objects = new ArrayList<>();
        List<JsonNode> customResources = new ArrayList<>();
        for (JsonNode object : rendered) {
            if (KubernetesModel.isModelled(object)) {
                objects.add(KubernetesModel.parse(object));
            } else {
                customResources.add(object);
            }
        }
        Rendered parsed = new Rendered(objects, customResources);
        WorkloadRules.check(parsed, overlay, out);
        PodRules.check(parsed, overlay, out);
        MeshRules.check(parsed, overlay, out);
        MonitoringRules.check(parsed, overlay, out);
        ScalingRules.check(parsed, out);
        syncAnnotations(rendered, customResources, out);
        return out;
    }

    /**
     * One sync wave, and custom resources that wait for their kinds: Argo CD 3.5 starts a later wave
     * only when every resource of the earlier ones is Healthy, and a fresh HorizontalPodAutoscaler on
     * a Resource metric (Degraded until metrics arrive, which fails the sync) or a LoadBalancer
     * Service (Progressing until it has an IP) holds it back for nothing. A custom resource whose kind is not installed yet
     * (the mesh's, PodMonitoring) must skip the dry run, or it fails the whole sync before anything is
     * applied; applying it fails instead, and the Application's retry applies it once the kind exists.
     */
    private static void syncAnnotations(List<JsonNode> rendered, List<JsonNode> customResources, List<Violation> out) {
        for (JsonNode object : rendered) {
            JsonNode annotations = object.path("metadata").path("annotations");
            String id = Manifests.id(object);
            if (annotations.has(SYNC_WAVE)) {
                out.add(new Violation("sync-wave", id + ": annotation " + SYNC_WAVE + ": \"" + annotations.path(SYNC_WAVE).asString("")
                        + "\"; keep one wave: Argo CD starts a later wave only when the earlier ones are Healthy, which a "
                        + "LoadBalancer Service is not until it has an IP, nor a fresh autoscaler until it has metrics"));
            }
            if (customResources.contains(object)
                    && !List.of(annotations.path(SYNC_OPTIONS).asString("").split(",")).contains(SKIP_DRY_RUN)) {
                out.add(new Violation("sync-wave", id + ": annotation " + SYNC_OPTIONS + ": " + SKIP_DRY_RUN
                        + " is missing, so Argo CD's first sync fails on a cluster without its kind"));
            }
        }
    }
}
