package io.asmready.lint.skaffold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import io.asmready.lint.Kustomize;
import io.asmready.lint.Manifests;
import io.asmready.lint.Settings;
import io.asmready.lint.Yaml;
import io.asmready.lint.skaffold.SkaffoldFile.Artifact;
import io.asmready.lint.skaffold.SkaffoldFile.KustomizePath;
import io.asmready.lint.skaffold.SkaffoldFile.PortForward;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * skaffold.yaml agrees with the root POM, clusters/ and argocd/: each rule holds on the real files
 * and rejects a copy broken the way people break them.
 */
class SkaffoldConsistencyTest {
    private static Path root;
    private static JsonNode skaffold;
    private static List<Artifact> artifacts;
    private static Set<String> artifactImages;
    /** Rendered output of every kustomize path skaffold.yaml names, by "path (where)". */
    private static final Map<String, List<JsonNode>> RENDERED = new LinkedHashMap<>();

    @BeforeAll
    static void load() {
        root = Settings.root();
        skaffold = Yaml.readOne(root.resolve("skaffold.yaml"));
        artifacts = SkaffoldFile.artifacts(skaffold);
        artifactImages = artifacts.stream().map(Artifact::image).collect(Collectors.toCollection(LinkedHashSet::new));
        for (KustomizePath p : SkaffoldFile.kustomizePaths(skaffold)) {
            RENDERED.put(p.path() + " (" + p.where() + ")", Kustomize.render(root.resolve(p.path())));
        }
    }

    @Test
    void everyJibProjectIsAModuleOfTheRootPom() {
        Set<String> modules = MavenModules.modules(root);
        assertEquals(List.of(), SkaffoldRules.projectsAreModules(artifacts, modules));

        List<Artifact> broken = List.of(new Artifact("helloserver", "apps/helloserver", "fixture"));
        assertFalse(SkaffoldRules.projectsAreModules(broken, modules).isEmpty());
    }

    @Test
    void artifactImagesAreTheSharedImageNamesJibBuilds() {
        List<String> shared = List.of(Settings.get("asmready.image.server"), Settings.get("asmready.image.loadgen"));
        Map<String, String> jibNames = new LinkedHashMap<>();
        artifacts.forEach(a -> jibNames.put(a.project(), MavenModules.jibImageName(root, a.project())));
        assertEquals(List.of(), SkaffoldRules.imagesAreTheSharedNames(artifacts, shared, jibNames));

        List<Artifact> renamed = new ArrayList<>(artifacts);
        Artifact first = renamed.getFirst();
        renamed.set(0, new Artifact(first.image() + "-typo", first.project(), "fixture"));
        assertEquals(3, SkaffoldRules.imagesAreTheSharedNames(renamed, shared, jibNames).size(),
                "a renamed artifact is missing, unknown and unlike its module's Jib name");
        Map<String, String> otherJibName = new LinkedHashMap<>(jibNames);
        otherJibName.put(first.project(), "something-else");
        assertFalse(SkaffoldRules.imagesAreTheSharedNames(artifacts, shared, otherJibName).isEmpty());
    }

    @Test
    void everyKustomizePathIsAKustomizationOfThisRepository() {
        List<KustomizePath> paths = SkaffoldFile.kustomizePaths(skaffold);
        assertEquals(List.of(), SkaffoldRules.kustomizePathsExist(paths, root));

        List<KustomizePath> broken = List.of(new KustomizePath("clusters/devv", "fixture"),
                new KustomizePath("../elsewhere", "fixture"), new KustomizePath("clusters", "fixture"));
        assertEquals(3, SkaffoldRules.kustomizePathsExist(broken, root).size());
    }

    @Test
    void everyArtifactImageIsBareInTheRenderedOutputAndNoOtherImageIsLeft() {
        RENDERED.forEach((overlay, objects) ->
                assertEquals(List.of(), SkaffoldRules.imagesSubstitutable(artifactImages, objects, overlay)));

        String image = artifactImages.iterator().next();
        List<JsonNode> tagged = editContainers(RENDERED.values().iterator().next(), c -> {
            if (c.path("image").asString("").equals(image)) {
                c.put("image", "docker.io/library/" + image + ":1.0");
            }
        });
        List<String> problems = SkaffoldRules.imagesSubstitutable(artifactImages, tagged, "fixture");
        assertEquals(2, problems.size(), "a tagged image is unsubstituted and its artifact unused: " + problems);
    }

