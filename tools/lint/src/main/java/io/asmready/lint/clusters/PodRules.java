package io.asmready.lint.clusters;

import static io.asmready.lint.clusters.Rendered.id;

import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.asmready.lint.Settings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * Each pod against the shared settings (port, health paths, preStop pause, shutdown grace, image
 * names and user) and the project's choices on top of the restricted Pod Security Standard (which
 * the namespaces enforce, so the API server refuses a pod that breaks it): a read-only root with a
 * writable /tmp, never the mesh proxy's UID, its own service account without a token.
 */
final class PodRules {
    /** Seconds the kubelet's SIGKILL must stay away after pause + grace (scheduling noise, log flush). */
    static final int GRACE_MARGIN_SECONDS = 5;
    /** The name of every container's admin port (health and metrics, root POM asmready.admin.port). */
    static final String ADMIN_PORT_NAME = "http-admin";
    /** The Istio proxy's UID and GID: a workload running as it would bypass traffic capture. */
    private static final long PROXY_UID = 1337;

    /** Which shared image setting each Deployment runs. */
    private static final Map<String, String> IMAGE_SETTING = Map.of(
            "helloserver", "asmready.image.server",
            "loadgenerator", "asmready.image.loadgen");

    /** At least the original sample's resources (loadgen's manifest in the tutorial). */
    private static final Map<String, Map<String, String>> MINIMUM = Map.of(
            "loadgenerator", Map.of("requests.cpu", "300m", "requests.memory", "256Mi",
                    "limits.cpu", "500m", "limits.memory", "512Mi"));

    private PodRules() {
    }

    static void check(Rendered rendered, Overlay overlay, List<Violation> out) {
        for (Deployment deployment : rendered.deployments()) {
            String id = id(deployment);
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            serviceAccount(rendered, deployment, pod, out);
            gracePeriod(id, pod, out);
            PodSecurityContext podSecurity = Optional.ofNullable(pod.getSecurityContext()).orElse(new PodSecurityContext());
            if (Objects.equals(podSecurity.getRunAsUser(), PROXY_UID) || Objects.equals(podSecurity.getRunAsGroup(), PROXY_UID)) {
                out.add(new Violation("uid-1337", id + ": the pod runs as UID/GID 1337, the mesh proxy's; its traffic "
                        + "would bypass the sidecar"));
            }
            for (Container container : pod.getContainers()) {
                String where = id + " container " + container.getName();
                SecurityContext security = Optional.ofNullable(container.getSecurityContext()).orElse(new SecurityContext());
                if (Objects.equals(security.getRunAsUser(), PROXY_UID) || Objects.equals(security.getRunAsGroup(), PROXY_UID)) {
                    out.add(new Violation("uid-1337", where + ": runs as UID/GID 1337, the mesh proxy's; its traffic "
                            + "would bypass the sidecar"));
                }
                runAsUser(where, podSecurity, security, out);
                readOnlyRoot(where, pod, security, container, out);
                port(where, container, out);
                probes(where, container, out);
                preStop(where, container, out);
                image(where, deployment, container, overlay, out);
                resources(where, deployment, container, out);
                loadgenTarget(where, rendered, container, out);
            }
        }
    }

    private static void serviceAccount(Rendered rendered, Deployment deployment, PodSpec pod, List<Violation> out) {
        String id = id(deployment);
        String name = pod.getServiceAccountName();
        if (name == null || name.isBlank() || name.equals("default")) {
            out.add(new Violation("service-account", id + ": runs as the namespace's default service account; "
                    + "give it its own (the mesh identity is the service account)"));
        } else {
            if (rendered.serviceAccounts().stream().noneMatch(sa -> name.equals(sa.getMetadata().getName()))) {
                out.add(new Violation("service-account", id + ": service account " + name + " is not in the output"));
            }
            long sharing = rendered.deployments().stream()
                    .filter(d -> name.equals(d.getSpec().getTemplate().getSpec().getServiceAccountName())).count();
            if (sharing > 1) {
                out.add(new Violation("service-account", id + ": service account " + name + " is shared by "
                        + sharing + " Deployments; each needs its own identity"));
            }
        }
        Optional<ServiceAccount> account = rendered.serviceAccounts().stream()
                .filter(sa -> sa.getMetadata().getName().equals(name)).findFirst();
        boolean podSaysNo = Boolean.FALSE.equals(pod.getAutomountServiceAccountToken());
        boolean accountSaysNo = account.map(sa -> Boolean.FALSE.equals(sa.getAutomountServiceAccountToken())).orElse(false);
        if (!(podSaysNo || (pod.getAutomountServiceAccountToken() == null && accountSaysNo))) {
            out.add(new Violation("service-account-token", id + ": mounts a service-account token it never uses; "
                    + "set automountServiceAccountToken: false"));
        }
    }

