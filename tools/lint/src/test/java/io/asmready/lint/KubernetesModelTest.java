package io.asmready.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class KubernetesModelTest {
    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                  - name: web
                    image: web
                    ports: [{name: http, containerPort: 8080}]
                    lifecycle: {preStop: {sleep: {seconds: 5}}}
            """;

    private static JsonNode yaml(String text) {
        return Yaml.readAll(text, "test").getFirst();
    }

    @Test
    void parsesADeploymentIncludingTheNativeSleepAction() {
        Deployment deployment = (Deployment) KubernetesModel.parse(yaml(DEPLOYMENT));
        assertEquals(5L, deployment.getSpec().getTemplate().getSpec().getContainers().getFirst()
                .getLifecycle().getPreStop().getSleep().getSeconds());
        assertTrue(deployment instanceof Namespaced);
    }

    @Test
    void leavesUnknownFieldsToTheApiServer() {
        Deployment deployment = (Deployment) KubernetesModel.parse(yaml(DEPLOYMENT.replace("image: web",
                "imagePullPolcy: Always\n        image: web")));
        assertEquals("web", deployment.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage());
    }

    @Test
    void aKindWithoutModelIsNotModelled() {
        JsonNode removedApi = yaml(DEPLOYMENT.replace("apps/v1", "extensions/v1beta2"));
        assertFalse(KubernetesModel.isModelled(removedApi));
        LintException e = assertThrows(LintException.class, () -> KubernetesModel.parse(removedApi));
        assertTrue(e.getMessage().startsWith("Deployment/web: no Kubernetes model for apiVersion extensions/v1beta2"),
                e.getMessage());
    }

    @Test
    void customResourcesAreNotModelled() {
        assertFalse(KubernetesModel.isModelled(yaml("""
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: default}
                """)));
    }
}
