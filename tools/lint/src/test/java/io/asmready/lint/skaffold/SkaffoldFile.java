package io.asmready.lint.skaffold;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * What the checks read from skaffold.yaml: artifacts, kustomize paths and port-forwards, from the
 * top level and from every profile (a profile replaces these when a user selects it, so each one
 * has to be right on its own).
 */
final class SkaffoldFile {
    /** A built image and the Maven module Jib builds it from. */
    record Artifact(String image, String project, String where) {
    }

    /** A port-forward entry; namespace "" means the deploy's default namespace. */
    record PortForward(String resourceType, String resourceName, String namespace, int port, String where) {
    }

    private SkaffoldFile() {
    }

    /** The top level first, then each profile, as "where" labels for messages. */
    private static List<Section> sections(JsonNode skaffold) {
        List<Section> sections = new ArrayList<>();
        sections.add(new Section("skaffold.yaml", skaffold));
        for (JsonNode profile : skaffold.path("profiles")) {
            sections.add(new Section("profile " + profile.path("name").asString("?"), profile));
        }
        return sections;
    }

    private record Section(String where, JsonNode node) {
    }

    static List<Artifact> artifacts(JsonNode skaffold) {
        List<Artifact> artifacts = new ArrayList<>();
        for (Section section : sections(skaffold)) {
            for (JsonNode artifact : section.node().path("build").path("artifacts")) {
                artifacts.add(new Artifact(artifact.path("image").asString(""),
                        artifact.path("jib").path("project").asString(""), section.where()));
            }
        }
        return artifacts;
    }

    /** Kustomize paths per section ("where"), so each profile's manifests can be rendered on their own. */
    static List<KustomizePath> kustomizePaths(JsonNode skaffold) {
        List<KustomizePath> paths = new ArrayList<>();
        for (Section section : sections(skaffold)) {
            for (JsonNode path : section.node().path("manifests").path("kustomize").path("paths")) {
                paths.add(new KustomizePath(path.asString(""), section.where()));
            }
        }
        return paths;
    }

    record KustomizePath(String path, String where) {
    }

    static List<PortForward> portForwards(JsonNode skaffold) {
        List<PortForward> forwards = new ArrayList<>();
        for (Section section : sections(skaffold)) {
            for (JsonNode forward : section.node().path("portForward")) {
                forwards.add(new PortForward(forward.path("resourceType").asString(""),
                        forward.path("resourceName").asString(""), forward.path("namespace").asString(""),
                        forward.path("port").asInt(-1), section.where()));
            }
        }
        return forwards;
    }

    static String defaultNamespace(JsonNode skaffold) {
        return skaffold.path("deploy").path("kubectl").path("defaultNamespace").asString("");
    }
}