    private static void gracePeriod(String id, PodSpec pod, List<Violation> out) {
        long pause = Settings.getInt("asmready.prestop.pause.seconds");
        long grace = Settings.getInt("asmready.shutdown.grace.seconds");
        long needed = pause + grace + GRACE_MARGIN_SECONDS;
        Long actual = pod.getTerminationGracePeriodSeconds();
        if (actual == null || actual < needed) {
            out.add(new Violation("grace-period", id + ": terminationGracePeriodSeconds " + (actual == null ? "unset (30)" : actual)
                    + " < preStop pause " + pause + " + shutdown grace " + grace + " + margin " + GRACE_MARGIN_SECONDS
                    + " = " + needed + "; the kubelet would kill requests still in flight"));
        }
    }

    /**
     * The UID a container runs as must be the image's user (root POM image.user, Jib's container.user):
     * the image's home and files belong to it, and another UID runs, unnoticed, as a user the image
     * never had.
     */
    private static void runAsUser(String where, PodSecurityContext podSecurity, SecurityContext security,
                                  List<Violation> out) {
        long expected = Settings.getInt("image.user");
        Long uid = security.getRunAsUser() != null ? security.getRunAsUser() : podSecurity.getRunAsUser();
        if (!Objects.equals(uid, expected)) {
            out.add(new Violation("run-as-user", where + ": runAsUser is " + uid + "; expected image.user=" + expected
                    + ", the user the image is built for"));
        }
    }

    /** Not part of the restricted standard: the image cannot be changed at run time; the JVM writes to /tmp. */
    private static void readOnlyRoot(String where, PodSpec pod, SecurityContext security, Container container,
                                     List<Violation> out) {
        if (!Boolean.TRUE.equals(security.getReadOnlyRootFilesystem())) {
            out.add(new Violation("read-only-root", where + ": readOnlyRootFilesystem is not true"));
        } else {
            boolean tmp = container.getVolumeMounts() != null && container.getVolumeMounts().stream().anyMatch(m ->
                    "/tmp".equals(m.getMountPath()) && pod.getVolumes() != null && pod.getVolumes().stream()
                            .anyMatch(v -> v.getName().equals(m.getName()) && v.getEmptyDir() != null));
            if (!tmp) {
                out.add(new Violation("tmp-volume", where + ": read-only root but no emptyDir at /tmp, where the JVM writes"));
            }
        }
    }

    private static void port(String where, Container container, List<Violation> out) {
        int expected = Settings.getInt("asmready.http.port");
        int admin = Settings.getInt("asmready.admin.port");
        Optional<ContainerPort> http = named(container, "http");
        if (http.isPresent() && !Objects.equals(http.get().getContainerPort(), expected)) {
            out.add(new Violation("container-port", where + ": port 'http' is " + http.get().getContainerPort()
                    + " but the services listen on asmready.http.port=" + expected));
        }
        Optional<ContainerPort> adminPort = named(container, ADMIN_PORT_NAME);
        if (adminPort.isEmpty()) {
            out.add(new Violation("container-port", where + ": no container port named '" + ADMIN_PORT_NAME
                    + "' (asmready.admin.port=" + admin + "), where the apps serve health and metrics"));
        } else if (!Objects.equals(adminPort.get().getContainerPort(), admin)) {
            out.add(new Violation("container-port", where + ": port '" + ADMIN_PORT_NAME + "' is "
                    + adminPort.get().getContainerPort() + " but the apps serve health and metrics on asmready.admin.port="
                    + admin));
        }
        if (container.getEnv() != null) {
            container.getEnv().stream().filter(e -> "ADMIN_PORT".equals(e.getName())).findFirst()
                    .filter(e -> !String.valueOf(admin).equals(e.getValue()))
                    .ifPresent(e -> out.add(new Violation("container-port", where + ": env ADMIN_PORT=" + e.getValue()
                            + " but the probes, the Services and the scrape use asmready.admin.port=" + admin)));
        }
    }

