package io.asmready.lint;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * The pinned upstream schema files (Skaffold's JSON schema, the CRDs of Argo CD, Istio and Managed Service
 * for Prometheus), which the project never commits. They are read from {@code SCHEMAS_DIR} when it is set
 * (CI points it at the shared copies); otherwise the same pinned files are downloaded once from their
 * upstream tags into a cache ({@code $ASMREADY_SCHEMA_CACHE}, default {@code ~/.cache/asm-ready/schemas}).
 * Every file is checked against its SHA-256, so a moved tag or a stale copy fails instead of validating against
 * something else.
 */
public final class SchemaStore {
    /** Upstream repositories publish these at fixed tags; raw URL = RAW_BASE + path below. */
    public static final String RAW_BASE = "https://raw.githubusercontent.com/";

    private record Pinned(String upstreamPath, String sha256) {
    }

    private static final Map<String, Pinned> PINNED = Map.of(
            "skaffold/v4beta14.json", new Pinned(
                    "GoogleContainerTools/skaffold/v2.24.0/docs-v2/content/en/schemas/v4beta14.json",
                    "7c29a621995d2c6143d3c423c8e3d3dfb25703a49fd1cf77644b54168414b39e"),
            "argocd/application-crd.yaml", new Pinned(
                    "argoproj/argo-cd/v3.5.1/manifests/crds/application-crd.yaml",
                    "5dde0e229249b6b707beb98674c1deae3949d5c319a6c45b9f5a80c99618e40c"),
            "argocd/applicationset-crd.yaml", new Pinned(
                    "argoproj/argo-cd/v3.5.1/manifests/crds/applicationset-crd.yaml",
                    "7d282054f41ca2b71a22bab04a8caf0000e07e53a62432e6ea292dae5ab4f07d"),
            "argocd/appproject-crd.yaml", new Pinned(
                    "argoproj/argo-cd/v3.5.1/manifests/crds/appproject-crd.yaml",
                    "ab225266944322750136f1198d93786e4a79a0e43c8d149abfba44da30a3eac8"),
            "istio/customresourcedefinitions.gen.yaml", new Pinned(
                    "istio/api/v1.30.3/kubernetes/customresourcedefinitions.gen.yaml",
                    "dcb43ff6b9af2f629b80b6a82597f5a91db259c757e66cc5353ac007da28351a"),
            // Google Cloud Managed Service for Prometheus: the PodMonitoring kind GKE's managed collection installs.
            "gmp/podmonitorings-crd.yaml", new Pinned(
                    "GoogleCloudPlatform/prometheus-engine/v0.17.2/charts/operator/crds/monitoring.googleapis.com_podmonitorings.yaml",
                    "d344029bc7754e0254d7c253db9d6400b344d5837e121b42790946757bc79f1f"));

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(60);

    private final Path schemasDir;
    private final Path cacheDir;
    private final String rawBase;
    private final boolean ci;

    /**
     * @param schemasDir the directory of pinned files, or null to use the cache and download
     * @param cacheDir   where downloads are kept
     * @param rawBase    base URL the upstream paths are appended to ({@link #RAW_BASE}; tests use a local server)
     * @param ci         whether this runs under CI (only reported here; callers decide skip versus fail)
     */
    public SchemaStore(Path schemasDir, Path cacheDir, String rawBase, boolean ci) {
        this.schemasDir = schemasDir;
        this.cacheDir = cacheDir;
        this.rawBase = rawBase.endsWith("/") ? rawBase : rawBase + "/";
        this.ci = ci;
    }

    /** The store as the environment configures it: SCHEMAS_DIR, ASMREADY_SCHEMA_CACHE, CI. */
    public static SchemaStore fromEnvironment() {
        String dir = System.getenv("SCHEMAS_DIR");
        String cache = System.getenv("ASMREADY_SCHEMA_CACHE");
        Path cacheDir = cache == null || cache.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "asm-ready", "schemas")
                : Path.of(cache);
        return new SchemaStore(dir == null || dir.isBlank() ? null : Path.of(dir), cacheDir, RAW_BASE,
                "true".equalsIgnoreCase(System.getenv("CI")));
    }

    /** The names this store knows, e.g. {@code istio/customresourcedefinitions.gen.yaml}. */
    public static Set<String> names() {
        return PINNED.keySet();
    }

    /** The upstream URL a pinned file comes from. */
    public static String upstreamUrl(String name) {
        return RAW_BASE + pinned(name).upstreamPath();
    }

    public boolean ci() {
        return ci;
    }

    /**
     * The local path of a pinned schema file, verified against its pinned SHA-256.
     *
     * @throws SchemaUnavailableException when it is neither in SCHEMAS_DIR nor downloadable
     * @throws LintException              when a file exists but is not the pinned one
     */
    public Path path(String name) {
        Pinned pinned = pinned(name);
        if (schemasDir != null) {
            Path file = schemasDir.resolve(name);
            if (!Files.isRegularFile(file)) {
                throw new SchemaUnavailableException("SCHEMAS_DIR=" + schemasDir + " has no " + name
                        + "; expected the pinned file from " + upstreamUrl(name));
            }
            verify(file, pinned, "SCHEMAS_DIR");
            return file;
        }
        Path cached = cacheDir.resolve(name);
        if (Files.isRegularFile(cached) && sha256(cached).equals(pinned.sha256())) {
            return cached;
        }
        download(name, pinned, cached);
        return cached;
    }

    private void download(String name, Pinned pinned, Path target) {
        URI uri = URI.create(rawBase + pinned.upstreamPath());
        Path partial = null;
        try (HttpClient client = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build()) {
            Files.createDirectories(target.getParent());
            partial = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
            HttpResponse<Path> response = client.send(
                    HttpRequest.newBuilder(uri).timeout(DOWNLOAD_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofFile(partial));
            if (response.statusCode() != 200) {
                throw new SchemaUnavailableException("SCHEMAS_DIR is not set and " + uri + " answered HTTP "
                        + response.statusCode() + "; set SCHEMAS_DIR to a directory holding " + name);
            }
            verify(partial, pinned, uri.toString());
            // Atomic where the file system allows: a reader never sees half a schema.
            try {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            }
            partial = null;
        } catch (IOException e) {
            throw new SchemaUnavailableException("SCHEMAS_DIR is not set and " + name + " could not be fetched from "
                    + uri + " (" + e + "); set SCHEMAS_DIR to a directory holding the pinned files", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaUnavailableException("interrupted while fetching " + uri, e);
        } finally {
            if (partial != null) {
                try {
                    Files.deleteIfExists(partial);
                } catch (IOException ignored) {
                    // a leftover .part file is overwritten by the next download
                }
            }
        }
    }

    private static void verify(Path file, Pinned pinned, String origin) {
        String actual = sha256(file);
        if (!actual.equals(pinned.sha256())) {
            throw new LintException(file + " (from " + origin + ") has SHA-256 " + actual + "; expected the pinned "
                    + pinned.sha256() + " of " + RAW_BASE + pinned.upstreamPath());
        }
    }

    private static Pinned pinned(String name) {
        Pinned pinned = PINNED.get(name);
        if (pinned == null) {
            throw new LintException("no pinned schema named " + name + "; known: " + PINNED.keySet());
        }
        return pinned;
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new LintException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
