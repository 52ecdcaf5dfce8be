package io.asmready.lint.clusters;

import java.util.ArrayList;
import java.util.List;

import io.asmready.lint.CrdValidator;
import io.asmready.lint.KubernetesModel;
import io.asmready.lint.LintException;
import io.asmready.lint.Manifests;
import io.fabric8.kubernetes.api.model.HasMetadata;
import tools.jackson.databind.JsonNode;

/**
 * Every check of an overlay's rendered output: each core object strictly through the fabric8 model,
 * each custom resource against its CRD schema, then the mesh-readiness and consistency rules.
 *
 * <pre>{@code
 * List<Violation> problems = ClusterChecks.check(Kustomize.render(dir), Overlay.ASM_READY, Schemas.istio());
 * }</pre>
 */
public final class ClusterChecks {
    /** Every rule id; the fixture suite proves each one rejects a broken manifest. */
    public static final List<String> RULES = List.of(
            "model", "crd", "unknown-kind", "namespace",
            "labels", "stable-selector", "selector-matches", "service-per-workload",
            "port-name", "app-protocol", "target-port", "reserved-port", "container-port",
            "uid-1337", "run-as-user", "run-as-non-root", "read-only-root", "tmp-volume", "drop-all", "privilege-escalation",
            "seccomp", "service-account", "service-account-token", "resources",
            "probes", "prestop", "grace-period", "image", "loadgen-target",
            "injection-label", "mesh-objects", "sync-wave", "mesh-selector", "mtls-strict", "plaintext-exception",
            "authz", "authz-principal",
            "hpa", "pdb");

    private ClusterChecks() {
    }

    public static List<Violation> check(List<JsonNode> rendered, Overlay overlay, CrdValidator crds) {
        List<Violation> out = new ArrayList<>();
        List<HasMetadata> objects = new ArrayList<>();
        List<JsonNode> customResources = new ArrayList<>();
        for (JsonNode object : rendered) {
            if (KubernetesModel.isModelled(object)) {
                try {
                    objects.add(KubernetesModel.parse(object));
                } catch (LintException e) {
                    out.add(new Violation("model", e.getMessage()));
                }
            } else if (crds.supports(object)) {
                crds.validate(object).forEach(problem -> out.add(new Violation("crd", problem)));
                customResources.add(object);
            } else {
                out.add(new Violation("unknown-kind", Manifests.id(object) + ": apiVersion " + Manifests.apiVersion(object)
                        + " is neither a Kubernetes API nor a custom resource with a known CRD"));
            }
        }
        Rendered parsed = new Rendered(objects, customResources);
        WorkloadRules.check(parsed, overlay, out);
        PodRules.check(parsed, overlay, out);
        MeshRules.check(parsed, overlay, out);
        ScalingRules.check(parsed, out);
        return out;
    }
}