    private static Optional<ContainerPort> named(Container container, String name) {
        return container.getPorts() == null ? Optional.empty()
                : container.getPorts().stream().filter(p -> name.equals(p.getName())).findFirst();
    }

    private static void probes(String where, Container container, List<Violation> out) {
        probe(where, "startupProbe", container.getStartupProbe(), "asmready.health.started", container, out);
        probe(where, "readinessProbe", container.getReadinessProbe(), "asmready.health.ready", container, out);
        probe(where, "livenessProbe", container.getLivenessProbe(), "asmready.health.live", container, out);
    }

    private static void probe(String where, String which, Probe probe, String setting, Container container,
                              List<Violation> out) {
        String expected = Settings.get(setting);
        if (probe == null || probe.getHttpGet() == null) {
            out.add(new Violation("probes", where + ": no " + which + " with httpGet on " + expected));
            return;
        }
        if (!expected.equals(probe.getHttpGet().getPath())) {
            out.add(new Violation("probes", where + ": " + which + " path " + probe.getHttpGet().getPath()
                    + " is not the served " + setting + "=" + expected));
        }
        String port = probe.getHttpGet().getPort() == null ? null : probe.getHttpGet().getPort().getStrVal();
        Optional<ContainerPort> named = port == null ? Optional.empty() : named(container, port);
        int admin = Settings.getInt("asmready.admin.port");
        if (named.isEmpty()) {
            out.add(new Violation("probes", where + ": " + which + " port " + probe.getHttpGet().getPort()
                    + " names no container port"));
        } else if (!Objects.equals(named.get().getContainerPort(), admin)) {
            out.add(new Violation("probes", where + ": " + which + " port " + port + " is "
                    + named.get().getContainerPort() + ", not the admin port asmready.admin.port=" + admin
                    + ", the only one that serves health"));
        }
    }

    private static void preStop(String where, Container container, List<Violation> out) {
        long expected = Settings.getInt("asmready.prestop.pause.seconds");
        Long actual = container.getLifecycle() == null || container.getLifecycle().getPreStop() == null
                || container.getLifecycle().getPreStop().getSleep() == null ? null
                : container.getLifecycle().getPreStop().getSleep().getSeconds();
        if (!Objects.equals(actual, expected)) {
            out.add(new Violation("prestop", where + ": preStop sleep is " + actual + " s; expected "
                    + "asmready.prestop.pause.seconds=" + expected + " so endpoints are gone before SIGTERM"));
        }
    }

    private static void image(String where, Deployment deployment, Container container, Overlay overlay,
                              List<Violation> out) {
        String setting = IMAGE_SETTING.get(deployment.getMetadata().getName());
        if (setting == null) {
            out.add(new Violation("image", where + ": no shared image setting for Deployment "
                    + deployment.getMetadata().getName()));
            return;
        }
        String name = Settings.get(setting);
        String image = Objects.requireNonNullElse(container.getImage(), "");
        if (!overlay.registryImages()) {
            if (!image.equals(name)) {
                out.add(new Violation("image", where + ": image '" + image + "'; expected the bare '" + name
                        + "' (" + setting + ") that Skaffold substitutes"));
            }
            return;
        }
        int at = image.indexOf('@');
        String digest = at >= 0 ? image.substring(at + 1) : "";
        String nameAndTag = at >= 0 ? image.substring(0, at) : image;
        int colon = nameAndTag.lastIndexOf(':');
        boolean tagged = colon > nameAndTag.lastIndexOf('/');
        String repository = tagged ? nameAndTag.substring(0, colon) : nameAndTag;
        String tag = tagged ? nameAndTag.substring(colon + 1) : "";
        if (at >= 0 && !digest.matches("sha256:[0-9a-f]{64}")) {
            out.add(new Violation("image", where + ": image '" + image + "' has digest '" + digest
                    + "'; expected sha256: and 64 lowercase hex digits"));
        }
        boolean qualified = repository.contains("/") && repository.substring(0, repository.indexOf('/')).contains(".");
        if (!qualified || !repository.endsWith("/" + name)) {
            out.add(new Violation("image", where + ": image '" + image + "'; expected <registry host>/.../" + name
                    + " (" + setting + ")"));
        }
        if ((tag.isEmpty() || tag.equals("latest")) && digest.isEmpty()) {
            out.add(new Violation("image", where + ": image '" + image + "' has no pinned tag or digest"));
        }
    }

