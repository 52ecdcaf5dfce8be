package io.asmready.lint.skaffold;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.asmready.lint.Manifests;
import io.asmready.lint.skaffold.SkaffoldFile.Artifact;
import io.asmready.lint.skaffold.SkaffoldFile.KustomizePath;
import io.asmready.lint.skaffold.SkaffoldFile.PortForward;

import tools.jackson.databind.JsonNode;

/**
 * The ways skaffold.yaml can disagree with the rest of the repository without any schema noticing.
 * Each rule returns its problems, one line each (empty when all is well), so that a test can show a
 * rule passes on the real files and rejects a broken copy.
 */
final class SkaffoldRules {
    private SkaffoldRules() {
    }

    /** Each jib project must be a module of the root POM, or Maven's --projects fails at build time. */
    static List<String> projectsAreModules(List<Artifact> artifacts, Set<String> modules) {
        List<String> problems = new ArrayList<>();
        for (Artifact a : artifacts) {
            if (!modules.contains(a.project())) {
                problems.add(a.where() + ": artifact " + a.image() + " has jib project '" + a.project()
                        + "', which is not a module of the root POM " + modules);
            }
        }
        return problems;
    }

    /**
     * The artifacts are exactly the shared image names (root POM asmready.image.*), each once, and each
     * artifact's image is the name Jib gives its module, so skaffold, `make images` and the manifests
     * all speak of the same images.
     */
    static List<String> imagesAreTheSharedNames(List<Artifact> artifacts, Collection<String> sharedNames,
                                                Map<String, String> jibNameByProject) {
        List<String> problems = new ArrayList<>();
        List<String> images = artifacts.stream().map(Artifact::image).toList();
        for (String name : sharedNames) {
            long count = images.stream().filter(name::equals).count();
            if (count != 1) {
                problems.add("skaffold.yaml builds image " + name + " " + count + " times; expected once");
            }
        }
        for (Artifact a : artifacts) {
            if (!sharedNames.contains(a.image())) {
                problems.add(a.where() + ": artifact image '" + a.image() + "' is none of the root POM's "
                        + "asmready.image.* names " + sharedNames);
            }
            String jibName = jibNameByProject.get(a.project());
            if (jibName != null && !jibName.equals(a.image())) {
                problems.add(a.where() + ": artifact image '" + a.image() + "' differs from " + a.project()
                        + "'s Jib image name '" + jibName + "'");
            }
        }
        return problems;
    }

    /** Every kustomize path is a kustomization directory in the repository. */
    static List<String> kustomizePathsExist(List<KustomizePath> paths, Path root) {
        List<String> problems = new ArrayList<>();
        if (paths.isEmpty()) {
            problems.add("skaffold.yaml renders no kustomize path");
        }
        for (KustomizePath p : paths) {
            Path dir = root.resolve(p.path()).normalize();
            boolean kustomization = Files.isRegularFile(dir.resolve("kustomization.yaml"))
                    || Files.isRegularFile(dir.resolve("kustomization.yml"))
                    || Files.isRegularFile(dir.resolve("Kustomization"));
            if (!dir.startsWith(root) || !kustomization) {
                problems.add(p.where() + ": kustomize path '" + p.path() + "' is not a kustomization directory"
                        + " of this repository");
            }
        }
        return problems;
    }

    /**
     * Skaffold replaces an image in the manifests only when it is an artifact's bare name. So every
     * artifact must appear bare in the rendered output (else the built image is never deployed), and
     * every image there must be an artifact (else it stays unsubstituted and the cluster pulls a name
     * that exists nowhere).
     */
    static List<String> imagesSubstitutable(Set<String> artifactImages, List<JsonNode> rendered, String overlay) {
        List<String> problems = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (JsonNode object : rendered) {
            for (JsonNode container : containers(object)) {
                String image = container.path("image").asString("");
                seen.add(image);
                if (!artifactImages.contains(image)) {
                    problems.add(overlay + ": " + Manifests.id(object) + " container '"
                            + container.path("name").asString("?") + "' uses image '" + image
                            + "', which skaffold does not build or substitute; expected one of " + artifactImages);
                }
            }
        }
        for (String image : artifactImages) {
            if (!seen.contains(image)) {
                problems.add(overlay + ": no container uses the bare image '" + image + "' that skaffold builds");
            }
        }
        return problems;
    }

    private static List<JsonNode> containers(JsonNode object) {
        List<JsonNode> found = new ArrayList<>();
        collectContainers(object, found);
        return found;
    }

    private static void collectContainers(JsonNode node, List<JsonNode> found) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                if (Set.of("containers", "initContainers", "ephemeralContainers").contains(e.getKey())
                        && e.getValue().isArray()) {
                    e.getValue().forEach(found::add);
                } else {
                    collectContainers(e.getValue(), found);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collectContainers(child, found));
        }
    }

    /** A port-forward names a Service in the rendered output, in its namespace, by one of its ports. */
    static List<String> portForwardsTargetServices(List<PortForward> forwards, String defaultNamespace,
                                                   List<JsonNode> rendered, String overlay) {
        List<String> problems = new ArrayList<>();
        for (PortForward f : forwards) {
            if (!f.resourceType().equalsIgnoreCase("service")) {
                problems.add(f.where() + ": port-forward to " + f.resourceType() + "/" + f.resourceName()
                        + " is not to a Service; forward a Service so the tutorial's curl reaches any pod");
                continue;
            }
            String namespace = f.namespace().isEmpty() ? defaultNamespace : f.namespace();
            List<JsonNode> services = Manifests.ofKind(rendered, "Service").stream()
                    .filter(s -> Manifests.name(s).equals(f.resourceName()))
                    .filter(s -> Manifests.namespace(s).equals(namespace)).toList();
            if (services.isEmpty()) {
                problems.add(f.where() + ": port-forward targets Service " + namespace + "/" + f.resourceName()
                        + ", which " + overlay + " does not contain");
                continue;
            }
            List<Integer> ports = new ArrayList<>();
            services.getFirst().path("spec").path("ports").forEach(p -> ports.add(p.path("port").asInt(-1)));
            if (!ports.contains(f.port())) {
                problems.add(f.where() + ": port-forward to Service " + f.resourceName() + " port " + f.port()
                        + ", but in " + overlay + " it has ports " + ports);
            }
        }
        return problems;
    }

    /**
     * skaffold deploys only outside the namespaces Argo CD manages (its own and its Applications'
     * destinations): Argo CD's self-heal would revert whatever skaffold changed there.
     */
    static List<String> staysOutOfArgoCd(List<JsonNode> rendered, String defaultNamespace,
                                         Set<String> argoNamespaces, String overlay) {
        List<String> problems = new ArrayList<>();
        if (defaultNamespace.isEmpty() || argoNamespaces.contains(defaultNamespace)) {
            problems.add("skaffold.yaml deploy.kubectl.defaultNamespace '" + defaultNamespace
                    + "' must be set and be none of Argo CD's namespaces " + argoNamespaces);
        }
        for (JsonNode object : rendered) {
            String namespace = Manifests.kind(object).equals("Namespace") ? Manifests.name(object)
                    : Manifests.namespace(object).isEmpty() ? defaultNamespace : Manifests.namespace(object);
            if (argoNamespaces.contains(namespace)) {
                problems.add(overlay + ": " + Manifests.id(object) + " is in namespace " + namespace
                        + ", which Argo CD manages " + argoNamespaces);
            }
        }
        return problems;
    }
}
