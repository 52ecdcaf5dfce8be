package io.asmready.lint.clusters;

import static io.asmready.lint.clusters.Rendered.labels;
import static io.asmready.lint.clusters.Rendered.selects;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.asmready.lint.Settings;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import tools.jackson.databind.JsonNode;

/**
 * The mesh component on the rendered output: one injection label, STRICT mTLS with the single
 * plaintext exception where the external load balancer enters, identities that exist, selectors
 * that select, and the Argo CD annotations that let these objects wait for the mesh.
 */
final class MeshRules {
    static final String INJECTION = "istio-injection";
    static final String REVISION = "istio.io/rev";
    private static final Map<String, String> SYNC_ANNOTATIONS = Map.of(
            "argocd.argoproj.io/sync-wave", "1",
            "argocd.argoproj.io/sync-options", "SkipDryRunOnMissingResource=true");
    /** trust-domain/ns/NAMESPACE/sa/ACCOUNT, the trust domain possibly "*". */
    private static final Pattern PRINCIPAL = Pattern.compile("^[^/]+/ns/([^/]+)/sa/([^/]+)$");

    private MeshRules() {
    }

    static void check(Rendered rendered, Overlay overlay, List<Violation> out) {
        injectionLabel(rendered, overlay, out);
        if (!overlay.mesh()) {
            for (JsonNode resource : rendered.customResources()) {
                out.add(new Violation("mesh-objects", id(resource) + ": a mesh object in an overlay without the mesh"));
            }
            return;
        }
        for (JsonNode resource : rendered.customResources()) {
            syncWave(resource, out);
            selector(rendered, resource, out);
        }
        strictMtls(rendered, out);
        authorization(rendered, overlay, out);
        for (JsonNode rule : rendered.customResources("DestinationRule")) {
            String host = rule.path("spec").path("host").asString("");
            String service = host.split("\\.")[0];
            if (rendered.services().stream().noneMatch(s -> s.getMetadata().getName().equals(service))) {
                out.add(new Violation("mesh-selector", id(rule) + ": host " + host + " is no Service in the output"));
            }
        }
    }

    private static void injectionLabel(Rendered rendered, Overlay overlay, List<Violation> out) {
        for (Namespace namespace : rendered.namespaces()) {
            Map<String, String> labels = namespace.getMetadata().getLabels() == null ? Map.of()
                    : namespace.getMetadata().getLabels();
            List<String> present = new ArrayList<>();
            for (String label : List.of(INJECTION, REVISION)) {
                if (labels.containsKey(label)) {
                    present.add(label + "=" + labels.get(label));
                }
            }
            String id = "Namespace/" + namespace.getMetadata().getName();
            if (present.size() > 1) {
                out.add(new Violation("injection-label", id + ": has both " + present
                        + "; keep exactly one (the injector ignores istio.io/rev when istio-injection is set)"));
            } else if (overlay.mesh() && present.isEmpty()) {
                out.add(new Violation("injection-label", id + ": the mesh is on but the namespace has no injection label"));
            } else if (!overlay.mesh() && !present.isEmpty()) {
                out.add(new Violation("injection-label", id + ": " + present + " without the mesh component"));
            } else if (labels.containsKey(INJECTION) && !"enabled".equals(labels.get(INJECTION))) {
                out.add(new Violation("injection-label", id + ": istio-injection=" + labels.get(INJECTION)
                        + "; expected 'enabled'"));
            }
        }
    }

    private static void syncWave(JsonNode resource, List<Violation> out) {
        JsonNode annotations = resource.path("metadata").path("annotations");
        SYNC_ANNOTATIONS.forEach((key, value) -> {
            if (!value.equals(annotations.path(key).asString(null))) {
                out.add(new Violation("sync-wave", id(resource) + ": annotation " + key + ": \"" + value
                        + "\" is missing, so Argo CD's first sync fails on a cluster without the mesh"));
            }
        });
    }

    private static void selector(Rendered rendered, JsonNode resource, List<Violation> out) {
        JsonNode matchLabels = resource.path("spec").path("selector").path("matchLabels");
        if (matchLabels.isMissingNode()) {
            return;
        }
        Map<String, String> selector = new HashMap<>();
        matchLabels.properties().forEach(e -> selector.put(e.getKey(), e.getValue().asString("")));
        if (rendered.deployments().stream().noneMatch(d -> selects(selector, labels(d.getSpec().getTemplate())))) {
            out.add(new Violation("mesh-selector", id(resource) + ": selector " + selector
                    + " matches no pod, so the policy applies to nothing"));
        }
    }

    private static void strictMtls(Rendered rendered, List<Violation> out) {
        boolean strict = rendered.customResources("PeerAuthentication").stream()
                .anyMatch(pa -> pa.path("spec").path("selector").isMissingNode()
                        && "STRICT".equals(pa.path("spec").path("mtls").path("mode").asString("")));
        if (!strict) {
            out.add(new Violation("mtls-strict", "no namespace-wide PeerAuthentication with mtls.mode STRICT"));
        }
        for (JsonNode pa : rendered.customResources("PeerAuthentication")) {
            String mode = pa.path("spec").path("mtls").path("mode").asString("UNSET");
            if (!mode.equals("STRICT") && !mode.equals("UNSET")) {
                out.add(new Violation("mtls-strict", id(pa) + ": mtls.mode " + mode + " weakens the namespace's STRICT mTLS"));
            }
            for (var port : pa.path("spec").path("portLevelMtls").properties()) {
                String portMode = port.getValue().path("mode").asString("");
                if (!portMode.equals("STRICT")) {
                    plaintextException(rendered, pa, "port " + port.getKey() + " " + portMode, port.getKey(), out);
                }
            }
        }
    }