    @Test
    void portForwardTargetsARealServicePort() {
        List<PortForward> forwards = SkaffoldFile.portForwards(skaffold);
        String defaultNamespace = SkaffoldFile.defaultNamespace(skaffold);
        assertFalse(forwards.isEmpty(), "skaffold.yaml forwards no port; the tutorial's curl needs one");
        RENDERED.forEach((overlay, objects) -> assertEquals(List.of(),
                SkaffoldRules.portForwardsTargetServices(forwards, defaultNamespace, objects, overlay)));

        PortForward real = forwards.getFirst();
        List<PortForward> broken = List.of(
                new PortForward(real.resourceType(), real.resourceName(), real.namespace(), real.port() + 1, "wrong port"),
                new PortForward(real.resourceType(), real.resourceName() + "x", real.namespace(), real.port(), "wrong name"),
                new PortForward(real.resourceType(), real.resourceName(), "default", real.port(), "wrong namespace"),
                new PortForward("deployment", real.resourceName(), real.namespace(), real.port(), "not a Service"));
        List<JsonNode> dev = RENDERED.values().iterator().next();
        assertEquals(4, SkaffoldRules.portForwardsTargetServices(broken, defaultNamespace, dev, "fixture").size());
    }

    @Test
    void neverDeploysIntoANamespaceArgoCdManages() {
        Set<String> argo = argoCdNamespaces();
        assertTrue(argo.size() >= 2, "expected Argo CD's own namespace and its destination, found " + argo);
        String defaultNamespace = SkaffoldFile.defaultNamespace(skaffold);
        RENDERED.forEach((overlay, objects) -> assertEquals(List.of(),
                SkaffoldRules.staysOutOfArgoCd(objects, defaultNamespace, argo, overlay)));
        for (PortForward f : SkaffoldFile.portForwards(skaffold)) {
            assertFalse(argo.contains(f.namespace()), f.where() + " port-forwards into Argo CD's namespace " + f.namespace());
        }

        String managed = argo.iterator().next();
        List<JsonNode> moved = RENDERED.values().iterator().next().stream().map(o -> {
            ObjectNode copy = (ObjectNode) o.deepCopy();
            if (copy.path("metadata").has("namespace")) {
                ((ObjectNode) copy.path("metadata")).put("namespace", managed);
            }
            return (JsonNode) copy;
        }).toList();
        assertFalse(SkaffoldRules.staysOutOfArgoCd(moved, defaultNamespace, argo, "fixture").isEmpty());
        assertFalse(SkaffoldRules.staysOutOfArgoCd(List.of(), managed, argo, "fixture").isEmpty(),
                "a default namespace Argo CD manages is rejected");
    }

    @Test
    void meshProfileAddsTheMeshComponentAndLocalProfileNeverPushes() {
        Map<String, Boolean> meshByWhere = new LinkedHashMap<>();
        RENDERED.forEach((overlay, objects) -> meshByWhere.put(overlay,
                objects.stream().anyMatch(o -> Manifests.group(o).endsWith("istio.io"))));
        assertEquals(1, meshByWhere.values().stream().filter(b -> b).count(),
                "exactly the mesh profile's manifests carry Istio objects: " + meshByWhere);
        assertTrue(meshByWhere.entrySet().stream().anyMatch(e -> e.getValue() && e.getKey().contains("profile mesh")),
                "the mesh profile renders the mesh component: " + meshByWhere);

        for (JsonNode profile : skaffold.path("profiles")) {
            JsonNode push = profile.path("build").path("local").path("push");
            switch (profile.path("name").asString("")) {
                case "local" -> assertFalse(push.asBoolean(true), "profile local must not push");
                case "gke" -> assertTrue(push.asBoolean(false), "profile gke must push (to --default-repo)");
                default -> { }
            }
        }
    }

    /** Namespaces Argo CD owns: its own (argocd/ objects) and every destination it syncs into. */
    private static Set<String> argoCdNamespaces() {
        Set<String> namespaces = new LinkedHashSet<>();
        for (JsonNode object : Kustomize.render(root.resolve("argocd"))) {
            namespaces.add(Manifests.namespace(object));
            namespaces.add(object.path("spec").path("destination").path("namespace").asString(""));
            object.path("spec").path("destinations").forEach(d -> namespaces.add(d.path("namespace").asString("")));
        }
        for (JsonNode object : Kustomize.render(root.resolve("clusters/asm-ready"))) {
            namespaces.add(Manifests.kind(object).equals("Namespace") ? Manifests.name(object) : Manifests.namespace(object));
        }
        namespaces.remove("");
        namespaces.remove("*");
        return namespaces;
    }

    private static List<JsonNode> editContainers(List<JsonNode> objects, Consumer<ObjectNode> edit) {
        return objects.stream().map(o -> {
            JsonNode copy = o.deepCopy();
            for (JsonNode c : copy.path("spec").path("template").path("spec").path("containers")) {
                edit.accept((ObjectNode) c);
            }
            return copy;
        }).toList();
    }
}
