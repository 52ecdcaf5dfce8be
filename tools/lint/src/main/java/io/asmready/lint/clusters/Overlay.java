package io.asmready.lint.clusters;

/**
 * What an overlay of clusters/ promises, which the rules check its rendered output against.
 *
 * @param namespace      where every namespaced object must land (and a Namespace object for it)
 * @param mesh           whether the mesh component is on (exactly one injection label, mesh objects)
 * @param registryImages whether images are registry-qualified with a pinned tag (GKE) rather than the
 *                       bare names Skaffold substitutes (dev)
 * @param monitoring     whether Managed Service for Prometheus collects every workload's metrics
 *                       (PodMonitoring, a kind only GKE's managed collection installs)
 */
public record Overlay(String namespace, boolean mesh, boolean registryImages, boolean monitoring) {
    public static final Overlay DEV = new Overlay("asm-ready-dev", false, false, false);
    public static final Overlay DEV_MESH = new Overlay("asm-ready-dev", true, false, false);
    public static final Overlay ASM_READY = new Overlay("asm-ready", true, true, true);
}
