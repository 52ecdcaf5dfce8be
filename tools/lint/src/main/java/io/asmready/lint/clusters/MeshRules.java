package io.asmready.lint.clusters;

import static io.asmready.lint.clusters.Rendered.labels;
import static io.asmready.lint.clusters.Rendered.selects;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.asmready.lint.Settings;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import tools.jackson.databind.JsonNode;

/**
 * The mesh component on the rendered output: one injection label, STRICT mTLS with plaintext only
 * where a caller without a sidecar must enter (the external load balancer on the hello port, the
 * metrics collector on the admin port), authorization that admits each of them to exactly that,
 * identities that exist, and client TLS left to Istio's auto mTLS. (Selectors and hosts that refer
 * to nothing: istioctl analyze in tools/local-cluster/tests/mesh.bats.)
 */
final class MeshRules {
    static final String INJECTION = "istio-injection";
    static final String REVISION = "istio.io/rev";
    /** trust-domain/ns/NAMESPACE/sa/ACCOUNT, the trust domain possibly "*". */
    private static final Pattern PRINCIPAL = Pattern.compile("^[^/]+/ns/([^/]+)/sa/([^/]+)$");

    private MeshRules() {
    }

    static boolean isMeshObject(JsonNode resource) {
        String apiVersion = resource.path("apiVersion").asString("");
        return apiVersion.contains(".istio.io/");
    }