    private static void resources(String where, Deployment deployment, Container container, List<Violation> out) {
        var requirements = container.getResources();
        for (String kind : List.of("requests", "limits")) {
            Map<String, Quantity> values = requirements == null ? null
                    : kind.equals("requests") ? requirements.getRequests() : requirements.getLimits();
            for (String resource : List.of("cpu", "memory")) {
                Quantity value = values == null ? null : values.get(resource);
                if (value == null) {
                    out.add(new Violation("resources", where + ": no " + kind + "." + resource));
                    continue;
                }
                String minimum = MINIMUM.getOrDefault(deployment.getMetadata().getName(), Map.of()).get(kind + "." + resource);
                if (minimum != null && value.getNumericalAmount().compareTo(new Quantity(minimum).getNumericalAmount()) < 0) {
                    out.add(new Violation("resources", where + ": " + kind + "." + resource + " " + value
                            + " is below the original sample's " + minimum));
                }
            }
        }
        if (requirements != null && requirements.getRequests() != null && requirements.getLimits() != null) {
            for (String resource : List.of("cpu", "memory")) {
                Quantity request = requirements.getRequests().get(resource);
                Quantity limit = requirements.getLimits().get(resource);
                if (request != null && limit != null
                        && request.getNumericalAmount().compareTo(limit.getNumericalAmount()) > 0) {
                    out.add(new Violation("resources", where + ": requests." + resource + " " + request
                            + " exceeds limits." + resource + " " + limit));
                }
            }
        }
    }

    /** The load generator must aim at a real Service port, at a sane rate. */
    private static void loadgenTarget(String where, Rendered rendered, Container container, List<Violation> out) {
        if (container.getEnv() == null) {
            return;
        }
        for (EnvVar env : container.getEnv()) {
            if (env.getName().equals("SERVER_ADDR")) {
                URI uri;
                try {
                    uri = URI.create(Objects.requireNonNullElse(env.getValue(), ""));
                } catch (IllegalArgumentException e) {
                    out.add(new Violation("loadgen-target", where + ": SERVER_ADDR '" + env.getValue() + "' is not a URL"));
                    continue;
                }
                String host = uri.getHost() == null ? "" : uri.getHost();
                int port = uri.getPort() < 0 ? 80 : uri.getPort();
                Optional<Service> service = rendered.services().stream()
                        .filter(s -> host.equals(s.getMetadata().getName())
                                || host.startsWith(s.getMetadata().getName() + "."))
                        .findFirst();
                if (service.isEmpty() || service.get().getSpec().getPorts().stream().noneMatch(p -> p.getPort() == port)) {
                    out.add(new Violation("loadgen-target", where + ": SERVER_ADDR " + env.getValue()
                            + " is not a port of a Service in the output"));
                }
            }
            if (env.getName().equals("REQUESTS_PER_SECOND")) {
                boolean positive;
                try {
                    positive = new BigDecimal(Objects.requireNonNullElse(env.getValue(), "x")).signum() > 0
                            && env.getValue().matches("[0-9]+");
                } catch (NumberFormatException e) {
                    positive = false;
                }
                if (!positive) {
                    out.add(new Violation("loadgen-target", where + ": REQUESTS_PER_SECOND '" + env.getValue()
                            + "' is not a positive integer"));
                }
            }
        }
    }
}
