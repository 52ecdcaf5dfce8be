package io.asmready.lint;

import java.nio.file.Path;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Test-side access to the pinned schemas: a schema that cannot be had skips the test with one line on
 * a developer's machine, and fails it under {@code CI=true} (a missing schema is never a pass on CI).
 */
public final class Schemas {
    private static final SchemaStore STORE = SchemaStore.fromEnvironment();
    private static CrdValidator istio;
    private static CrdValidator clusterCrds;

    private Schemas() {
    }

    /** The local path of a pinned schema, e.g. {@code Schemas.require("argocd/application-crd.yaml")}. */
    public static Path require(String name) {
        return require(STORE, name);
    }

    static Path require(SchemaStore store, String name) {
        try {
            return store.path(name);
        } catch (SchemaUnavailableException e) {
            if (store.ci()) {
                return Assertions.fail("CI=true and a pinned schema is missing: " + e.getMessage());
            }
            Assumptions.abort("skipped, schema unavailable: " + e.getMessage());
            return null;
        }
    }

    /** Istio's CRDs (one validator for the whole run: compiling schemas is the slow part). */
    public static synchronized CrdValidator istio() {
        if (istio == null) {
            istio = CrdValidator.fromFiles(require("istio/customresourcedefinitions.gen.yaml"));
        }
        return istio;
    }

    /**
     * Every custom resource kind clusters/ may render: Istio's and Managed Service for Prometheus'
     * PodMonitoring (what {@code ClusterChecks.check} validates against).
     */
    public static synchronized CrdValidator clusterCrds() {
        if (clusterCrds == null) {
            clusterCrds = CrdValidator.fromFiles(require("istio/customresourcedefinitions.gen.yaml"),
                    require("gmp/podmonitorings-crd.yaml"));
        }
        return clusterCrds;
    }
}