    static void check(Rendered rendered, Overlay overlay, List<Violation> out) {
        injectionLabel(rendered, overlay, out);
        List<JsonNode> meshObjects = rendered.customResources().stream().filter(MeshRules::isMeshObject).toList();
        if (!overlay.mesh()) {
            for (JsonNode resource : meshObjects) {
                out.add(new Violation("mesh-objects", Rendered.id(resource) + ": a mesh object in an overlay without the mesh"));
            }
            return;
        }
        strictMtls(rendered, out);
        authorization(rendered, overlay, out);
        for (JsonNode rule : rendered.customResources("DestinationRule")) {
            clientTls(rule, out);
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

    /**
     * An explicit client TLS mode switches off auto mTLS for that destination: Istio then sends mTLS
     * to every endpoint, also to a pod that has no sidecar yet, which cannot answer it (no plaintext
     * fallback for a user-supplied mode, Istio's cluster_tls.go). Rolling pods into the mesh would
     * break their callers; STRICT PeerAuthentication already makes sidecar-to-sidecar traffic mTLS.
     */
    private static void clientTls(JsonNode rule, List<Violation> out) {
        JsonNode spec = rule.path("spec");
        List<JsonNode> policies = new ArrayList<>();
        policies.add(spec.path("trafficPolicy"));
        spec.path("trafficPolicy").path("portLevelSettings").values().forEach(policies::add);
        for (JsonNode subset : spec.path("subsets").values()) {
            policies.add(subset.path("trafficPolicy"));
            subset.path("trafficPolicy").path("portLevelSettings").values().forEach(policies::add);
        }
        for (JsonNode policy : policies) {
            JsonNode tls = policy.path("tls");
            if (!tls.isMissingNode()) {
                out.add(new Violation("mesh-tls", Rendered.id(rule) + ": sets tls.mode " + tls.path("mode").asString("?")
                        + " for an in-mesh host; an explicit mode disables auto mTLS's plaintext to pods without a "
                        + "sidecar, so moving pods into the mesh breaks their callers; leave tls unset (STRICT "
                        + "PeerAuthentication keeps it mTLS)"));
            }
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
                out.add(new Violation("mtls-strict", Rendered.id(pa) + ": mtls.mode " + mode + " weakens the namespace's STRICT mTLS"));
            }
            for (var port : pa.path("spec").path("portLevelMtls").properties()) {
                String portMode = port.getValue().path("mode").asString("");
                if (!portMode.equals("STRICT")) {
                    plaintextPort(rendered, pa, "port " + port.getKey() + " " + portMode, port.getKey(), out);
                }
            }
        }
    }

    /**
     * Plaintext is acceptable only where a caller without a sidecar must enter: the hello port of pods
     * behind a LoadBalancer Service (the external load balancer), and the admin port (the metrics
     * collector of Managed Service for Prometheus; the AuthorizationPolicy narrows it to the scrape).
     *
     * @return whether the port is one of these
     */
    private static boolean plaintextPort(Rendered rendered, JsonNode policy, String what, String port,
                                         List<Violation> out) {
        String httpPort = Settings.get("asmready.http.port");
        String adminPort = Settings.get("asmready.admin.port");
        List<Deployment> selected = policy.path("spec").path("selector").isMissingNode() ? rendered.deployments()
                : rendered.selectedBy(policy);
        boolean behindLoadBalancer = !selected.isEmpty() && selected.stream().allMatch(d -> rendered.services().stream()
                .anyMatch(s -> "LoadBalancer".equals(s.getSpec().getType())
                        && selects(s.getSpec().getSelector(), labels(d.getSpec().getTemplate()))));
        boolean allowed = adminPort.equals(port) || (httpPort.equals(port) && behindLoadBalancer);
        if (!allowed) {
            out.add(new Violation("plaintext-exception", Rendered.id(policy) + ": " + what + " allows plaintext where "
                    + "no caller without a sidecar must enter; only the HTTP port (" + httpPort + ") of a LoadBalancer's "
                    + "pods and the admin port (" + adminPort + ", the metrics scrape) may"));
        }
        return allowed;
    }

    private static void authorization(Rendered rendered, Overlay overlay, List<Violation> out) {
        Set<String> accounts = new HashSet<>();
        rendered.serviceAccounts().forEach(sa -> accounts.add(sa.getMetadata().getName()));
        for (JsonNode policy : rendered.customResources("AuthorizationPolicy")) {
            if (!"ALLOW".equals(policy.path("spec").path("action").asString("ALLOW"))) {
                continue;
            }
            for (JsonNode rule : policy.path("spec").path("rules").values()) {
                boolean plaintext = rule.path("from").isEmpty();
                for (JsonNode from : rule.path("from").values()) {
                    JsonNode source = from.path("source");
                    for (JsonNode principal : source.path("principals").values()) {
                        Matcher m = PRINCIPAL.matcher(principal.asString(""));
                        if (!m.matches() || !m.group(1).equals(overlay.namespace()) || !accounts.contains(m.group(2))) {
                            out.add(new Violation("authz-principal", Rendered.id(policy) + ": principal " + principal.asString("")
                                    + " is no service account of this output (expected */ns/" + overlay.namespace()
                                    + "/sa/<account>)"));
                        }
                    }
                    // Principals and namespaces come from the peer's certificate: a source without
                    // either (notPrincipals ["*"], ipBlocks, nothing) admits requests without identity.
                    plaintext |= !source.has("principals") && !source.has("namespaces");
                }
                if (plaintext) {
                    plaintextRule(rendered, policy, rule, out);
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
                            .getContainers().stream()).flatMap(c -> c.getEnv() == null ? Stream.empty() : c.getEnv().stream())
                    .anyMatch(env -> "SERVER_ADDR".equals(env.getName()) && rendered.services().stream()
                            .filter(s -> selects(s.getSpec().getSelector(), labels(deployment.getSpec().getTemplate())))
                            .anyMatch(s -> env.getValue() != null && env.getValue().contains("//" + s.getMetadata().getName())));
            boolean byIdentity = allowing(rendered, deployment).stream().flatMap(p -> p.path("spec").path("rules").values().stream())
                    .flatMap(r -> r.path("from").values().stream())
                    .anyMatch(f -> !f.path("source").path("principals").isEmpty());
            if (calledByOthers && !byIdentity) {
                out.add(new Violation("authz", Rendered.id(deployment) + ": is called by the load generator but no "
                        + "ALLOW AuthorizationPolicy that selects it admits a caller by identity, so allow-nothing "
                        + "denies every call"));
            }
            boolean scraped = rendered.customResources("PodMonitoring").stream()
                    .anyMatch(pm -> rendered.selectedBy(pm).contains(deployment));
            if (scraped && allowing(rendered, deployment).stream().noneMatch(MeshRules::admitsTheScrape)) {
                out.add(new Violation("authz", Rendered.id(deployment) + ": is scraped by a PodMonitoring but no ALLOW "
                        + "rule admits a GET of " + Settings.get("asmready.metrics.path") + " on port "
                        + Settings.get("asmready.admin.port") + " without identity, so allow-nothing denies the collector"));
            }
        }
    }

    /** ALLOW policies (not the empty one) that select the Deployment's pods; no selector selects all. */
    private static List<JsonNode> allowing(Rendered rendered, Deployment deployment) {
        return rendered.customResources("AuthorizationPolicy").stream()
                .filter(p -> "ALLOW".equals(p.path("spec").path("action").asString("ALLOW")) && !p.path("spec").isEmpty())
                .filter(p -> p.path("spec").path("selector").isMissingNode()
                        || selects(Rendered.matchLabels(p), labels(deployment.getSpec().getTemplate())))
                .toList();
    }

    private static boolean admitsTheScrape(JsonNode policy) {
        String admin = Settings.get("asmready.admin.port");
        String path = Settings.get("asmready.metrics.path");
        return policy.path("spec").path("rules").values().stream().anyMatch(rule ->
                rule.path("from").values().stream().anyMatch(f -> f.path("source").path("notPrincipals").values().stream()
                        .anyMatch(p -> "*".equals(p.asString(""))))
                        && rule.path("to").values().stream().anyMatch(to -> {
                            JsonNode operation = to.path("operation");
                            return strings(operation.path("ports")).contains(admin)
                                    && (operation.path("methods").isMissingNode() || strings(operation.path("methods")).contains("GET"))
                                    && (operation.path("paths").isMissingNode() || strings(operation.path("paths")).contains(path));
                        }));
    }

    /**
     * A rule that admits requests without identity may name only the ports where plaintext enters,
     * and on the admin port only the scrape: GET of the metrics path. No ports means every port.
     */
    private static void plaintextRule(Rendered rendered, JsonNode policy, JsonNode rule, List<Violation> out) {
        String admin = Settings.get("asmready.admin.port");
        String metrics = Settings.get("asmready.metrics.path");
        List<JsonNode> operations = rule.path("to").values().stream().map(to -> to.path("operation")).toList();
        if (operations.isEmpty() || operations.stream().anyMatch(o -> o.path("ports").isEmpty())) {
            out.add(new Violation("plaintext-exception", Rendered.id(policy) + ": a rule admits requests without "
                    + "identity on every port, the admin port (" + admin + ") included; name the port(s)"));
            return;
        }
        for (JsonNode operation : operations) {
            for (String port : strings(operation.path("ports"))) {
                if (!plaintextPort(rendered, policy, "a rule for requests without identity on port " + port, port, out)) {
                    continue;
                }
                if (port.equals(admin) && (!strings(operation.path("methods")).equals(List.of("GET"))
                        || !strings(operation.path("paths")).equals(List.of(metrics)))) {
                    out.add(new Violation("plaintext-exception", Rendered.id(policy) + ": a rule admits requests without "
                            + "identity on the admin port " + admin + " beyond the metrics scrape; restrict it to methods "
                            + "[GET] and paths [" + metrics + "] (health stays closed; the kubelet's probes do not need it)"));
                }
            }
        }
    }

    private static List<String> strings(JsonNode array) {
        return array.values().stream().map(n -> n.asString("")).toList();
    }
}