    /**
     * Plaintext is acceptable only where the external load balancer enters: the HTTP container port of
     * pods behind a LoadBalancer Service.
     */
    private static void plaintextException(Rendered rendered, JsonNode policy, String what, String port,
                                           List<Violation> out) {
        Map<String, String> selector = new HashMap<>();
        policy.path("spec").path("selector").path("matchLabels").properties()
                .forEach(e -> selector.put(e.getKey(), e.getValue().asString("")));
        List<Deployment> selected = rendered.deployments().stream()
                .filter(d -> selects(selector, labels(d.getSpec().getTemplate()))).toList();
        boolean behindLoadBalancer = !selected.isEmpty() && selected.stream().allMatch(d -> rendered.services().stream()
                .anyMatch(s -> "LoadBalancer".equals(s.getSpec().getType())
                        && selects(s.getSpec().getSelector(), labels(d.getSpec().getTemplate()))));
        String httpPort = Settings.get("asmready.http.port");
        if (!behindLoadBalancer || (port != null && !port.equals(httpPort))) {
            out.add(new Violation("plaintext-exception", id(policy) + ": " + what + " allows plaintext where no "
                    + "external load balancer enters; only the HTTP port (" + httpPort + ") of a LoadBalancer's pods may"));
        }
    }

    private static void authorization(Rendered rendered, Overlay overlay, List<Violation> out) {
        Set<String> accounts = new java.util.HashSet<>();
        rendered.serviceAccounts().forEach(sa -> accounts.add(sa.getMetadata().getName()));
        for (JsonNode policy : rendered.customResources("AuthorizationPolicy")) {
            for (JsonNode rule : policy.path("spec").path("rules").values()) {
                for (JsonNode from : rule.path("from").values()) {
                    JsonNode source = from.path("source");
                    for (JsonNode principal : source.path("principals").values()) {
                        Matcher m = PRINCIPAL.matcher(principal.asString(""));
                        if (!m.matches() || !m.group(1).equals(overlay.namespace()) || !accounts.contains(m.group(2))) {
                            out.add(new Violation("authz-principal", id(policy) + ": principal " + principal.asString("")
                                    + " is no service account of this output (expected */ns/" + overlay.namespace()
                                    + "/sa/<account>)"));
                        }
                    }
                    boolean plaintext = false;
                    for (JsonNode p : source.path("notPrincipals").values()) {
                        plaintext |= "*".equals(p.asString(""));
                    }
                    if (plaintext) {
                        JsonNode ports = rule.path("to").path(0).path("operation").path("ports");
                        plaintextException(rendered, policy, "a rule for requests without identity",
                                ports.size() == 1 ? ports.path(0).asString("") : null, out);
                    }
                }
            }
        }
        // Deny by default: an empty policy; then every workload that receives calls needs its ALLOW.
        boolean denyByDefault = rendered.customResources("AuthorizationPolicy").stream()
                .anyMatch(p -> p.path("spec").isEmpty());
        if (!denyByDefault) {
            out.add(new Violation("authz", "no allow-nothing AuthorizationPolicy (spec: {}): the namespace is open by default"));
        }
        for (Deployment deployment : rendered.deployments()) {
            boolean calledByOthers = rendered.deployments().stream().flatMap(d -> d.getSpec().getTemplate().getSpec()
                            .getContainers().stream()).flatMap(c -> c.getEnv() == null ? java.util.stream.Stream.empty()
                            : c.getEnv().stream())
                    .anyMatch(env -> "SERVER_ADDR".equals(env.getName()) && rendered.services().stream()
                            .filter(s -> selects(s.getSpec().getSelector(), labels(deployment.getSpec().getTemplate())))
                            .anyMatch(s -> env.getValue() != null && env.getValue().contains("//" + s.getMetadata().getName())));
            boolean allowed = rendered.customResources("AuthorizationPolicy").stream()
                    .filter(p -> "ALLOW".equals(p.path("spec").path("action").asString("ALLOW")) && !p.path("spec").isEmpty())
                    .anyMatch(p -> {
                        Map<String, String> selector = new HashMap<>();
                        p.path("spec").path("selector").path("matchLabels").properties()
                                .forEach(e -> selector.put(e.getKey(), e.getValue().asString("")));
                        return selects(selector, labels(deployment.getSpec().getTemplate()));
                    });
            if (calledByOthers && !allowed) {
                out.add(new Violation("authz", Rendered.id(deployment) + ": is called by the load generator but no "
                        + "ALLOW AuthorizationPolicy selects it, so allow-nothing denies every call"));
            }
        }
    }

    private static String id(JsonNode resource) {
        return resource.path("kind").asString("") + "/" + resource.path("metadata").path("name").asString("");
    }
}
