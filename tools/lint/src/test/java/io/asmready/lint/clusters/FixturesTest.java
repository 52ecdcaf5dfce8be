package io.asmready.lint.clusters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.asmready.lint.Kustomize;
import io.asmready.lint.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each rule proven by a broken manifest it must reject: a fixture is a real overlay plus one mistake
 * (src/test/resources/fixtures/NAME/kustomization.yaml), and the suite must report that rule with
 * its message, and nothing it did not expect.
 */
class FixturesTest {
    private static final Path FIXTURES = Path.of("tools/lint/src/test/resources/fixtures");

    /**
     * @param fixture  directory name under fixtures/
     * @param overlay  what the overlay it breaks promises
     * @param rule     the rule that must fire
     * @param message  a fragment of that rule's message
     * @param knockOns other rules the same mistake breaks by necessity (e.g. a pod running as the
     *                 proxy's UID 1337 also runs as a user the image was not built for)
     */
    record Case(String fixture, Overlay overlay, String rule, String message, Set<String> knockOns) {
        Case(String fixture, Overlay overlay, String rule, String message, String... knockOns) {
            this(fixture, overlay, rule, message, Set.of(knockOns));
        }

        @Override
        public String toString() {
            return fixture;
        }
    }

    static List<Case> cases() {
        Overlay dev = Overlay.DEV;
        Overlay gke = Overlay.ASM_READY;
        return List.of(
                new Case("namespace", gke, "namespace", "Service/loadgensvc: namespace 'default', expected asm-ready"),
                new Case("labels", dev, "labels", "Deployment/helloserver: the pod template has no 'version' label"),
                new Case("stable-selector", dev, "stable-selector", "Service/hellosvc: selects on 'version'"),
                new Case("service-per-workload", dev, "service-per-workload", "Deployment/loadgenerator: no Service selects its pods"),
                new Case("target-port", dev, "target-port", "Service/hellosvc: port 80 targets 8080"),
                new Case("reserved-port", dev, "reserved-port", "container server uses port 15020"),
                new Case("container-port", dev, "container-port", "port 'http' is 8081 but the services listen on asmready.http.port=8080"),
                new Case("admin-port", dev, "container-port",
                        "Deployment/loadgenerator container loadgen: env ADMIN_PORT=9091 but the probes, the Services and the scrape use asmready.admin.port=9090"),
                new Case("public-admin", dev, "public-admin",
                        "Service/hellosvc: LoadBalancer port 9090 reaches Deployment/helloserver's admin port 9090"),
                new Case("uid-1337", dev, "uid-1337", "Deployment/helloserver: the pod runs as UID/GID 1337", "run-as-user"),
                new Case("run-as-user", dev, "run-as-user",
                        "Deployment/helloserver container server: runAsUser is 1000; expected image.user=" + Settings.get("image.user")),
                new Case("read-only-root", dev, "read-only-root", "container server: readOnlyRootFilesystem is not true"),
                new Case("tmp-volume", dev, "tmp-volume", "container server: read-only root but no emptyDir at /tmp"),
                new Case("service-account", dev, "service-account", "Deployment/helloserver: runs as the namespace's default service account"),
                new Case("service-account-token", dev, "service-account-token", "Deployment/helloserver: mounts a service-account token"),
                new Case("resources", dev, "resources", "container loadgen: requests.cpu 100m is below the original sample's 300m"),
                new Case("probes", dev, "probes", "readinessProbe path /healthz is not the served asmready.health.ready=/observe/health/ready"),
                new Case("probes-admin-port", dev, "probes",
                        "container server: readinessProbe port http is 8080, not the admin port asmready.admin.port=9090"),
                new Case("prestop", dev, "prestop", "container server: preStop sleep is 2 s; expected asmready.prestop.pause.seconds=5"),
                new Case("grace-period", dev, "grace-period", "Deployment/helloserver: terminationGracePeriodSeconds 20 < preStop pause 5 + shutdown grace 15 + margin 5 = 25"),
                new Case("image-dev", dev, "image", "image 'gcr.io/example/helloserver'; expected the bare 'helloserver'"),
                new Case("image", gke, "image", "image 'us-central1-docker.pkg.dev/PROJECT_ID/asm-ready/helloserver:latest' has no pinned tag"),
                new Case("image-digest", gke, "image", "has digest 'sha256:bad'; expected sha256: and 64 lowercase hex digits"),
                new Case("loadgen-target", dev, "loadgen-target", "SERVER_ADDR http://hellosvc:8080/ is not a port of a Service"),
                new Case("injection-label", gke, "injection-label", "Namespace/asm-ready: has both [istio-injection=enabled, istio.io/rev=asm-managed]"),
                new Case("mesh-objects", dev, "mesh-objects", "PeerAuthentication/default: a mesh object in an overlay without the mesh",
                        "injection-label"),
                new Case("sync-wave", gke, "sync-wave", "DestinationRule/hellosvc: annotation argocd.argoproj.io/sync-wave: \"1\"; keep one wave"),
                new Case("sync-options", gke, "sync-wave",
                        "PodMonitoring/helloserver: annotation argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true is missing"),
                new Case("mtls-strict", gke, "mtls-strict", "PeerAuthentication/default: mtls.mode PERMISSIVE weakens"),
                new Case("plaintext-exception", gke, "plaintext-exception", "PeerAuthentication/helloserver: port 8080 PERMISSIVE allows plaintext",
                        "pod-monitoring"),
                new Case("plaintext-admin", gke, "plaintext-exception",
                        "AuthorizationPolicy/metrics-scrape: a rule admits requests without identity on the admin port 9090 beyond the metrics scrape"),
                new Case("plaintext-all-ports", gke, "plaintext-exception",
                        "AuthorizationPolicy/helloserver: a rule admits requests without identity on every port, the admin port (9090) included"),
                new Case("mesh-tls", gke, "mesh-tls", "DestinationRule/hellosvc: sets tls.mode ISTIO_MUTUAL for an in-mesh host"),
                new Case("pod-monitoring", gke, "pod-monitoring",
                        "PodMonitoring/helloserver: scrapes path /metrics; the apps serve metrics on asmready.metrics.path=/observe/metrics"),
                new Case("pod-monitoring-port", gke, "pod-monitoring",
                        "PodMonitoring/loadgenerator: scrapes port 8080 of Deployment/loadgenerator; metrics are served only on the admin port"),
                new Case("pod-monitoring-strict", gke, "pod-monitoring",
                        "Deployment/loadgenerator: is scraped but its admin port 9090 is STRICT mTLS"),
                new Case("pod-monitoring-dev", dev, "pod-monitoring",
                        "PodMonitoring/helloserver: a PodMonitoring in an overlay without Managed Service for Prometheus"),
                new Case("authz", gke, "authz", "no allow-nothing AuthorizationPolicy"),
                new Case("authz-scrape", gke, "authz",
                        "Deployment/helloserver: is scraped by a PodMonitoring but no ALLOW rule admits a GET of /observe/metrics on port 9090"),
                new Case("authz-principal", gke, "authz-principal", "principal */ns/default/sa/loadgenerator is no service account of this output"),
                new Case("hpa", gke, "hpa", "Deployment/helloserver sets replicas 3 although the autoscaler owns that count"),
                new Case("hpa-container", gke, "hpa",
                        "HorizontalPodAutoscaler/helloserver: scales on a Resource metric, the average of the whole pod, sidecar included"),
                new Case("pdb", gke, "pdb", "PodDisruptionBudget/helloserver: with 2 replicas"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejectsTheBrokenManifest(Case c) {
        List<Violation> violations = ClusterChecks.check(
                Kustomize.render(Settings.path(FIXTURES.resolve(c.fixture()).toString())), c.overlay());
        String all = violations.stream().map(Violation::toString).collect(Collectors.joining("\n  ", "\n  ", ""));
        assertTrue(violations.stream().anyMatch(v -> v.rule().equals(c.rule()) && v.message().contains(c.message())),
                "expected [" + c.rule() + "] ..." + c.message() + "... among:" + all);
        Set<String> allowed = new TreeSet<>(c.knockOns());
        allowed.add(c.rule());
        Set<String> fired = violations.stream().map(Violation::rule).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(allowed.containsAll(fired), "unexpected rules " + fired + " (allowed " + allowed + "):" + all);
    }

    @Test
    void everyRuleHasAFixtureAndEveryFixtureACase() throws IOException {
        Set<String> covered = cases().stream().map(Case::rule).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(ClusterChecks.RULES), covered, "rules without a fixture (or unknown rule ids)");
        Set<String> listed = cases().stream().map(Case::fixture).collect(Collectors.toCollection(TreeSet::new));
        try (Stream<Path> dirs = Files.list(Settings.path(FIXTURES.toString()))) {
            Set<String> present = dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(present, listed, "fixture directories and cases differ");
        }
    }
}
