package io.asmready.lint.clusters;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import tools.jackson.databind.JsonNode;

/**
 * An overlay's rendered output, sorted by kind: core objects as fabric8 models (those that parsed),
 * custom resources as trees.
 */
record Rendered(List<HasMetadata> objects, List<JsonNode> customResources) {
    List<Deployment> deployments() {
        return of(Deployment.class);
    }

    List<Service> services() {
        return of(Service.class);
    }

    List<ServiceAccount> serviceAccounts() {
        return of(ServiceAccount.class);
    }

    List<Namespace> namespaces() {
        return of(Namespace.class);
    }

    List<HorizontalPodAutoscaler> autoscalers() {
        return of(HorizontalPodAutoscaler.class);
    }

    List<PodDisruptionBudget> disruptionBudgets() {
        return of(PodDisruptionBudget.class);
    }

    List<JsonNode> customResources(String kind) {
        return customResources.stream().filter(o -> kind.equals(o.path("kind").asString(""))).toList();
    }

    /** The Deployments whose pods a custom resource's spec.selector.matchLabels selects. */
    List<Deployment> selectedBy(JsonNode resource) {
        Map<String, String> selector = matchLabels(resource);
        return deployments().stream().filter(d -> selects(selector, labels(d.getSpec().getTemplate()))).toList();
    }

    static Map<String, String> matchLabels(JsonNode resource) {
        Map<String, String> selector = new java.util.HashMap<>();
        resource.path("spec").path("selector").path("matchLabels").properties()
                .forEach(e -> selector.put(e.getKey(), e.getValue().asString("")));
        return selector;
    }

    /** A port reference (a number, or the name of a container port) resolved in a Deployment's pods. */
    static Optional<Integer> containerPort(Deployment deployment, IntOrString port) {
        if (port == null) {
            return Optional.empty();
        }
        if (port.getIntVal() != null) {
            return Optional.of(port.getIntVal());
        }
        return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                .flatMap(c -> c.getPorts() == null ? java.util.stream.Stream.<ContainerPort>empty() : c.getPorts().stream())
                .filter(p -> Objects.equals(port.getStrVal(), p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst();
    }

    static String id(JsonNode resource) {
        return resource.path("kind").asString("") + "/" + resource.path("metadata").path("name").asString("");
    }

    private <T> List<T> of(Class<T> type) {
        List<T> found = new ArrayList<>();
        for (HasMetadata object : objects) {
            if (type.isInstance(object)) {
                found.add(type.cast(object));
            }
        }
        return found;
    }

    static String id(HasMetadata object) {
        return object.getKind() + "/" + object.getMetadata().getName();
    }

    static Map<String, String> labels(PodTemplateSpec template) {
        return template == null || template.getMetadata() == null || template.getMetadata().getLabels() == null
                ? Map.of() : template.getMetadata().getLabels();
    }

    /** Whether a selector (all of its labels) matches a label set; an empty selector matches nothing here. */
    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty()
                && selector.entrySet().stream().allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
    }
}
