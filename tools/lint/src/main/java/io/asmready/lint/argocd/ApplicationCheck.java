package io.asmready.lint.argocd;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.asmready.lint.KubernetesModel;
import io.asmready.lint.LintException;
import io.asmready.lint.Manifests;
import tools.jackson.databind.JsonNode;

/**
 * Whether an Application in argocd/ will really sync what it points at: its project exists and allows
 * its source, destination and every kind its path renders to; the sync policy heals, prunes, retries
 * long enough for the mesh's kinds to appear, in one wave whose custom resources skip the dry run
 * while their kinds are missing; its deletion takes its resources along. Each problem is one line naming the Application.
 */
final class ApplicationCheck {
    // Domain-qualified (with a path): the API server warns about a bare finalizer name.
    static final String FINALIZER = "resources-finalizer.argocd.argoproj.io/foreground";
    static final String IN_CLUSTER = "https://kubernetes.default.svc";
    /** The managed mesh control plane takes about ten minutes to come up, sometimes twice that. */
    static final Duration MESH_PROVISIONING = Duration.ofMinutes(30);
    /** Once the mesh's kinds exist, its objects should follow within minutes, not hours. */
    static final Duration MAX_RETRY_WAIT = Duration.ofMinutes(5);

    private final Path repoRoot;
    private final Map<String, ProjectPolicy> projects;
    private final Function<Path, List<JsonNode>> render;
    private final KindScope scopes;

    ApplicationCheck(Path repoRoot, List<JsonNode> argocdObjects, Function<Path, List<JsonNode>> render, KindScope scopes) {
        this.repoRoot = repoRoot;
        this.projects = new java.util.HashMap<>();
        for (JsonNode project : Manifests.ofKind(argocdObjects, "AppProject")) {
            projects.put(Manifests.name(project), ProjectPolicy.of(project));
        }
        this.render = render;
        this.scopes = scopes;
    }

    List<String> check(JsonNode application) {
        String id = Manifests.id(application);
        List<String> problems = new ArrayList<>();
        JsonNode spec = application.path("spec");
        JsonNode source = spec.path("source");
        String repoUrl = source.path("repoURL").asString("");
        String path = source.path("path").asString("");
        String server = spec.path("destination").path("server").asString("");
        String namespace = spec.path("destination").path("namespace").asString("");

        ProjectPolicy project = projects.get(spec.path("project").asString(""));
        if (project == null) {
            problems.add(id + ": spec.project '" + spec.path("project").asString("") + "' is not an AppProject in argocd/ "
                    + projects.keySet());
        } else {
            if (!project.permitsSource(repoUrl)) {
                problems.add(id + ": AppProject " + project.name() + " does not allow source " + repoUrl);
            }
            if (!project.permitsDestination(server, namespace)) {
                problems.add(id + ": AppProject " + project.name() + " does not allow destination " + server
                        + " namespace " + namespace);
            }
        }
        if (!IN_CLUSTER.equals(server)) {
            problems.add(id + ": destination.server is " + server + "; this cluster's own Argo CD deploys to " + IN_CLUSTER);
        }
        String revision = source.path("targetRevision").asString("");
        if (revision.isBlank() || "HEAD".equals(revision)) {
            problems.add(id + ": source.targetRevision '" + revision + "' follows the remote's HEAD; name a branch, tag or commit");
        }
        problems.addAll(syncPolicy(id, spec.path("syncPolicy")));
        if (application.path("metadata").path("finalizers").values().stream()
                .noneMatch(f -> f.asString("").equals(FINALIZER) || f.asString("").startsWith(FINALIZER + "/"))) {
            problems.add(id + ": no " + FINALIZER + ": deleting the Application would leave its resources "
                    + "(and the load balancer) behind");
        }

        Path dir = repoRoot.resolve(path).normalize();
        if (path.isBlank() || !dir.startsWith(repoRoot) || !Files.isDirectory(dir)) {
            problems.add(id + ": source.path '" + path + "' is not a directory of this repository");
            return problems;
        }
        List<JsonNode> rendered;
        try {
            rendered = render.apply(dir);
        } catch (LintException e) {
            problems.add(id + ": source.path " + path + " does not render: " + e.getMessage());
            return problems;
        }
        if (project != null) {
            problems.addAll(kinds(id, project, namespace, rendered));
        }
        problems.addAll(namespaceCreation(id, spec, namespace, rendered));
        problems.addAll(syncWaves(id, rendered));
        problems.addAll(autoscaledReplicas(id, spec, rendered));
        return problems;
    }

