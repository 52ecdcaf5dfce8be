package io.asmready.lint.clusters;

import java.util.List;
import java.util.Objects;

import io.asmready.lint.Settings;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import tools.jackson.databind.JsonNode;

/**
 * Metrics somebody collects: where Managed Service for Prometheus runs (GKE), every workload has a
 * PodMonitoring that scrapes its admin port on the metrics path the apps serve (the root POM's
 * asmready.admin.port and asmready.metrics.path), and, in the mesh, that port admits the collector,
 * which has no sidecar. Elsewhere (kind, minikube) the kind does not exist, so there is none.
 */
final class MonitoringRules {
    static final String KIND = "PodMonitoring";

    private MonitoringRules() {
    }

    static void check(Rendered rendered, Overlay overlay, List<Violation> out) {
        List<JsonNode> monitorings = rendered.customResources(KIND);
        if (!overlay.monitoring()) {
            for (JsonNode monitoring : monitorings) {
                out.add(new Violation("pod-monitoring", Rendered.id(monitoring) + ": a PodMonitoring in an overlay "
                        + "without Managed Service for Prometheus (the kind exists only where GKE's managed collection runs)"));
            }
            return;
        }
        int admin = Settings.getInt("asmready.admin.port");
        String path = Settings.get("asmready.metrics.path");
        for (JsonNode monitoring : monitorings) {
            List<Deployment> selected = rendered.selectedBy(monitoring);
            if (selected.isEmpty()) {
                out.add(new Violation("pod-monitoring", Rendered.id(monitoring) + ": selector "
                        + Rendered.matchLabels(monitoring) + " matches no pod, so nothing is scraped"));
            }
            for (JsonNode endpoint : monitoring.path("spec").path("endpoints").values()) {
                JsonNode port = endpoint.path("port");
                IntOrString ref = port.isInt() ? new IntOrString(port.asInt()) : new IntOrString(port.asString(""));
                for (Deployment deployment : selected) {
                    Integer number = Rendered.containerPort(deployment, ref).orElse(null);
                    if (!Objects.equals(number, admin)) {
                        String what = port.isInt() || number == null ? port.asString("") : port.asString("") + " (" + number + ")";
                        out.add(new Violation("pod-monitoring", Rendered.id(monitoring) + ": scrapes port " + what
                                + (number == null ? ", which names no container port," : "") + " of "
                                + Rendered.id(deployment) + "; metrics are served only on the admin port asmready.admin.port="
                                + admin));
                    }
                }
                String scraped = endpoint.path("path").asString("/metrics");
                if (!scraped.equals(path)) {
                    out.add(new Violation("pod-monitoring", Rendered.id(monitoring) + ": scrapes path " + scraped
                            + "; the apps serve metrics on asmready.metrics.path=" + path));
                }
            }
        }
        for (Deployment deployment : rendered.deployments()) {
            if (monitorings.stream().noneMatch(m -> rendered.selectedBy(m).contains(deployment))) {
                out.add(new Violation("pod-monitoring", Rendered.id(deployment) + ": no PodMonitoring selects its pods, "
                        + "so nobody collects its metrics"));
            }
            if (overlay.mesh() && monitorings.stream().anyMatch(m -> rendered.selectedBy(m).contains(deployment))
                    && !permissive(rendered, deployment, String.valueOf(admin))) {
                out.add(new Violation("pod-monitoring", Rendered.id(deployment) + ": is scraped but its admin port " + admin
                        + " is STRICT mTLS; the collector has no sidecar, so every scrape fails (PERMISSIVE on that port)"));
            }
        }
    }

    /** Whether a PeerAuthentication selecting the Deployment makes the port accept plaintext. */
    private static boolean permissive(Rendered rendered, Deployment deployment, String port) {
        return rendered.customResources("PeerAuthentication").stream()
                .filter(pa -> !pa.path("spec").path("selector").isMissingNode())
                .filter(pa -> rendered.selectedBy(pa).contains(deployment))
                .anyMatch(pa -> "PERMISSIVE".equals(pa.path("spec").path("portLevelMtls").path(port).path("mode").asString("")));
    }
}
