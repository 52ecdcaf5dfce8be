package io.asmready.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
                    env: [{name: RATE, value: "10"}]
                    lifecycle: {preStop: {sleep: {seconds: 5}}}
            """;

    private static JsonNode yaml(String text) {
        return Yaml.readAll(text, "test").getFirst();
    }

    @Test
    void parsesAValidDeploymentIncludingTheNativeSleepAction() {
        Deployment deployment = (Deployment) KubernetesModel.parse(yaml(DEPLOYMENT));
        assertEquals(5L, deployment.getSpec().getTemplate().getSpec().getContainers().getFirst()
                .getLifecycle().getPreStop().getSleep().getSeconds());
    }

    @Test
    void rejectsAnUnknownFieldDeepInsideWithItsPath() {
        LintException e = assertThrows(LintException.class,
                () -> KubernetesModel.parse(yaml(DEPLOYMENT.replace("image: web", "imagePullPolcy: Always\n        image: web"))));
        assertEquals("Deployment/web: spec.template.spec.containers[0]: unknown field \"imagePullPolcy\" "
                + "(not in the Kubernetes API; a typo or the wrong level?)", e.getMessage());
    }

    @Test
    void rejectsAQuotedNumber() {
        LintException e = assertThrows(LintException.class,
                () -> KubernetesModel.parse(yaml(DEPLOYMENT.replace("containerPort: 8080", "containerPort: \"8080\""))));
        assertTrue(e.getMessage().startsWith("Deployment/web: spec.template.spec.containers[0].ports[0].containerPort: wrong type"),
                e.getMessage());
    }

    @Test
    void rejectsAnUnquotedNumberWhereKubernetesWantsAString() {
        LintException e = assertThrows(LintException.class,
                () -> KubernetesModel.parse(yaml(DEPLOYMENT.replace("value: \"10\"", "value: 10"))));
        assertTrue(e.getMessage().startsWith("Deployment/web: spec.template.spec.containers[0].env[0].value: wrong type"),
                e.getMessage());
    }

    @Test
    void rejectsAKindWithoutModel() {
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
