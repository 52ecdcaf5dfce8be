package io.asmready.lint.clusters;

import static io.asmready.lint.clusters.Rendered.id;
import static io.asmready.lint.clusters.Rendered.labels;
import static io.asmready.lint.clusters.Rendered.selects;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.ContainerResourceMetricSource;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/**
 * Replicas, autoscaler and disruption budget that agree: the autoscaler alone owns the replica count
 * of what it scales (else Argo CD's self-heal and the autoscaler fight over spec.replicas), scales on
 * the requested CPU of the app container (not the pod's average, which the mesh's sidecar skews), and
 * never goes below what the budget needs to let a node drain.
 */
final class ScalingRules {
    private ScalingRules() {
    }

    static void check(Rendered rendered, List<Violation> out) {
        for (HorizontalPodAutoscaler hpa : rendered.autoscalers()) {
            String id = id(hpa);
            var target = hpa.getSpec().getScaleTargetRef();
            Optional<Deployment> deployment = rendered.deployments().stream()
                    .filter(d -> "Deployment".equals(target.getKind()) && "apps/v1".equals(target.getApiVersion())
                            && d.getMetadata().getName().equals(target.getName()))
                    .findFirst();
            if (deployment.isEmpty()) {
                out.add(new Violation("hpa", id + ": scaleTargetRef " + target.getApiVersion() + " " + target.getKind()
                        + "/" + target.getName() + " is not in the output"));
                continue;
            }
            int min = Optional.ofNullable(hpa.getSpec().getMinReplicas()).orElse(1);
            int max = hpa.getSpec().getMaxReplicas();
            if (min < 2 || max < min) {
                out.add(new Violation("hpa", id + ": minReplicas " + min + ", maxReplicas " + max
                        + "; expected 2 <= min <= max, so one pod can go while another serves"));
            }
            if (deployment.get().getSpec().getReplicas() != null) {
                out.add(new Violation("hpa", id + ": " + id(deployment.get()) + " sets replicas "
                        + deployment.get().getSpec().getReplicas() + " although the autoscaler owns that count "
                        + "(Argo CD would reset it on every self-heal)"));
            }
            List<MetricSpec> metrics = hpa.getSpec().getMetrics() == null ? List.of() : hpa.getSpec().getMetrics();
            if (metrics.stream().anyMatch(m -> "Resource".equals(m.getType()))) {
                out.add(new Violation("hpa", id + ": scales on a Resource metric, the average of the whole pod, sidecar "
                        + "included; use type ContainerResource with the app container"));
            }
            Set<String> containers = deployment.get().getSpec().getTemplate().getSpec().getContainers().stream()
                    .map(c -> c.getName()).collect(Collectors.toSet());
            List<ContainerResourceMetricSource> cpu = metrics.stream()
                    .filter(m -> "ContainerResource".equals(m.getType()) && m.getContainerResource() != null)
                    .map(MetricSpec::getContainerResource)
                    .filter(r -> "cpu".equals(r.getName()) && r.getTarget() != null
                            && "Utilization".equals(r.getTarget().getType()) && r.getTarget().getAverageUtilization() != null)
                    .toList();
            if (cpu.isEmpty()) {
                out.add(new Violation("hpa", id + ": no ContainerResource cpu Utilization metric"));
            }
            for (ContainerResourceMetricSource source : cpu) {
                if (!containers.contains(source.getContainer())) {
                    out.add(new Violation("hpa", id + ": container '" + source.getContainer() + "' is not a container of "
                            + id(deployment.get()) + " " + containers));
                    continue;
                }
                boolean requested = deployment.get().getSpec().getTemplate().getSpec().getContainers().stream()
                        .filter(c -> c.getName().equals(source.getContainer()))
                        .allMatch(c -> c.getResources() != null && c.getResources().getRequests() != null
                                && c.getResources().getRequests().containsKey("cpu"));
                if (!requested) {
                    out.add(new Violation("hpa", id + ": CPU utilization of container " + source.getContainer()
                            + " needs its CPU request"));
                }
            }
        }
        for (PodDisruptionBudget pdb : rendered.disruptionBudgets()) {
            disruptionBudget(rendered, pdb, out);
        }
    }

    private static void disruptionBudget(Rendered rendered, PodDisruptionBudget pdb, List<Violation> out) {
        String id = id(pdb);
        var selector = pdb.getSpec().getSelector() == null ? null : pdb.getSpec().getSelector().getMatchLabels();
        List<Deployment> selected = rendered.deployments().stream()
                .filter(d -> selects(selector, labels(d.getSpec().getTemplate()))).toList();
        if (selected.size() != 1) {
            out.add(new Violation("pdb", id + ": selects " + selected.size() + " Deployments; expected exactly one"));
            return;
        }
        Deployment deployment = selected.getFirst();
        int replicas = rendered.autoscalers().stream()
                .filter(h -> h.getSpec().getScaleTargetRef().getName().equals(deployment.getMetadata().getName()))
                .map(h -> Optional.ofNullable(h.getSpec().getMinReplicas()).orElse(1))
                .findFirst()
                .orElse(Optional.ofNullable(deployment.getSpec().getReplicas()).orElse(1));
        IntOrString minAvailable = pdb.getSpec().getMinAvailable();
        IntOrString maxUnavailable = pdb.getSpec().getMaxUnavailable();
        boolean allowsDisruption;
        if (minAvailable != null && minAvailable.getIntVal() != null) {
            allowsDisruption = minAvailable.getIntVal() < replicas && minAvailable.getIntVal() >= 1;
        } else if (maxUnavailable != null && maxUnavailable.getIntVal() != null) {
            allowsDisruption = maxUnavailable.getIntVal() >= 1 && replicas >= 2;
        } else {
            allowsDisruption = false;
        }
        if (!allowsDisruption) {
            out.add(new Violation("pdb", id + ": with " + replicas + " replicas (at least) of " + id(deployment)
                    + ", minAvailable " + minAvailable + " / maxUnavailable " + maxUnavailable
                    + " must keep one pod serving and still let one go (use integers)"));
        }
    }
}
