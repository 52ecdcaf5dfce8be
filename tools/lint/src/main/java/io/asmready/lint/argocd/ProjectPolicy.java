package io.asmready.lint.argocd;

import java.util.List;

import io.asmready.lint.Manifests;
import tools.jackson.databind.JsonNode;

/**
 * What an AppProject lets its Applications do, with Argo CD's rules: a source repository or
 * destination must match one of its patterns; a cluster-scoped kind must be in
 * {@code clusterResourceWhitelist} (empty means none) and not in the blacklist; a namespaced kind
 * must be in {@code namespaceResourceWhitelist} when that list is given (absent means all) and not
 * in {@code namespaceResourceBlacklist}.
 */
record ProjectPolicy(String name, JsonNode spec) {
    static ProjectPolicy of(JsonNode appProject) {
        return new ProjectPolicy(Manifests.name(appProject), appProject.path("spec"));
    }

    boolean permitsSource(String repoUrl) {
        return spec.path("sourceRepos").values().stream().anyMatch(p -> Glob.matches(p.asString(""), repoUrl));
    }

    /** A destination given by server URL (what argocd/ uses) and namespace. */
    boolean permitsDestination(String server, String namespace) {
        return spec.path("destinations").values().stream().anyMatch(d ->
                Glob.matches(d.path("server").asString(""), server)
                        && Glob.matches(d.path("namespace").asString(""), namespace));
    }

    boolean permitsKind(String group, String kind, boolean clusterScoped) {
        if (clusterScoped) {
            return listed("clusterResourceWhitelist", group, kind) && !listed("clusterResourceBlacklist", group, kind);
        }
        JsonNode whitelist = spec.get("namespaceResourceWhitelist");
        boolean allowed = whitelist == null || whitelist.isNull() || listed("namespaceResourceWhitelist", group, kind);
        return allowed && !listed("namespaceResourceBlacklist", group, kind);
    }

    private boolean listed(String list, String group, String kind) {
        List<JsonNode> entries = spec.path(list).values().stream().toList();
        return entries.stream().anyMatch(e -> Glob.matches(e.path("group").asString(""), group)
                && Glob.matches(e.path("kind").asString(""), kind));
    }
}
