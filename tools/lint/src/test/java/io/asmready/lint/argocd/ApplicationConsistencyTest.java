package io.asmready.lint.argocd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import io.asmready.lint.LintException;
import io.asmready.lint.Manifests;
import io.asmready.lint.Yaml;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Application in argocd/ against the project it belongs to and the output of the path it syncs:
 * the real files must pass, and each fixture (the real files with one mistake) must be rejected
 * with a line that says what is wrong.
 */
class ApplicationConsistencyTest {
    private static final String REAL = ArgoCd.renderedText();

    private static List<String> problems(String argocdYaml) {
        return ArgoCd.problems(ArgoCd.objects(argocdYaml));
    }

    /** The real argocd/, with the Application's path rendering to the real output changed by {@code edit}. */
    private static List<String> problemsWithRendered(UnaryOperator<List<JsonNode>> edit) {
        Function<Path, List<JsonNode>> render = dir -> {
            List<JsonNode> copy = new ArrayList<>();
            ArgoCd.render(dir).forEach(o -> copy.add(o.deepCopy()));
            return edit.apply(copy);
        };
        return ArgoCd.problems(ArgoCd.objects(REAL), render);
    }

    private static void assertRejected(List<String> problems, String expected) {
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("Application/asm-ready: ") && p.contains(expected)),
                () -> "expected a problem containing '" + expected + "', got " + problems);
    }

    private static ObjectNode find(List<JsonNode> objects, String kind, String name) {
        return (ObjectNode) Manifests.find(objects, kind, name).orElseThrow();
    }

    @Test
    void argocdRendersToTheProjectAndTheApplicationOnly() {
        List<JsonNode> objects = ArgoCd.objects(REAL);
        assertEquals(List.of("AppProject/asm-ready", "Application/asm-ready"), objects.stream().map(Manifests::id).toList());
        objects.forEach(o -> assertEquals("argocd", Manifests.namespace(o), Manifests.id(o)));
    }

    @Test
    void theApplicationSyncsClustersAsmReadyIntoItsOwnNamespace() {
        List<JsonNode> applications = ArgoCd.applications(ArgoCd.objects(REAL));
        assertEquals(1, applications.size());
        JsonNode spec = applications.getFirst().path("spec");
        assertEquals("clusters/asm-ready", spec.path("source").path("path").asString(""));
        assertEquals("asm-ready", spec.path("destination").path("namespace").asString(""));
    }

    @Test
    void theRealApplicationIsConsistentWithItsProjectAndItsOutput() {
        assertEquals(List.of(), problems(REAL));
    }

    @Test
    void rejectsAPathThatDoesNotExist() {
        assertRejected(problems(REAL.replace("path: clusters/asm-ready", "path: clusters/asm-raedy")),
                "source.path 'clusters/asm-raedy' is not a directory of this repository");
    }

    @Test
    void rejectsAPathOutsideTheRepository() {
        assertRejected(problems(REAL.replace("path: clusters/asm-ready", "path: ../elsewhere")),
                "is not a directory of this repository");
    }

    @Test
    void rejectsAPathThatDoesNotRender() {
        List<String> problems = ArgoCd.problems(ArgoCd.objects(REAL), dir -> {
            throw new LintException("kubectl kustomize " + dir + " failed: accumulating resources");
        });
        assertRejected(problems, "source.path clusters/asm-ready does not render: kubectl kustomize");
    }

    @Test
    void rejectsADestinationTheProjectForbids() {
        assertRejected(problems(REAL.replace("    namespace: asm-ready\n    server:", "    namespace: kube-system\n    server:")),
                "does not allow destination https://kubernetes.default.svc namespace kube-system");
    }

    @Test
    void rejectsASourceTheProjectForbids() {
        String repo = ArgoCd.objects(REAL).get(1).path("spec").path("source").path("repoURL").asString("");
        assertRejected(problems(REAL.replace("repoURL: " + repo, "repoURL: https://example.com/someone/else.git")),
                "does not allow source https://example.com/someone/else.git");
    }

    @Test
    void rejectsAProjectThatIsNotInArgocd() {
        assertRejected(problems(REAL.replace("project: asm-ready", "project: default")),
                "spec.project 'default' is not an AppProject in argocd/");
    }

    @Test
    void rejectsAClusterScopedKindTheProjectDoesNotWhitelist() {
        assertRejected(problems(REAL.replace("  clusterResourceWhitelist:\n  - group: \"\"\n    kind: Namespace\n", "")),
                "does not allow cluster-scoped kind Namespace (Namespace/asm-ready); add it to clusterResourceWhitelist");
    }

    @Test
    void rejectsANamespacedKindTheProjectDoesNotWhitelist() {
        assertRejected(problems(REAL.replace("  - group: networking.istio.io\n    kind: Sidecar\n", "")),
                "does not allow namespaced kind networking.istio.io/Sidecar (Sidecar/default)");
    }

    @Test
    void rejectsAnObjectInANamespaceTheProjectForbids() {
        assertRejected(problemsWithRendered(objects -> {
            ((ObjectNode) find(objects, "Service", "loadgensvc").get("metadata")).put("namespace", "kube-system");
            return objects;
        }), "Service/loadgensvc goes to namespace kube-system, which AppProject asm-ready does not allow");
    }

    @Test
    void rejectsAKindWhoseScopeNobodyDefines() {
        assertRejected(problemsWithRendered(objects -> {
            objects.add(Yaml.readAll("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n", "fixture").getFirst());
            return objects;
        }), "Widget/w: neither the Kubernetes model nor a pinned CRD defines example.com/v1 Widget");
    }

    @Test
    void rejectsARetryThatGivesUpBeforeTheMeshIsReady() {
        assertRejected(problems(REAL.replace("limit: -1", "limit: 5")), "syncPolicy.retry gives up after 5 min");
    }

    @Test
    void rejectsNoRetryAtAll() {
        String withoutRetry = REAL.replaceAll("(?s)    retry:\n.*?      refresh: true\n", "");
        assertRejected(problems(withoutRetry), "no syncPolicy.retry");
    }

    @Test
    void rejectsARetryThatWaitsTooLongOrRepeatsAStaleRevision() {
        List<String> problems = problems(REAL.replace("maxDuration: 3m", "maxDuration: 1h").replace("refresh: true", "refresh: false"));
        assertRejected(problems, "waits up to 60 min between attempts");
        assertRejected(problems, "syncPolicy.retry.refresh is not true");
    }

    @Test
    void rejectsFollowingHead() {
        assertRejected(problems(REAL.replaceAll("targetRevision: .*", "targetRevision: HEAD")),
                "source.targetRevision 'HEAD' follows the remote's HEAD");
    }

    @Test
    void rejectsAnApplicationThatWouldLeaveItsResourcesBehind() {
        assertRejected(problems(REAL.replace("  finalizers:\n  - resources-finalizer.argocd.argoproj.io/foreground\n", "")),
                "no resources-finalizer.argocd.argoproj.io/foreground");
    }

    @Test
    void rejectsSyncWithoutSelfHeal() {
        assertRejected(problems(REAL.replace("selfHeal: true", "selfHeal: false")),
                "syncPolicy.automated must be enabled with prune and selfHeal true");
    }

    @Test
    void rejectsAMissingNamespaceThatNothingCreates() {
        List<String> problems = ArgoCd.problems(ArgoCd.objects(REAL.replace("    - CreateNamespace=true\n", "")), dir ->
                ArgoCd.render(dir).stream().filter(o -> !"Namespace".equals(Manifests.kind(o))).toList());
        assertRejected(problems, "namespace asm-ready is neither rendered nor created");
    }

    @Test
    void rejectsAMeshObjectThatWouldFailTheSyncOnAClusterWithoutTheMesh() {
        List<String> problems = problemsWithRendered(objects -> {
            ObjectNode annotations = (ObjectNode) find(objects, "PeerAuthentication", "default").path("metadata").path("annotations");
            annotations.remove("argocd.argoproj.io/sync-options");
            return objects;
        });
        assertRejected(problems, "PeerAuthentication/default lacks argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true");
    }

    @Test
    void rejectsASecondSyncWaveThatWouldWaitForTheAutoscalerAndTheLoadBalancer() {
        List<String> problems = problemsWithRendered(objects -> {
            ((ObjectNode) find(objects, "PodMonitoring", "helloserver").path("metadata").path("annotations"))
                    .put("argocd.argoproj.io/sync-wave", "1");
            return objects;
        });
        assertRejected(problems, "PodMonitoring/helloserver is in sync wave 1 of [0, 1]; keep one wave");
    }

    @Test
    void rejectsAMonitoringKindTheProjectDoesNotWhitelist() {
        assertRejected(problems(REAL.replace("  - group: monitoring.googleapis.com\n    kind: PodMonitoring\n", "")),
                "does not allow namespaced kind monitoring.googleapis.com/PodMonitoring (PodMonitoring/helloserver)");
    }

    @Test
    void rejectsAutoscaledReplicasThatEverySyncWouldReset() {
        UnaryOperator<List<JsonNode>> withReplicas = objects -> {
            ((ObjectNode) find(objects, "Deployment", "helloserver").get("spec")).put("replicas", 2);
            return objects;
        };
        assertEquals(List.of(), problemsWithRendered(withReplicas), "the Application ignores helloserver's replicas");
        String withoutIgnore = REAL.replaceAll("(?s)  ignoreDifferences:\n.*?    name: helloserver\n", "");
        List<String> problems = ArgoCd.problems(ArgoCd.objects(withoutIgnore), dir -> withReplicas.apply(
                new ArrayList<>(ArgoCd.render(dir).stream().map(JsonNode::deepCopy).toList())));
        assertRejected(problems, "Deployment/helloserver declares replicas and is autoscaled by HorizontalPodAutoscaler/helloserver");
    }
}
