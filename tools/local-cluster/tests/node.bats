#!/usr/bin/env bats
# The local cluster's real node: containerd, the kubelet, kube-proxy and CoreDNS run the containers of
# clusters/dev, deployed by `skaffold run` with images Jib pushed to the registry on loopback. What the
# manifests promise is read back from the API server, the pods' cgroups and /proc, and the host is
# compared before `make local-cluster` and after `make local-clean`.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
  [ "$(id -u)" -eq 0 ] || skip "a real node needs root (this host runs the suite as uid $(id -u))"
  host_state >"$BATS_FILE_TMPDIR/host-before"
  export LOCAL_CLUSTER_RUNTIME=node LOCAL_CLUSTER_SYNC=none LOCAL_CLUSTER_CRDS=none
  start_cluster || return 1
  command -v skaffold >/dev/null || { echo "skaffold is not among the built tools" >&2; return 1; }
  export COPY=$BATS_FILE_TMPDIR/repo
  copy_tree "$COPY"
  BASE=$("$COPY/tools/e2e/base-image" "$BATS_FILE_TMPDIR/base-image.tar") || return 1
  export MAVEN_ARGS="-Djib.from.image=tar://$BASE" SKAFFOLD_UPDATE_CHECK=false
  export DOCKER_HOST=unix://$BATS_FILE_TMPDIR/no-docker-daemon.sock
  # The README's `skaffold run`: build, push to the loopback registry, deploy, wait for the status check.
  (cd "$COPY" && JAVA_HOME=$(tools/find-jdk) skaffold run --port-forward=off >"$BATS_FILE_TMPDIR/run.log" 2>&1) ||
    { tail -n 40 "$BATS_FILE_TMPDIR/run.log" >&2; return 1; }
}

teardown_file() { stop_cluster; }