    private static List<String> syncPolicy(String id, JsonNode syncPolicy) {
        List<String> problems = new ArrayList<>();
        JsonNode automated = syncPolicy.path("automated");
        if (!automated.path("prune").asBoolean(false) || !automated.path("selfHeal").asBoolean(false)
                || !automated.path("enabled").asBoolean(true)) {
            problems.add(id + ": syncPolicy.automated must be enabled with prune and selfHeal true");
        }
        JsonNode retry = syncPolicy.path("retry");
        if (retry.isMissingNode()) {
            problems.add(id + ": no syncPolicy.retry: automated sync does not retry a failed sync, so the mesh "
                    + "objects would never be applied once the mesh's kinds exist");
            return problems;
        }
        Backoff backoff = Backoff.of(retry);
        if (!backoff.unlimited() && backoff.span().compareTo(MESH_PROVISIONING) < 0) {
            problems.add(id + ": syncPolicy.retry gives up after " + backoff.span().toMinutes() + " min; the mesh "
                    + "control plane may take " + MESH_PROVISIONING.toMinutes() + " min (use limit: -1 or a longer backoff)");
        }
        if (backoff.longestWait().compareTo(MAX_RETRY_WAIT) > 0) {
            problems.add(id + ": syncPolicy.retry waits up to " + backoff.longestWait().toMinutes() + " min between "
                    + "attempts; keep maxDuration at most " + MAX_RETRY_WAIT.toMinutes() + " min");
        }
        if (!retry.path("refresh").asBoolean(false)) {
            problems.add(id + ": syncPolicy.retry.refresh is not true: a retrying sync would keep re-applying the "
                    + "failed revision instead of a fix pushed meanwhile");
        }
        return problems;
    }

    private List<String> kinds(String id, ProjectPolicy project, String destination, List<JsonNode> rendered) {
        List<String> problems = new ArrayList<>();
        for (JsonNode object : rendered) {
            boolean cluster;
            try {
                cluster = scopes.clusterScoped(object);
            } catch (LintException e) {
                problems.add(id + ": " + e.getMessage());
                continue;
            }
            String group = Manifests.group(object);
            if (!project.permitsKind(group, Manifests.kind(object), cluster)) {
                problems.add(id + ": AppProject " + project.name() + " does not allow " + (cluster ? "cluster-scoped" : "namespaced")
                        + " kind " + (group.isEmpty() ? "" : group + "/") + Manifests.kind(object) + " (" + Manifests.id(object)
                        + "); add it to " + (cluster ? "clusterResourceWhitelist" : "namespaceResourceWhitelist"));
            }
            String namespace = Manifests.namespace(object);
            if (!cluster && !namespace.isEmpty() && !project.permitsDestination(IN_CLUSTER, namespace)) {
                problems.add(id + ": " + Manifests.id(object) + " goes to namespace " + namespace
                        + ", which AppProject " + project.name() + " does not allow");
            }
            if (!cluster && !namespace.isEmpty() && !namespace.equals(destination)) {
                problems.add(id + ": " + Manifests.id(object) + " is in namespace " + namespace + ", not the destination "
                        + destination);
            }
        }
        return problems;
    }

    private static List<String> namespaceCreation(String id, JsonNode spec, String namespace, List<JsonNode> rendered) {
        boolean declared = Manifests.find(rendered, "Namespace", namespace).isPresent();
        boolean created = spec.path("syncPolicy").path("syncOptions").values().stream()
                .anyMatch(o -> "CreateNamespace=true".equals(o.asString("")));
        return declared || created ? List.of()
                : List.of(id + ": namespace " + namespace + " is neither rendered nor created (syncOptions CreateNamespace=true)");
    }

