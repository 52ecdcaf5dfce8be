package io.asmready.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class KustomizeTest {
    @Test
    void rendersAKustomizationIntoObjects(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                namespace: demo
                resources: [cm.yaml]
                """);
        Files.writeString(dir.resolve("cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n"
                + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n");
        List<JsonNode> objects = Kustomize.render(dir);
        assertEquals(List.of("ConfigMap/a", "ConfigMap/b"), objects.stream().map(Manifests::id).toList());
        assertEquals("demo", Manifests.namespace(objects.getFirst()));
    }

    @Test
    void aRenderingErrorFailsWithKubectlsMessage(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("kustomization.yaml"), "resources: [missing.yaml]\n");
        LintException e = assertThrows(LintException.class, () -> Kustomize.render(dir));
        assertTrue(e.getMessage().startsWith("kubectl kustomize " + dir + " failed: ")
                && e.getMessage().contains("missing.yaml"), e.getMessage());
    }
}
