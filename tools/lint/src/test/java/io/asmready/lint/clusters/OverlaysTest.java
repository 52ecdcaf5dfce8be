package io.asmready.lint.clusters;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.asmready.lint.Kustomize;
import io.asmready.lint.Manifests;
import io.asmready.lint.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Every overlay of clusters/ renders and passes every check. */
class OverlaysTest {
    static Stream<Arguments> overlays() {
        return Stream.of(
                Arguments.of("clusters/dev", Overlay.DEV),
                Arguments.of("clusters/dev-mesh", Overlay.DEV_MESH),
                Arguments.of("clusters/asm-ready", Overlay.ASM_READY),
                // The documented switch to the revision-label style must pass the same checks.
                Arguments.of("tools/lint/src/test/resources/overlays/asm-ready-revision", Overlay.ASM_READY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void rendersAndPassesEveryCheck(String dir, Overlay overlay) {
        List<JsonNode> rendered = Kustomize.render(Settings.path(dir));
        List<Violation> violations = ClusterChecks.check(rendered, overlay);
        assertEquals(List.of(), violations.stream().map(Violation::toString).toList());
    }

    @Test
    void theOverlaysRenderWhatTheTutorialNames() {
        Map<String, List<String>> expected = Map.of(
                "clusters/dev", List.of("Deployment/helloserver", "Deployment/loadgenerator", "Namespace/asm-ready-dev",
                        "NetworkPolicy/admin-from-metrics-collector", "NetworkPolicy/default-deny-ingress",
                        "NetworkPolicy/helloserver-http",
                        "Service/hellosvc", "Service/loadgensvc", "ServiceAccount/helloserver",
                        "ServiceAccount/loadgenerator"),
                "clusters/asm-ready", List.of("AuthorizationPolicy/allow-nothing", "AuthorizationPolicy/helloserver",
                        "AuthorizationPolicy/metrics-scrape",
                        "Deployment/helloserver", "Deployment/loadgenerator", "DestinationRule/hellosvc",
                        "HorizontalPodAutoscaler/helloserver", "Namespace/asm-ready",
                        "PeerAuthentication/default", "PeerAuthentication/helloserver", "PeerAuthentication/loadgenerator",
                        "PodDisruptionBudget/helloserver", "PodMonitoring/helloserver", "PodMonitoring/loadgenerator",
                        "Service/hellosvc", "Service/loadgensvc",
                        "ServiceAccount/helloserver", "ServiceAccount/loadgenerator", "Sidecar/default"));
        expected.forEach((dir, ids) -> {
            Path path = Settings.path(dir);
            assertEquals(ids, Kustomize.render(path).stream().map(Manifests::id).sorted().toList(), dir);
        });
    }
}
