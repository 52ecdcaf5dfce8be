package io.asmready.lint.argocd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.asmready.lint.Manifests;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Every object `make cluster` applies from argocd/, against the CRDs of the pinned Argo CD release. */
class ArgoCdSchemaTest {
    private static List<String> problems(String yaml) {
        return ArgoCd.objects(yaml).stream().flatMap(o -> ArgoCd.crds().validate(o).stream()).toList();
    }

    @Test
    void argocdRendersToTheProjectAndTheApplicationOnly() {
        List<JsonNode> objects = ArgoCd.objects(ArgoCd.renderedText());
        assertEquals(List.of("AppProject/asm-ready", "Application/asm-ready"), objects.stream().map(Manifests::id).toList());
        objects.forEach(o -> assertEquals("argocd", Manifests.namespace(o), Manifests.id(o)));
    }

    @Test
    void everyObjectIsValidAgainstThePinnedArgoCdCrds() {
        assertEquals(List.of(), problems(ArgoCd.renderedText()));
    }

    @Test
    void rejectsAMisspeltField() {
        List<String> problems = problems(ArgoCd.renderedText().replace("selfHeal: true", "selfheal: true"));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("Application/asm-ready: ") && p.contains("selfheal")),
                problems::toString);
    }

    @Test
    void rejectsAFieldAtTheWrongLevel() {
        List<String> problems = problems(ArgoCd.renderedText().replace("    syncOptions:", "  syncOptions:"));
        assertTrue(problems.stream().anyMatch(p -> p.contains("syncOptions")), problems::toString);
    }

    @Test
    void rejectsAWrongType() {
        List<String> problems = problems(ArgoCd.renderedText().replace("limit: -1", "limit: unlimited"));
        assertTrue(problems.stream().anyMatch(p -> p.contains("$.spec.syncPolicy.retry.limit")), problems::toString);
    }

    @Test
    void rejectsAMisspeltProjectField() {
        List<String> problems = problems(ArgoCd.renderedText().replace("clusterResourceWhitelist:", "clusterResourceWhiteList:"));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("AppProject/asm-ready: ") && p.contains("clusterResourceWhiteList")),
                problems::toString);
    }
}
