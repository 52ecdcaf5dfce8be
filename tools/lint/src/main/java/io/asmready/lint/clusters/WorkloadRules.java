package io.asmready.lint.clusters;

import static io.asmready.lint.clusters.Rendered.id;
import static io.asmready.lint.clusters.Rendered.labels;
import static io.asmready.lint.clusters.Rendered.selects;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.asmready.lint.Settings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * What the mesh needs to see a workload: a Service for each, selectors that never change, app/version
 * labels, Services that target named container ports, none of the ports the sidecar takes for
 * itself, and no admin port outside the cluster. (Selectors that match their pods: the API server
 * and the EndpointSlice check of tools/local-cluster/tests/manifests.bats; port names and
 * appProtocol: istioctl analyze's IST0118 in mesh.bats.)
 */
final class WorkloadRules {
    /** Labels a selector must never use: they change from one release to the next. */
    private static final List<String> UNSTABLE_LABELS = List.of("version");
    /** Envoy and the Istio agent listen on these inside every meshed pod. */
    private static final int RESERVED_FIRST = 15000;
    private static final int RESERVED_LAST = 15090;

    private WorkloadRules() {
    }

    static void check(Rendered rendered, Overlay overlay, List<Violation> out) {
        namespaces(rendered, overlay, out);
        for (Deployment deployment : rendered.deployments()) {
            String id = id(deployment);
            Map<String, String> podLabels = labels(deployment.getSpec().getTemplate());
            for (String label : List.of("app", "version")) {
                if (deployment.getMetadata().getLabels() == null || !deployment.getMetadata().getLabels().containsKey(label)) {
                    out.add(new Violation("labels", id + ": metadata.labels has no '" + label + "' label"));
                }
                if (!podLabels.containsKey(label)) {
                    out.add(new Violation("labels", id + ": the pod template has no '" + label + "' label"));
                }
            }
            Map<String, String> selector = deployment.getSpec().getSelector() == null ? null
                    : deployment.getSpec().getSelector().getMatchLabels();
            stableSelector(id, selector, out);
            if (rendered.services().stream().noneMatch(s -> selects(s.getSpec().getSelector(), podLabels))) {
                out.add(new Violation("service-per-workload", id + ": no Service selects its pods " + podLabels
                        + " (the mesh knows a workload only through a Service)"));
            }
            for (Container container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                for (ContainerPort port : container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
                    reservedPort(id + ": container " + container.getName(), port.getContainerPort(), out);
                }
            }
        }
        for (Service service : rendered.services()) {
            service(rendered, service, out);
        }
    }

    private static void namespaces(Rendered rendered, Overlay overlay, List<Violation> out) {
        if (rendered.namespaces().stream().noneMatch(n -> overlay.namespace().equals(n.getMetadata().getName()))) {
            out.add(new Violation("namespace", "no Namespace object " + overlay.namespace() + " in the output"));
        }
        for (HasMetadata object : rendered.objects()) {
            if (!(object instanceof io.fabric8.kubernetes.api.model.Namespace)
                    && !overlay.namespace().equals(object.getMetadata().getNamespace())) {
                out.add(new Violation("namespace", id(object) + ": namespace '" + object.getMetadata().getNamespace()
                        + "', expected " + overlay.namespace()));
            }
        }
        rendered.customResources().stream()
                .filter(o -> !overlay.namespace().equals(o.path("metadata").path("namespace").asString("")))
                .forEach(o -> out.add(new Violation("namespace", o.path("kind").asString() + "/"
                        + o.path("metadata").path("name").asString() + ": namespace '"
                        + o.path("metadata").path("namespace").asString("") + "', expected " + overlay.namespace())));
    }

    private static void stableSelector(String id, Map<String, String> selector, List<Violation> out) {
        if (selector == null) {
            return;
        }
        for (String label : UNSTABLE_LABELS) {
            if (selector.containsKey(label)) {
                out.add(new Violation("stable-selector", id + ": selects on '" + label
                        + "', which changes between releases; select on 'app' only"));
            }
        }
    }

    private static void reservedPort(String where, Integer port, List<Violation> out) {
        if (port != null && port >= RESERVED_FIRST && port <= RESERVED_LAST) {
            out.add(new Violation("reserved-port", where + " uses port " + port + ", inside " + RESERVED_FIRST + "-"
                    + RESERVED_LAST + " which the mesh's sidecar reserves"));
        }
    }

    private static void service(Rendered rendered, Service service, List<Violation> out) {
        String id = id(service);
        Map<String, String> selector = service.getSpec().getSelector();
        stableSelector(id, selector, out);
        List<Deployment> selected = rendered.deployments().stream()
                .filter(d -> selects(selector, labels(d.getSpec().getTemplate()))).toList();
        for (ServicePort port : service.getSpec().getPorts()) {
            reservedPort(id, port.getPort(), out);
            targetPort(id, port, selected, out);
            publicAdmin(id, service, port, selected, out);
        }
    }

    /** Health and metrics (the admin port) are nobody's business outside the cluster. */
    private static void publicAdmin(String id, Service service, ServicePort port, List<Deployment> selected,
                                    List<Violation> out) {
        String type = Objects.requireNonNullElse(service.getSpec().getType(), "ClusterIP");
        if (!type.equals("LoadBalancer") && !type.equals("NodePort")) {
            return;
        }
        int admin = Settings.getInt("asmready.admin.port");
        IntOrString target = port.getTargetPort() != null ? port.getTargetPort() : new IntOrString(port.getPort());
        for (Deployment deployment : selected) {
            if (Rendered.containerPort(deployment, target).filter(p -> p == admin).isPresent()) {
                out.add(new Violation("public-admin", id + ": " + type + " port " + port.getPort() + " reaches "
                        + id(deployment) + "'s admin port " + admin + " (asmready.admin.port): health and metrics "
                        + "would be public; expose only the hello port"));
            }
        }
    }

    private static void targetPort(String id, ServicePort port, List<Deployment> selected, List<Violation> out) {
        IntOrString target = port.getTargetPort();
        if (target == null || target.getStrVal() == null) {
            out.add(new Violation("target-port", id + ": port " + port.getPort() + " targets "
                    + (target == null ? "nothing" : target.getIntVal())
                    + "; target a named container port ('http') so a port change cannot break it"));
            return;
        }
        for (Deployment deployment : selected) {
            boolean named = deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                    .flatMap(c -> c.getPorts() == null ? java.util.stream.Stream.empty() : c.getPorts().stream())
                    .anyMatch(p -> Objects.equals(target.getStrVal(), p.getName()));
            if (!named) {
                out.add(new Violation("target-port", id + ": targetPort '" + target.getStrVal()
                        + "' names no container port of " + id(deployment)));
            }
        }
    }
}
