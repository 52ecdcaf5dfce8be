package io.asmready.lint.argocd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.asmready.lint.Manifests;
import io.asmready.lint.Settings;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * argocd/settings.env is the one place a fork changes: its values reach every object that needs them,
 * no other file repeats them, and `make cluster` installs the Argo CD release it names (that the
 * release built for the local tests is the same one, tools/local-cluster/tests/argocd.bats proves by
 * running `argocd version`).
 */
class ArgoCdSettingsTest {
    private static Map<String, String> settings() throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Settings.path("argocd/settings.env"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String[] pair = line.split("=", 2);
                assertEquals(2, pair.length, "not KEY=value: " + line);
                assertEquals(null, values.put(pair[0], pair[1]), pair[0] + " is set twice");
            }
        }
        return values;
    }

    @Test
    void settingsHoldTheRepositoryTheRevisionAndTheArgoCdRelease() throws IOException {
        assertEquals(List.of("REPO_URL", "TARGET_REVISION", "ARGOCD_VERSION"), List.copyOf(settings().keySet()));
    }

    @Test
    void theRepositoryAndRevisionReachTheProjectAndTheApplication() throws IOException {
        Map<String, String> settings = settings();
        List<JsonNode> objects = ArgoCd.objects(ArgoCd.renderedText());
        JsonNode project = Manifests.find(objects, "AppProject", "asm-ready").orElseThrow();
        JsonNode application = Manifests.find(objects, "Application", "asm-ready").orElseThrow();
        assertEquals(List.of(settings.get("REPO_URL")),
                project.path("spec").path("sourceRepos").values().stream().map(n -> n.asString("")).toList());
        assertEquals(settings.get("REPO_URL"), application.path("spec").path("source").path("repoURL").asString(""));
        assertEquals(settings.get("TARGET_REVISION"), application.path("spec").path("source").path("targetRevision").asString(""));
    }

    @Test
    void noOtherFileInArgocdNamesTheRepository() throws IOException {
        String repo = settings().get("REPO_URL");
        try (Stream<Path> files = Files.list(Settings.path("argocd"))) {
            for (Path file : files.filter(f -> !f.getFileName().toString().equals("settings.env")).toList()) {
                String text = Files.readString(file);
                assertTrue(!text.contains(repo) && !text.contains("https://github.com/"),
                        file + " names a repository; only settings.env may");
            }
        }
    }

    @Test
    void theImagesNameTheRepositoryArgoCdSyncsFrom() throws IOException {
        // The OCI source label (root POM image.source) is a Maven property, so it cannot read settings.env;
        // a fork that moves only one of the two would ship images pointing at someone else's code.
        String page = settings().get("REPO_URL").replaceFirst("\\.git$", "");
        Matcher source = Pattern.compile("<image\\.source>([^<]*)</image\\.source>")
                .matcher(Files.readString(Settings.path("pom.xml")));
        assertTrue(source.find(), "pom.xml has no <image.source> property");
        assertEquals(page, source.group(1), "pom.xml <image.source> must be argocd/settings.env REPO_URL without .git");
    }

    @Test
    void theClusterScriptInstallsTheVersionFromSettings() throws IOException {
        // The install step lives in argocd.bash, which tools/cluster/cluster sources; it reads the
        // setting through the shared shell library (tools/lib/lib.bash).
        String script = Files.readString(Settings.path("tools/cluster/argocd.bash"));
        assertTrue(script.contains("version=$(asm::settings::argocd ARGOCD_VERSION)")
                        && script.contains("argoproj/argo-cd/$version/manifests/install.yaml"),
                "tools/cluster/argocd.bash must install argo-cd/<ARGOCD_VERSION from argocd/settings.env>/manifests/install.yaml");
    }
}
