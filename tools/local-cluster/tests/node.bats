#!/usr/bin/env bats
# The local cluster's real node, as `make local-cluster` starts it: containerd, the kubelet,
# kube-proxy and CoreDNS run the containers; Argo CD syncs clusters/asm-ready from a clone of this
# working tree whose images were built by Jib, pushed to the registry on loopback and pinned there;
# the Application turns Healthy only because real pods passed their real probes. What the manifests
# promise is read back from the API server, the pods' cgroups and /proc, a release rolls the pods
# with loadgen's requests counted, and the host is compared before and after `make local-clean`.
# The mesh's objects are applied as on GKE but stay inert: no istiod or Envoy runs here.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
  [ "$(id -u)" -eq 0 ] || skip "a real node needs root (this host runs the suite as uid $(id -u))"
  host_state >"$BATS_FILE_TMPDIR/host-before"
  export LOCAL_CLUSTER_RUNTIME=node
  start_cluster || return 1
  export REPO=$LOCAL_CLUSTER_DIR/repo
}

teardown_file() { stop_cluster; }

NS=asm-ready
app() { kubectl -n argocd get application asm-ready -o json; }
app_is() { [ "$(app | jq -r '"\(.status.sync.status) \(.status.health.status)"')" = "$1" ]; }
synced_at() { [ "$(app | jq -r '.status.sync.revision')" = "$(git -C "$REPO" rev-parse HEAD)" ] && app_is "Synced Healthy"; }
pod_of() { kubectl -n "$NS" get pods -l "app=$1" --field-selector=status.phase=Running -o jsonpath='{.items[0].metadata.name}'; }
container_cgroup() { # CONTROLLER POD-UID CONTAINER-ID
  find "/sys/fs/cgroup/$1/asm-ready" -type d -path "*pod$2/$3" | head -n 1
}
# The host pid of a pod's first container, from its cgroup (the kubelet names it pod<uid>/<container id>).
container_pid() { # APP
  local pod uid id
  pod=$(pod_of "$1")
  uid=$(kubectl -n "$NS" get pod "$pod" -o jsonpath='{.metadata.uid}')
  id=$(kubectl -n "$NS" get pod "$pod" -o jsonpath='{.status.containerStatuses[0].containerID}')
  head -n 1 "$(container_cgroup memory "$uid" "${id#containerd://}")/cgroup.procs"
}
# loadgen's counters from its admin port, on its pod's address (the host reaches the pods' bridge).
loadgen_metric() { # NAME-PREFIX: the sum of every sample whose name starts with it; fails unanswered
  local ip body
  ip=$(kubectl -n "$NS" get pod "$(pod_of loadgenerator)" -o jsonpath='{.status.podIP}')
  body=$(curl -fsS --max-time 5 "http://$ip:9090/observe/metrics") || return 1
  awk -v m="$1" 'index($1, m) == 1 {s += $2} END {printf "%d\n", s}' <<<"$body"
}

# loadgen_counts: "POD SENT FAILED 5XX": loadgen's pod and its counters now.
loadgen_counts() {
  echo "$(pod_of loadgenerator) $(loadgen_metric loadgen_requests_sent_total) $(loadgen_metric loadgen_requests_failed_total) $(loadgen_metric 'loadgen_responses_total{class="5')"
}
# no_loss_since WHAT "POD SENT FAILED 5XX": once helloserver has settled, loadgen (still that pod)
# sent more since, and none failed or got a 5xx.
no_loss_since() {
  local what=$1 pod sent failed errors now_sent now_failed now_errors
  read -r pod sent failed errors <<<"$2"
  wait_for 120 settled || return 1
  [ "$(pod_of loadgenerator)" = "$pod" ] || { echo "loadgen's pod changed: $pod -> $(pod_of loadgenerator)"; return 1; }
  read -r _ now_sent now_failed now_errors <<<"$(loadgen_counts)"
  echo "# $what: loadgen sent $((now_sent - sent)), $((now_failed - failed)) failed, $((now_errors - errors)) answered 5xx" >&3
  [ "$now_sent" -gt "$sent" ] && [ "$now_failed" -eq "$failed" ] && [ "$now_errors" -eq "$errors" ]
}
# Only the Deployment's own replicas are left (old pods' preStop pause and drain are over).
settled() {
  [ "$(kubectl -n "$NS" get pods -l app=helloserver -o name | wc -l)" -eq "$(kubectl -n "$NS" get deployment helloserver -o jsonpath='{.spec.replicas}')" ]
}

@test "Argo CD syncs clusters/asm-ready onto the node and turns Healthy on real readiness" {
  wait_for 600 synced_at || { app | jq '.status | {sync, health, conditions, operationState: .operationState.message}'; kubectl -n "$NS" get pods; false; }
  kubectl -n "$NS" get pods -o wide
  # Every replica HPA asks for runs, each from the image the release pinned, pulled from loopback.
  for dep in helloserver loadgenerator; do
    [ "$(kubectl -n "$NS" get deployment "$dep" -o jsonpath='{.status.readyReplicas}')" = \
      "$(kubectl -n "$NS" get deployment "$dep" -o jsonpath='{.spec.replicas}')" ]
  done
  # What Argo CD applied is the release's pin: the loopback registry, a tag and a digest; the pods run
  # exactly that digest.
  pinned=$(kubectl -n "$NS" get deployment helloserver -o jsonpath='{.spec.template.spec.containers[0].image}')
  running=$(kubectl -n "$NS" get pod "$(pod_of helloserver)" -o jsonpath='{.status.containerStatuses[0].imageID}')
  echo "pinned $pinned, running $running"
  [[ $pinned == "$LOCAL_CLUSTER_REGISTRY"/asm-ready/helloserver:*@sha256:* ]]
  [[ $running == *"@${pinned##*@}" ]]
  # The Service lists exactly the Ready pods: readiness on the admin port gates the endpoints.
  endpoints_match "$NS" hellosvc
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
  run dns_query "$dns_ip" hellosvc.$NS.svc.cluster.local
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

@test "a release (new helloserver image pinned and committed) rolls it with no failed request from loadgen" {
  synced_at || skip "needs the synced Application of the first test"
  # A visible change, built, pushed and pinned as `make release` does it, then committed. The tag and
  # revision label stay the first release's, so loadgen's image (and pin) is byte-identical and its
  # pod, whose counters judge the rollout, keeps running; only helloserver's digest changes.
  tag=$(awk '/name: loadgen/ {f=1} f && /newTag:/ {gsub(/[" ]/, "", $2); print $2; exit}' "$REPO/clusters/asm-ready/kustomization.yaml")
  revision=$(git -C "$REPO" rev-parse HEAD~1)
  sed -i 's/"Hello World! "/"Hello, released World! "/' "$REPO/apps/server/src/main/java/io/asmready/server/hello/HelloService.java"
  git -C "$REPO" -c user.name=test -c user.email=test@localhost commit -qam "A new greeting"
  (cd "$REPO" && REGISTRY=$LOCAL_CLUSTER_REGISTRY/asm-ready TAG=$tag REVISION=$revision AOT=0 \
    BASE_IMAGE=tar://$LOCAL_CLUSTER_DIR/base-image.tar MAVEN_ARGS=-Djib.allowInsecureRegistries=true \
    tools/cluster/cluster release) >"$BATS_FILE_TMPDIR/release.log" 2>&1 || { tail -n 30 "$BATS_FILE_TMPDIR/release.log"; false; }
  git -C "$REPO" diff --stat
  [ "$(git -C "$REPO" diff | grep -c '^+.*digest:')" -eq 1 ]
  counts=$(loadgen_counts)
  read -r _ sent _ <<<"$counts"
  [ "$sent" -gt 0 ]
  git -C "$REPO" -c user.name=test -c user.email=test@localhost commit -qam "Release the new greeting"
  kubectl -n argocd annotate application asm-ready argocd.argoproj.io/refresh=normal --overwrite >/dev/null
  external_ip=$(kubectl -n "$NS" get service hellosvc -o jsonpath='{.status.loadBalancer.ingress[0].ip}')
  new_greeting() { [ "$(curl -fsS --max-time 2 "http://$external_ip/r" 2>/dev/null)" = "Hello, released World! /r" ]; }
  wait_for 600 synced_at
  kubectl -n "$NS" rollout status deployment/helloserver --timeout=300s
  wait_for 60 new_greeting
  no_loss_since "release" "$counts"
}

@test "three rolling restarts of helloserver through the real Service: loadgen in its pod loses nothing" {
  synced_at || skip "needs the synced Application of the first test"
  counts=$(loadgen_counts)
  for _ in 1 2 3; do
    kubectl -n "$NS" rollout restart deployment/helloserver >/dev/null
    kubectl -n "$NS" rollout status deployment/helloserver --timeout=300s >/dev/null
  done
  no_loss_since "3 rolling restarts" "$counts"
}

@test "a helloserver container killed outright is restarted by the kubelet, and loadgen recovers" {
  synced_at || skip "needs the synced Application of the first test"
  pod=$(pod_of helloserver)
  restarts() { kubectl -n "$NS" get pod "$pod" -o jsonpath='{.status.containerStatuses[0].restartCount}'; }
  before=$(restarts)
  uid=$(kubectl -n "$NS" get pod "$pod" -o jsonpath='{.metadata.uid}')
  id=$(kubectl -n "$NS" get pod "$pod" -o jsonpath='{.status.containerStatuses[0].containerID}')
  kill -9 "$(head -n 1 "$(container_cgroup memory "$uid" "${id#containerd://}")/cgroup.procs")"
  restarted() { [ "$(restarts)" -gt "$before" ] && kubectl -n "$NS" wait --for=condition=Ready "pod/$pod" --timeout=1s >/dev/null 2>&1; }
  wait_for 180 restarted
  # loadgen's requests complete again: its completed count moves and no request fails from then on.
  completed=$(loadgen_metric loadgen_requests_completed_total)
  failed=$(loadgen_metric loadgen_requests_failed_total)
  moving() { [ "$(loadgen_metric loadgen_requests_completed_total)" -gt $((completed + 20)) ]; }
  wait_for 30 moving
  [ "$(loadgen_metric loadgen_requests_failed_total)" -eq "$failed" ]
  echo "# killed helloserver container: restarted ($(restarts) restarts), loadgen completing again" >&3
}

@test "the HPA reads helloserver's CPU from metrics-server and scales it up under load" {
  synced_at || skip "needs the synced Application of the first test"
  min=$(kubectl -n "$NS" get hpa helloserver -o jsonpath='{.spec.minReplicas}')
  measured() { [ -n "$(kubectl -n "$NS" get hpa helloserver -o jsonpath='{.status.currentMetrics[0].containerResource.current.averageUtilization}')" ]; }
  wait_for 120 measured || { kubectl -n "$NS" describe hpa helloserver | tail -n 15; false; }
  kubectl top pods -n "$NS"
  external_ip=$(kubectl -n "$NS" get service hellosvc -o jsonpath='{.status.loadBalancer.ingress[0].ip}')
  # Load from the host through the load balancer address: more than the pods' CPU requests can carry.
  wrk -t1 -c16 -d240s "http://$external_ip/" >"$BATS_FILE_TMPDIR/wrk.log" 2>&1 &
  local load=$!
  scaled() { [ "$(kubectl -n "$NS" get hpa helloserver -o jsonpath='{.status.desiredReplicas}')" -gt "$min" ]; }
  wait_for 240 scaled || { kill "$load"; kubectl -n "$NS" describe hpa helloserver | tail -n 15; false; }
  kill "$load" 2>/dev/null || true
  echo "# HPA: $min -> $(kubectl -n "$NS" get hpa helloserver -o jsonpath='{.status.desiredReplicas}') replicas at $(kubectl -n "$NS" get hpa helloserver -o jsonpath='{.status.currentMetrics[0].containerResource.current.averageUtilization}') % of the CPU request" >&3
}

@test "a host that cannot run a second node, or has no runc, gets one line and nothing is started" {
  other=$BATS_FILE_TMPDIR/other
  run env LOCAL_CLUSTER_NAME=other LOCAL_CLUSTER_DIR="$other" LOCAL_CLUSTER_PORT="$(free_port)" "$LC" up
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ ${lines[0]} == "local-cluster: error: the link asmr0 exists: another local cluster with a real node runs"* ]]
  [ ! -d "$other" ]
  # The same check order on a host without the running node: no runc stops it before anything starts.
  run env LOCAL_CLUSTER_NAME=other LOCAL_CLUSTER_DIR="$other" LOCAL_CLUSTER_PORT="$(free_port)" LOCAL_CLUSTER_RUNC=/nonexistent/runc "$LC" up
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ ${lines[0]} == "local-cluster: error: runc is missing (/nonexistent/runc)"* ]]
  [ ! -d "$other" ]
  ip link show asmr0 >/dev/null
}

@test "make local-clean leaves the host as it found it: links, addresses, routes, rules, sysctls, mounts, cgroups, folders" {
  stop_cluster
  host_state >"$BATS_FILE_TMPDIR/host-after"
  diff "$BATS_FILE_TMPDIR/host-before" "$BATS_FILE_TMPDIR/host-after"
}
