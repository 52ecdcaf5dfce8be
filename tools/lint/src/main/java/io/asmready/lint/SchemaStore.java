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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The pinned upstream schema files (Skaffold's JSON schema, the CRDs of Istio and Managed Service for
 * Prometheus), which the project never commits. Which files, from where, with which SHA-256: one line
 * each in {@code tools/schemas/pins.tsv}, the list {@code tools/schemas/fetch} reads too. They are read
 * from {@code SCHEMAS_DIR} when it is set (CI points it at the shared copies); otherwise the same pinned
 * files are downloaded once from their upstream tags into a cache ({@code $ASMREADY_SCHEMA_CACHE},
 * default {@code ~/.cache/asm-ready/schemas}, as fetch uses). Every file is checked against its SHA-256,
 * so a moved tag or a stale copy fails instead of validating against something else.
 */
public final class SchemaStore {
    /** Upstream repositories publish these at fixed tags; raw URL = RAW_BASE + upstream path. */
    public static final String RAW_BASE = "https://raw.githubusercontent.com/";
    /** The pin list, relative to the repository root. */
    public static final String PINS = "tools/schemas/pins.tsv";

    private record Pinned(String upstreamPath, String sha256) {
    }

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(60);

    private final Path pins;
    private final Path schemasDir;
    private final Path cacheDir;
    private final String rawBase;
    private final boolean ci;

    /**
     * @param pins       the pin list ({@link #PINS} in the repository)
     * @param schemasDir the directory of pinned files, or null to use the cache and download
     * @param cacheDir   where downloads are kept
     * @param rawBase    base URL the upstream paths are appended to ({@link #RAW_BASE}; tests use a local server)
     * @param ci         whether this runs under CI (only reported here; callers decide skip versus fail)
     */
    public SchemaStore(Path pins, Path schemasDir, Path cacheDir, String rawBase, boolean ci) {
        this.pins = pins;
        this.schemasDir = schemasDir;
        this.cacheDir = cacheDir;
        this.rawBase = rawBase.endsWith("/") ? rawBase : rawBase + "/";
        this.ci = ci;
    }

    /**
     * The store as the environment configures it, with the variables tools/schemas/fetch reads:
     * SCHEMAS_DIR, ASMREADY_SCHEMA_CACHE (else XDG_CACHE_HOME or ~/.cache, then asm-ready/schemas),
     * ASMREADY_RAW_BASE, CI; the pin list from the repository root ({@link Settings#root()}).
     */
    public static SchemaStore fromEnvironment() {
        String dir = System.getenv("SCHEMAS_DIR");
        String cache = System.getenv("ASMREADY_SCHEMA_CACHE");
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cacheDir = !blank(cache) ? Path.of(cache)
                : (!blank(xdg) ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
                        .resolve("asm-ready").resolve("schemas");
        String rawBase = System.getenv("ASMREADY_RAW_BASE");
        return new SchemaStore(Settings.path(PINS), blank(dir) ? null : Path.of(dir), cacheDir,
                blank(rawBase) ? RAW_BASE : rawBase, "true".equalsIgnoreCase(System.getenv("CI")));
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** The names the pin list holds, in its order, e.g. {@code istio/customresourcedefinitions.gen.yaml}. */
    public Set<String> names() {
        return pinned().keySet();
    }

    /** The upstream URL a pinned file comes from. */
    public String upstreamUrl(String name) {
        return rawBase + pinned(name).upstreamPath();
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
            verify(file, name, pinned, "SCHEMAS_DIR");
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
            verify(partial, name, pinned, uri.toString());
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

    private void verify(Path file, String name, Pinned pinned, String origin) {
        String actual = sha256(file);
        if (!actual.equals(pinned.sha256())) {
            throw new LintException(file + " (from " + origin + ") has SHA-256 " + actual + "; expected the pinned "
                    + pinned.sha256() + " of " + upstreamUrl(name));
        }
    }

    private Pinned pinned(String name) {
        Map<String, Pinned> all = pinned();
        Pinned pinned = all.get(name);
        if (pinned == null) {
            throw new LintException("no pinned schema named " + name + " in " + pins + "; known: " + all.keySet());
        }
        return pinned;
    }

    /**
     * The pin list, read as tools/schemas/fetch reads it: {@code #} lines are comments, every other
     * non-empty line is name, upstream path and SHA-256, separated by tabs. Read on each lookup (a
     * few lines), so an edit applies at once.
     */
    private Map<String, Pinned> pinned() {
        List<String> lines;
        try {
            lines = Files.readAllLines(pins);
        } catch (IOException e) {
            throw new LintException("cannot read the schema pin list " + pins + ": " + e, e);
        }
        Map<String, Pinned> all = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] fields = line.split("\t", -1);
            if (fields.length != 3 || fields[0].isBlank() || fields[1].isBlank() || !SHA256.matcher(fields[2]).matches()) {
                throw new LintException(pins + ":" + (i + 1) + ": expected name, upstream path and SHA-256 "
                        + "(64 lowercase hex digits), separated by tabs; got: " + line);
            }
            if (all.put(fields[0], new Pinned(fields[1], fields[2])) != null) {
                throw new LintException(pins + ":" + (i + 1) + ": " + fields[0] + " is pinned twice");
            }
        }
        return all;
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