NS=asm-ready-dev
pod_of() { kubectl -n "$NS" get pods -l "app=$1" -o jsonpath='{.items[0].metadata.name}'; }
# The host pid of a pod's first container, from its cgroup (the kubelet names it pod<uid>/<container id>).
container_pid() { # APP
  local uid id
  uid=$(kubectl -n "$NS" get pod "$(pod_of "$1")" -o jsonpath='{.metadata.uid}')
  id=$(kubectl -n "$NS" get pod "$(pod_of "$1")" -o jsonpath='{.status.containerStatuses[0].containerID}')
  head -n 1 "$(container_cgroup memory "$uid" "${id#containerd://}")/cgroup.procs"
}
container_cgroup() { # CONTROLLER POD-UID CONTAINER-ID
  find "/sys/fs/cgroup/$1/asm-ready" -type d -path "*pod$2/$3" | head -n 1
}

@test "the node runs the pinned kubelet and containerd, and turned Ready" {
  run kubectl get node asm-ready-node -o json
  [ "$status" -eq 0 ]
  [ "$(jq -r '.status.nodeInfo.kubeletVersion' <<<"$output")" = "$(kubectl version -o json | jq -r .serverVersion.gitVersion)" ]
  [[ $(jq -r '.status.nodeInfo.containerRuntimeVersion' <<<"$output") == containerd://2.4.2* ]]
  [ "$(jq -r '.status.conditions[] | select(.type == "Ready") | .status' <<<"$output")" = True ]
  # The node's address is on the cluster's own bridge, not on any link of the host's.
  ip=$(jq -r '.status.addresses[] | select(.type == "InternalIP") | .address' <<<"$output")
  ip -o addr show dev asmr0 | grep -qF " $ip/"
}

@test "skaffold run: both pods pulled from the loopback registry and passed their real probes" {
  kubectl -n "$NS" wait --for=condition=Ready pod -l app=helloserver --timeout=60s
  kubectl -n "$NS" wait --for=condition=Ready pod -l app=loadgenerator --timeout=60s
  for app in helloserver loadgenerator; do
    image=$(kubectl -n "$NS" get pod "$(pod_of "$app")" -o jsonpath='{.status.containerStatuses[0].imageID}')
    echo "$app: $image"
    [[ $image == "$LOCAL_CLUSTER_REGISTRY"/*@sha256:* ]]
  done
  # The Service lists exactly the Ready pods: readiness on the admin port gates the endpoints.
  endpoints_match "$NS" hellosvc
}

@test "hellosvc answers from the host on its ClusterIP and on its LoadBalancer address, as in the tutorial" {
  cluster_ip=$(kubectl -n "$NS" get service hellosvc -o jsonpath='{.spec.clusterIP}')
  run curl -fsS --max-time 5 "http://$cluster_ip/tutorial?q=1"
  [ "$status" -eq 0 ]
  [ "$output" = "Hello World! /tutorial?q=1" ]
  external() { [ -n "$(kubectl -n "$NS" get service hellosvc -o jsonpath='{.status.loadBalancer.ingress[0].ip}')" ]; }
  wait_for 30 external
  external_ip=$(kubectl -n "$NS" get service hellosvc -o jsonpath='{.status.loadBalancer.ingress[0].ip}')
  echo "EXTERNAL-IP $external_ip"
  ip -o addr show dev asmr0 | grep -q "inet ${external_ip%.*}\."
  run curl -fsS --max-time 5 "http://$external_ip/"
  [ "$output" = "Hello World! /" ]
}

@test "loadgen in its pod finds hellosvc by name through CoreDNS and completes its requests (kubectl logs)" {
  completes() { kubectl -n "$NS" logs deploy/loadgenerator 2>/dev/null | grep -Eq '[1-9][0-9]* request\(s\) complete to http://hellosvc'; }
  wait_for 60 completes || { kubectl -n "$NS" logs deploy/loadgenerator --tail=20; false; }
  # helloserver logs one record per request, with its headers, to stdout: the kubelet's log of it.
  kubectl -n "$NS" logs deploy/helloserver | grep -q 'loadgen'
}

@test "CoreDNS answers the cluster's names and refuses every other (nothing is forwarded)" {
  dns_ip=$(kubectl -n kube-system get service kube-dns -o jsonpath='{.spec.clusterIP}')
  run dns_query "$dns_ip" hellosvc.asm-ready-dev.svc.cluster.local
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = NOERROR ]
  [ "${lines[1]}" = "$(kubectl -n "$NS" get service hellosvc -o jsonpath='{.spec.clusterIP}')" ]
  run dns_query "$dns_ip" example.com
  [ "${lines[0]}" = REFUSED ]
}

@test "the security context is what runs: uid 65532, no capabilities, no new privileges, seccomp, read-only root" {
  for app in helloserver loadgenerator; do
    pid=$(container_pid "$app")
    echo "$app: pid $pid"
    [ -n "$pid" ]
    grep -Eq '^Uid:\s+65532\s+65532\s+65532\s+65532$' "/proc/$pid/status"
    grep -Eq '^CapEff:\s+0+$' "/proc/$pid/status"
    grep -Eq '^CapBnd:\s+0+$' "/proc/$pid/status"
    grep -Eq '^NoNewPrivs:\s+1$' "/proc/$pid/status"
    # 2 = a seccomp filter (RuntimeDefault) is in force.
    grep -Eq '^Seccomp:\s+2$' "/proc/$pid/status"
    # The container's / is mounted read-only; /tmp, its emptyDir, is writable.
    awk '$5 == "/" {print $6}' "/proc/$pid/mountinfo" | grep -q '^ro'
    awk '$5 == "/tmp" {print $6}' "/proc/$pid/mountinfo" | grep -q '^rw'
  done
}

@test "memory limits are the manifests' and enforced by the pods' cgroups; the working set stays below them" {
  for app in helloserver loadgenerator; do
    pod=$(pod_of "$app")
    want=$(kubectl -n "$NS" get pod "$pod" -o json | jq -r '.spec.containers[0].resources.limits.memory')
    uid=$(kubectl -n "$NS" get pod "$pod" -o jsonpath='{.metadata.uid}')
    id=$(kubectl -n "$NS" get pod "$pod" -o jsonpath='{.status.containerStatuses[0].containerID}')
    cg=$(container_cgroup memory "$uid" "${id#containerd://}")
    limit=$(cat "$cg/memory.limit_in_bytes")
    usage=$(cat "$cg/memory.usage_in_bytes")
    inactive=$(awk '$1 == "total_inactive_file" {print $2}' "$cg/memory.stat")
    echo "$app: limit $limit ($want), working set $((usage - inactive))"
    [ "$limit" -eq "$(to_bytes "$want")" ]
    [ $((usage - inactive)) -lt "$limit" ]
  done
}

@test "skaffold delete removes what skaffold run deployed" {
  cd "$COPY"
  run skaffold delete
  [ "$status" -eq 0 ]
  gone() { ! kubectl get namespace "$NS" >/dev/null 2>&1; }
  wait_for 120 gone
}

@test "make local-clean leaves the host as it found it: links, addresses, routes, rules, sysctls, mounts, cgroups, folders" {
  stop_cluster
  host_state >"$BATS_FILE_TMPDIR/host-after"
  diff "$BATS_FILE_TMPDIR/host-before" "$BATS_FILE_TMPDIR/host-after"
}
