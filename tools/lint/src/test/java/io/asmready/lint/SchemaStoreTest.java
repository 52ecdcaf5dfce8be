package io.asmready.lint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pin list tools/schemas/pins.tsv and the fetch path, against a stand-in for the upstream host on
 * loopback serving the pinned bytes.
 */
class SchemaStoreTest {
    private static final String NAME = "gmp/podmonitorings-crd.yaml";
    private static final Path PINS = Settings.path(SchemaStore.PINS);

    @TempDir
    Path cache;

    private HttpServer upstream;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile byte[] served;

    @BeforeEach
    void startUpstream() throws IOException {
        served = Files.readAllBytes(Schemas.require(NAME));
        String pinnedPath = URI.create(new SchemaStore(PINS, null, cache, SchemaStore.RAW_BASE, true).upstreamUrl(NAME)).getPath();
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/", exchange -> {
            requests.incrementAndGet();
            boolean known = exchange.getRequestURI().getPath().equals(pinnedPath);
            byte[] body = known ? served : new byte[0];
            exchange.sendResponseHeaders(known ? 200 : 404, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
    }

    @AfterEach
    void stopUpstream() {
        if (upstream != null) { // null when the pinned file was unavailable and the test was skipped
            upstream.stop(0);
        }
    }

    private SchemaStore store() {
        return new SchemaStore(PINS, null, cache, "http://127.0.0.1:" + upstream.getAddress().getPort(), true);
    }

    @Test
    void thePinListHoldsEverySchemaTheChecksRead() {
        assertTrue(store().names().containsAll(List.of("skaffold/v4beta14.json",
                "istio/customresourcedefinitions.gen.yaml", NAME)), store().names().toString());
    }

    @Test
    void fetchesThePinnedFileOnceIntoTheCache() throws IOException {
        Path first = store().path(NAME);
        Path second = store().path(NAME);
        assertEquals(cache.resolve(NAME), first);
        assertEquals(first, second);
        assertArrayEquals(served, Files.readAllBytes(first));
        assertEquals(1, requests.get(), "the second lookup must come from the cache");
    }

    @Test
    void refusesAFileThatIsNotThePinnedOne() throws IOException {
        served = "kind: CustomResourceDefinition\n".getBytes();
        LintException e = assertThrows(LintException.class, () -> store().path(NAME));
        assertTrue(e.getMessage().contains("expected the pinned"), e.getMessage());
        assertFalse(Files.exists(cache.resolve(NAME)), "a wrong file must not be cached");
        try (var leftovers = Files.list(cache.resolve("gmp"))) {
            assertEquals(0, leftovers.count(), "no partial download may stay behind");
        }
    }

    @Test
    void saysWhatToDoWhenUpstreamCannotBeReached() {
        upstream.stop(0);
        SchemaUnavailableException e = assertThrows(SchemaUnavailableException.class, () -> store().path(NAME));
        assertTrue(e.getMessage().contains("set SCHEMAS_DIR"), e.getMessage());
    }

    @Test
    void aSchemasDirWithoutTheFileIsUnavailableNotFetched(@TempDir Path emptyDir) {
        SchemaStore store = new SchemaStore(PINS, emptyDir, cache, "http://127.0.0.1:" + upstream.getAddress().getPort(), true);
        SchemaUnavailableException e = assertThrows(SchemaUnavailableException.class, () -> store.path(NAME));
        assertTrue(e.getMessage().startsWith("SCHEMAS_DIR=" + emptyDir + " has no " + NAME), e.getMessage());
        assertEquals(0, requests.get());
    }

    @Test
    void readsThePinListAsFetchDoes(@TempDir Path dir) throws IOException {
        Path pins = dir.resolve("pins.tsv");
        String sha = "0".repeat(64);
        Files.writeString(pins, "# name\tupstream\tsha256\n\nb/one.json\towner/repo/v1/one.json\t" + sha + "\n"
                + "a/two.yaml\towner/repo/v1/two.yaml\t" + sha + "\n");
        SchemaStore store = new SchemaStore(pins, null, cache, "http://mirror.example/", true);
        assertEquals(List.of("b/one.json", "a/two.yaml"), List.copyOf(store.names()));
        assertEquals("http://mirror.example/owner/repo/v1/two.yaml", store.upstreamUrl("a/two.yaml"));
        LintException unknown = assertThrows(LintException.class, () -> store.path("c/three.json"));
        assertTrue(unknown.getMessage().startsWith("no pinned schema named c/three.json in " + pins), unknown.getMessage());
    }

    @Test
    void refusesAMalformedPinLine(@TempDir Path dir) throws IOException {
        Path pins = dir.resolve("pins.tsv");
        Files.writeString(pins, "# comment\nb/one.json owner/repo/v1/one.json " + "0".repeat(64) + "\n");
        LintException e = assertThrows(LintException.class, () -> new SchemaStore(pins, null, cache, "http://x/", true).names());
        assertTrue(e.getMessage().startsWith(pins + ":2: expected name, upstream path and SHA-256"), e.getMessage());
    }
}