    /**
     * One sync wave, custom resources that may wait for their kinds. Argo CD 3.5 applies a later wave
     * only once every resource of the earlier ones is Healthy (gitops-engine's sync context), and a
     * Degraded one fails the sync: a fresh HorizontalPodAutoscaler on a Resource metric is Degraded
     * until its metrics arrive, a LoadBalancer Service Progressing until it has an IP, so a wave behind them waits (or
     * fails) for nothing. In one wave everything applies at once; a custom resource whose kind is not
     * installed yet (the mesh's, PodMonitoring) must skip the dry run, or the whole sync fails before
     * anything is applied; its apply then fails the sync and the Application's retry applies it once
     * the kind exists.
     */
    private static List<String> syncWaves(String id, List<JsonNode> rendered) {
        List<String> problems = new ArrayList<>();
        java.util.Set<Integer> waves = new java.util.TreeSet<>();
        rendered.forEach(o -> waves.add(wave(o)));
        if (waves.size() > 1) {
            for (JsonNode object : rendered) {
                if (object.path("metadata").path("annotations").has("argocd.argoproj.io/sync-wave")) {
                    problems.add(id + ": " + Manifests.id(object) + " is in sync wave " + wave(object) + " of " + waves
                            + "; keep one wave: Argo CD starts a later wave only when every resource of the earlier ones "
                            + "is Healthy, which a fresh autoscaler or load balancer is not");
                }
            }
        }
        for (JsonNode object : rendered) {
            if (KubernetesModel.isModelled(object)) {
                continue;
            }
            String options = object.path("metadata").path("annotations").path("argocd.argoproj.io/sync-options").asString("");
            if (!List.of(options.split(",")).contains("SkipDryRunOnMissingResource=true")) {
                problems.add(id + ": " + Manifests.id(object) + " lacks argocd.argoproj.io/sync-options: "
                        + "SkipDryRunOnMissingResource=true, so a cluster without its kind fails the whole sync");
            }
        }
        return problems;
    }

    private static int wave(JsonNode object) {
        String wave = object.path("metadata").path("annotations").path("argocd.argoproj.io/sync-wave").asString("0");
        try {
            return Integer.parseInt(wave.trim());
        } catch (NumberFormatException e) {
            throw new LintException(Manifests.id(object) + ": sync-wave '" + wave + "' is not an integer");
        }
    }

    /** An autoscaled Deployment that declares replicas must have them ignored, or every sync resets the autoscaler. */
    private static List<String> autoscaledReplicas(String id, JsonNode spec, List<JsonNode> rendered) {
        List<String> problems = new ArrayList<>();
        for (JsonNode hpa : Manifests.ofKind(rendered, "HorizontalPodAutoscaler")) {
            JsonNode target = hpa.path("spec").path("scaleTargetRef");
            Optional<JsonNode> deployment = Manifests.find(rendered, target.path("kind").asString(""),
                    target.path("name").asString(""));
            if (deployment.isEmpty() || !deployment.get().path("spec").has("replicas")) {
                continue;
            }
            String name = Manifests.name(deployment.get());
            boolean ignored = spec.path("ignoreDifferences").values().stream().anyMatch(d ->
                    "Deployment".equals(d.path("kind").asString(""))
                            && "apps".equals(d.path("group").asString(""))
                            && d.path("name").asString(name).equals(name)
                            && d.path("jsonPointers").values().stream().anyMatch(p -> "/spec/replicas".equals(p.asString(""))));
            boolean respected = spec.path("syncPolicy").path("syncOptions").values().stream()
                    .anyMatch(o -> "RespectIgnoreDifferences=true".equals(o.asString("")));
            if (!ignored || !respected) {
                problems.add(id + ": Deployment/" + name + " declares replicas and is autoscaled by " + Manifests.id(hpa)
                        + ": ignoreDifferences /spec/replicas with RespectIgnoreDifferences=true, or drop the replicas");
            }
        }
        return problems;
    }
}
