package io.asmready.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class CrdValidatorTest {
    private static final String PEER_AUTHENTICATION = """
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: web, labels: {app: web}}
            spec:
              selector: {matchLabels: {app: web}}
              mtls: {mode: STRICT}
              portLevelMtls:
                "8080": {mode: PERMISSIVE}
            """;

    private static List<String> validate(String yaml) {
        JsonNode object = Yaml.readAll(yaml, "test").getFirst();
        assertTrue(Schemas.istio().supports(object));
        return Schemas.istio().validate(object);
    }

    @Test
    void acceptsAValidResource() {
        assertEquals(List.of(), validate(PEER_AUTHENTICATION));
    }

    @Test
    void rejectsATypoThatKubernetesWouldPruneSilently() {
        List<String> problems = validate(PEER_AUTHENTICATION.replace("mtls: {mode: STRICT}", "mtsl: {mode: STRICT}"));
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.getFirst().startsWith("PeerAuthentication/web: ") && problems.getFirst().contains("mtsl"),
                problems::toString);
    }

    @Test
    void rejectsATypoAtTheTopLevel() {
        List<String> problems = validate(PEER_AUTHENTICATION.replace("spec:", "sepc:"));
        assertTrue(problems.stream().anyMatch(p -> p.contains("sepc")), problems::toString);
    }

    @Test
    void rejectsAValueOutsideTheEnum() {
        List<String> problems = validate(PEER_AUTHENTICATION.replace("{mode: STRICT}", "{mode: STRICTLY}"));
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.getFirst().contains("$.spec.mtls.mode"), problems::toString);
    }

    @Test
    void rejectsAWrongTypeInAList() {
        List<String> problems = validate("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: web}
                spec:
                  action: ALLOW
                  rules:
                  - from:
                    - source: {principals: "*/sa/loadgenerator"}
                """);
        assertTrue(problems.stream().anyMatch(p -> p.contains("$.spec.rules[0].from[0].source.principals")),
                problems::toString);
    }

    @Test
    void acceptsIntOrStringAsEither() {
        String rule = """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: web}
                spec:
                  host: web
                  trafficPolicy:
                    outlierDetection: {consecutive5xxErrors: 5, interval: 10s}
                    connectionPool: {http: {maxRetries: RETRIES}}
                """;
        assertEquals(List.of(), validate(rule.replace("RETRIES", "3")));
        assertTrue(validate(rule.replace("RETRIES", "\"3\"")).stream().anyMatch(p -> p.contains("maxRetries")));
    }

    @Test
    void rejectsAnUnservedVersionAndABadMetadataField() {
        assertTrue(validate(PEER_AUTHENTICATION.replace("security.istio.io/v1", "security.istio.io/v2")).getFirst()
                .contains("is not served"));
        List<String> problems = validate(PEER_AUTHENTICATION.replace("labels:", "lables:"));
        assertEquals(List.of("PeerAuthentication/web metadata: unknown field \"lables\" "
                + "(not in the Kubernetes API; a typo or the wrong level?)"), problems);
    }

    /** Kubernetes' format: duration is a Go duration ("30s"), not JSON Schema's ISO 8601 ("PT30S"). */
    @Test
    void readsDurationsAsTheApiServerDoes() {
        CrdValidator gmp = CrdValidator.fromFiles(Schemas.require("gmp/podmonitorings-crd.yaml"));
        String monitoring = """
                apiVersion: monitoring.googleapis.com/v1
                kind: PodMonitoring
                metadata: {name: web}
                spec:
                  selector: {matchLabels: {app: web}}
                  endpoints: [{port: metrics, interval: INTERVAL}]
                """;
        for (String valid : List.of("30s", "1m30s", "1.5h", "250ms", "0", "2 days")) {
            assertEquals(List.of(), gmp.validate(Yaml.readAll(monitoring.replace("INTERVAL", "'" + valid + "'"), "test").getFirst()), valid);
        }
        for (String invalid : List.of("PT30S", "30", "soon", "30 s x")) {
            List<String> problems = gmp.validate(Yaml.readAll(monitoring.replace("INTERVAL", "'" + invalid + "'"), "test").getFirst());
            assertTrue(problems.size() == 1 && problems.getFirst().startsWith("PodMonitoring/web: $.spec.endpoints[0].interval"),
                    invalid + ": " + problems);
        }
    }
}
