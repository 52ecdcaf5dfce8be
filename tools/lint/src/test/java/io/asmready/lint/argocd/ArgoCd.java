package io.asmready.lint.argocd;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.asmready.lint.Kustomize;
import io.asmready.lint.Manifests;
import io.asmready.lint.Schemas;
import io.asmready.lint.Settings;
import io.asmready.lint.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * What the Argo CD checks share: argocd/ rendered as `make cluster` applies it, the scopes of the
 * custom kinds clusters/ renders (from their pinned CRDs), and a checker whose renderer is cached
 * (each path is rendered once per run).
 */
final class ArgoCd {
    private static final Map<Path, List<JsonNode>> RENDERED = new ConcurrentHashMap<>();
    private static KindScope scopes;

    private ArgoCd() {
    }

    /** argocd/ rendered by kustomize, as text (fixtures edit it). */
    static String renderedText() {
        return Kustomize.renderText(Settings.path("argocd"));
    }

    static List<JsonNode> objects(String yaml) {
        return Yaml.readAll(yaml, "argocd/ (rendered)");
    }

    static List<JsonNode> applications(List<JsonNode> objects) {
        return Manifests.ofKind(objects, "Application");
    }

    static synchronized KindScope scopes() {
        if (scopes == null) {
            scopes = KindScope.fromCrdFiles(Schemas.require("istio/customresourcedefinitions.gen.yaml"),
                    Schemas.require("gmp/podmonitorings-crd.yaml"));
        }
        return scopes;
    }

    /** A kustomization directory rendered once per run. */
    static List<JsonNode> render(Path dir) {
        return RENDERED.computeIfAbsent(dir, Kustomize::render);
    }

    static ApplicationCheck checker(List<JsonNode> argocdObjects) {
        return checker(argocdObjects, ArgoCd::render);
    }

    static ApplicationCheck checker(List<JsonNode> argocdObjects, Function<Path, List<JsonNode>> render) {
        return new ApplicationCheck(Settings.root(), argocdObjects, render, scopes());
    }

    /** Every problem of every Application in the given argocd/ objects. */
    static List<String> problems(List<JsonNode> argocdObjects) {
        return problems(argocdObjects, ArgoCd::render);
    }

    static List<String> problems(List<JsonNode> argocdObjects, Function<Path, List<JsonNode>> render) {
        ApplicationCheck check = checker(argocdObjects, render);
        return applications(argocdObjects).stream().flatMap(a -> check.check(a).stream()).toList();
    }
}
