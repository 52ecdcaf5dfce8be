#!/usr/bin/env bats
# tools/cluster/cluster against stand-in gcloud/kubectl (tests/fake): the exact order of the
# commands that change something, for each path a user takes. Run by tools/cluster/test.

bats_require_minimum_version 1.5.0
load helpers

first_run_effects() {
  cat <<EOF
gcloud services enable container.googleapis.com artifactregistry.googleapis.com iam.googleapis.com mesh.googleapis.com gkehub.googleapis.com --project=demo-project
gcloud artifacts repositories create asm-ready --repository-format=docker --location=us-central1 --description=asm-ready images (helloserver, loadgen) --project=demo-project
gcloud iam service-accounts create asm-ready-nodes --display-name=asm-ready GKE nodes --project=demo-project
gcloud projects add-iam-policy-binding demo-project --member=serviceAccount:asm-ready-nodes@demo-project.iam.gserviceaccount.com --role=roles/container.defaultNodeServiceAccount --condition=None
gcloud artifacts repositories add-iam-policy-binding asm-ready --location=us-central1 --member=serviceAccount:asm-ready-nodes@demo-project.iam.gserviceaccount.com --role=roles/artifactregistry.reader --project=demo-project
gcloud container clusters create asm-ready --location=us-central1-a --project=demo-project --machine-type=e2-standard-4 --num-nodes=4 --release-channel=regular --workload-pool=demo-project.svc.id.goog --labels=mesh_id=proj-123456789012 --service-account=asm-ready-nodes@demo-project.iam.gserviceaccount.com --enable-managed-prometheus
gcloud container clusters get-credentials asm-ready --location=us-central1-a --project=demo-project
kubectl create namespace argocd
kubectl apply --server-side --force-conflicts -n argocd -f https://raw.githubusercontent.com/argoproj/argo-cd/$ARGOCD_VERSION/manifests/install.yaml
kubectl apply -k REPO/argocd
gcloud container fleet memberships register asm-ready --gke-cluster=us-central1-a/asm-ready --enable-workload-identity --project=demo-project
gcloud container fleet mesh enable --project=demo-project
gcloud container fleet mesh update --management=automatic --memberships=asm-ready --location=us-central1 --project=demo-project
gcloud container fleet mesh describe => ACTIVE
kubectl -n argocd annotate application asm-ready argocd.argoproj.io/refresh=hard --overwrite
kubectl -n asm-ready rollout restart deployment/helloserver
kubectl -n asm-ready rollout restart deployment/loadgenerator
EOF
}

@test "up from nothing: registry, cluster, Argo CD, argocd/, then the mesh before the mesh wave syncs and pods restart" {
  logged_in
  run_cluster up
  [ "$status" -eq 0 ]
  assert_same "$(first_run_effects)" "$(effects)"
  assert_contains "$output" "curl http://203.0.113.7/"
}

@test "up: every kubectl call targets the new cluster's context, never the user's current one" {
  logged_in
  run_cluster up
  [ "$status" -eq 0 ]
  grep -q "^kubectl --context=$CONTEXT " "$LOG"
  run ! grep -q -v "^kubectl --context=$CONTEXT " <(grep '^kubectl ' "$LOG")
}

@test "up: the Application is waited on until Synced and Healthy, and only after the mesh is ready" {
  logged_in
  state app-ready-after 3
  run_cluster up
  [ "$status" -eq 0 ]
  active=$(grep -n '=> ACTIVE' "$LOG" | cut -d: -f1)
  first_synced_look=$(grep -n 'jsonpath={.status.sync.status} {.status.health.status}$' "$LOG" | head -n 1 | cut -d: -f1)
  [ "$active" -lt "$first_synced_look" ]
  [ "$(grep -c 'jsonpath={.status.sync.status} {.status.health.status}$' "$LOG")" -ge 3 ]
}

@test "up with autoscaling and another zone: the flags reach cluster create, the region follows the zone" {
  logged_in
  publish_pins europe-west1-docker.pkg.dev/demo-project/asm-ready
  run_cluster ZONE=europe-west1-b MIN_NODES=3 MAX_NODES=8 NUM_NODES=3 MACHINE_TYPE=e2-standard-8 MESH=none up
  # No mesh kinds exist in this fake cluster, so up stops at the mesh wait; creation is what counts.
  [ "$status" -ne 0 ]
  grep -qxF "gcloud container clusters create asm-ready --location=europe-west1-b --project=demo-project --machine-type=e2-standard-8 --num-nodes=3 --release-channel=regular --workload-pool=demo-project.svc.id.goog --labels=mesh_id=proj-123456789012 --service-account=asm-ready-nodes@demo-project.iam.gserviceaccount.com --enable-managed-prometheus --enable-autoscaling --min-nodes=3 --max-nodes=8" "$LOG"
  refute_log "zones list"
  grep -q "^gcloud artifacts repositories create asm-ready --repository-format=docker --location=europe-west1 " "$LOG"
}

@test "re-run after a failure with the cluster made and Argo CD installed: continues, creates nothing twice" {
  logged_in
  state fail-argocd-apply
  run_cluster up
  [ "$status" -ne 0 ]
  grep -q "apply -k .* => FAILED" "$LOG"
  : >"$LOG"

  run_cluster up
  [ "$status" -eq 0 ]
  refute_log " create |ALREADY_EXISTS|add-iam-policy-binding"
  expected=$(first_run_effects | grep -v -e ' create ' -e ' add-iam-policy-binding ')
  assert_same "$expected" "$(effects)"
}

@test "re-run after the mesh step failed: registered once, the mesh is only updated again" {
  logged_in
  state fail-register
  run_cluster up
  [ "$status" -ne 0 ]
  : >"$LOG"
  run_cluster up
  [ "$status" -eq 0 ]
  refute_log "ALREADY_EXISTS"
  [ "$(grep -c 'fleet memberships register' "$LOG")" -eq 1 ]
  [ "$(grep -c 'clusters create' "$LOG")" -eq 0 ]
}

@test "re-run with a cluster left in ERROR: stops with what to do, creates and deletes nothing" {
  logged_in
  state registry
  state cluster ERROR
  run_cluster up
  [ "$status" -ne 0 ]
  assert_contains "$output" "cluster asm-ready is ERROR; delete it (make clean)"
  refute_log " create | delete "
}

@test "up in a region without an -a zone: the zone is one gcloud lists as UP there" {
  logged_in
  publish_pins us-east1-docker.pkg.dev/demo-project/asm-ready
  run_cluster REGION=us-east1 MESH=none up
  grep -q "^gcloud compute zones list --filter=region:us-east1 AND status:UP --format=value(name) --sort-by=name --limit=1 --project=demo-project$" "$LOG"
  grep -q "^gcloud container clusters create asm-ready --location=us-east1-b " "$LOG"
  grep -q "^gcloud artifacts repositories create asm-ready --repository-format=docker --location=us-east1 " "$LOG"
  grep -q "^kubectl --context=gke_demo-project_us-east1-b_asm-ready " "$LOG"
  refute_log "us-east1-a"
  assert_contains "$output" "Zone us-east1-b (the first of us-east1; ZONE=<zone> picks another)"
}

@test "up in a region with no zone UP: one line saying what to set, no cluster" {
  logged_in
  run_cluster REGION=nowhere1 up
  [ "$status" -ne 0 ]
  assert_same "error: no zone of REGION=nowhere1 is UP in project demo-project (gcloud compute zones list); set REGION to a region, or ZONE=<zone>" \
    "$(grep '^error: ' <<<"$output")"
  refute_log " create |add-iam-policy-binding"
}

@test "up: the nodes run as their own account, which may read the asm-ready repository and nothing more" {
  logged_in
  run_cluster up
  [ "$status" -eq 0 ]
  # Created after the repository (its grant is on the repository), granted before the cluster uses it.
  sa=$(grep -n "iam service-accounts create asm-ready-nodes " "$LOG" | cut -d: -f1)
  registry=$(grep -n "artifacts repositories create asm-ready " "$LOG" | cut -d: -f1)
  cluster=$(grep -n "container clusters create " "$LOG" | cut -d: -f1)
  [ "$registry" -lt "$sa" ] && [ "$sa" -lt "$cluster" ]
  [ "$(grep -c 'add-iam-policy-binding' "$LOG")" -eq 2 ]
  grep -q "clusters create .* --service-account=$NODE_SA " "$LOG"
  [ -e "$STATE/grant-project" ] && [ -e "$STATE/grant-registry" ]
}

@test "up again on a finished cluster: the account and grants are found, nothing is created, no pod restarts" {
  logged_in
  run_cluster up
  [ "$status" -eq 0 ]
  : >"$LOG"
  run_cluster up
  [ "$status" -eq 0 ]
  refute_log " create |add-iam-policy-binding|ALREADY_EXISTS|rollout restart"
  grep -q "iam service-accounts describe $NODE_SA" "$LOG"
  grep -q "projects get-iam-policy demo-project " "$LOG"
  grep -q "artifacts repositories get-iam-policy asm-ready " "$LOG"
  assert_contains "$output" "Deployment helloserver: every pod has its sidecar; not restarted"
  assert_contains "$output" "Deployment loadgenerator: every pod has its sidecar; not restarted"
}

@test "up on a cluster made before the nodes had their own account: says so and how to fix it, changes nothing" {
  logged_in
  run_cluster up
  [ "$status" -eq 0 ]
  state cluster-runs-as 123456789012-compute@developer.gserviceaccount.com
  : >"$LOG"
  run_cluster up
  [ "$status" -eq 0 ]
  assert_contains "$output" "Note: its nodes run as 123456789012-compute@developer.gserviceaccount.com, not $NODE_SA; a node pool keeps its account"
  refute_log " create | delete "
}

@test "up: a grant refused while the new account propagates through IAM is retried, not fatal" {
  logged_in
  state fail-grant-project
  run_cluster up
  [ "$status" -eq 0 ]
  [ "$(grep -c '^gcloud projects add-iam-policy-binding .* => FAILED$' "$LOG")" -eq 1 ]
  [ "$(grep -c '^gcloud projects add-iam-policy-binding .*--condition=None$' "$LOG")" -eq 2 ]
  [ -e "$STATE/grant-project" ]
}

@test "up: a grant refused with PERMISSION_DENIED fails at once, naming the role the caller lacks" {
  logged_in
  state denied-grant-project
  run_cluster WAIT_TIMEOUT=60 up
  [ "$status" -ne 0 ]
  [ "$(grep -c '^gcloud projects add-iam-policy-binding .*--condition=None$' "$LOG")" -eq 1 ]
  assert_same "error: permission denied: your account needs roles/resourcemanager.projectIamAdmin on project demo-project to grant the nodes their roles (ERROR: (gcloud) PERMISSION_DENIED: Policy update access denied. This command is authenticated as dev@example.com)" \
    "$(grep '^error: ' <<<"$output")"
  refute_log "clusters create"
}

@test "up: the repository grant refused with PERMISSION_DENIED names the registry role" {
  logged_in
  state denied-grant-registry
  run_cluster WAIT_TIMEOUT=60 up
  [ "$status" -ne 0 ]
  [ "$(grep -c '^gcloud artifacts repositories add-iam-policy-binding .*--project=demo-project$' "$LOG")" -eq 1 ]
  assert_contains "$output" "error: permission denied: your account needs roles/artifactregistry.admin on repository asm-ready to grant the nodes their roles"
}

@test "missing tools: one line each, non-zero exit, nothing run" {
  rm "$SANDBOX/bin/gcloud" "$SANDBOX/bin/kubectl" "$SANDBOX/bin/gke-gcloud-auth-plugin"
  run_cluster up
  [ "$status" -eq 2 ]
  [ "${#lines[@]}" -eq 3 ]
  assert_contains "${lines[0]}" "missing: gcloud is not on PATH"
  assert_contains "${lines[1]}" "missing: kubectl is not on PATH"
  assert_contains "${lines[2]}" "missing: gke-gcloud-auth-plugin is not on PATH"
  [ ! -s "$LOG" ]
}

@test "no project and no login: one line each, non-zero exit, nothing created" {
  run_cluster up
  [ "$status" -eq 2 ]
  [ "${#lines[@]}" -eq 2 ]
  assert_contains "${lines[0]}" "missing: PROJECT_ID is not set and gcloud has no default project"
  assert_contains "${lines[1]}" "missing: no active gcloud login: gcloud auth login"
  assert_same "gcloud config get-value project
gcloud auth list --filter=status:ACTIVE --format=value(account)" "$(cat "$LOG")"
}

@test "PROJECT_ID from the environment wins over gcloud's default project" {
  logged_in
  publish_pins us-central1-docker.pkg.dev/other-project/asm-ready
  run_cluster PROJECT_ID=other-project MESH=none up
  refute_log "get-value project"
  grep -q "clusters create asm-ready .*--project=other-project .*--workload-pool=other-project.svc.id.goog" "$LOG"
}

@test "bad settings are refused before anything is created" {
  logged_in
  run_cluster MESH=sometimes MIN_NODES=2 ISTIO_REV=1-24 up
  [ "$status" -eq 2 ]
  assert_contains "$output" "missing: MESH=sometimes is not valid: use MESH=managed or MESH=none"
  assert_contains "$output" "missing: ISTIO_REV=1-24 only applies to your own Istio: set MESH=none with it"
  assert_contains "$output" "missing: MIN_NODES and MAX_NODES go together"
  refute_log " create | enable "
}

@test "a fork whose clusters/asm-ready pins someone else's images is told to release first, before any node exists" {
  logged_in
  sed 's#demo-project/asm-ready#upstream-project/asm-ready#' "$SANDBOX/released.yaml" >"$SANDBOX/upstream.yaml"
  publish "$SANDBOX/upstream.yaml"
  run_cluster up
  [ "$status" -ne 0 ]
  assert_contains "$output" "pins us-central1-docker.pkg.dev/upstream-project/asm-ready/helloserver, not an image in us-central1-docker.pkg.dev/demo-project/asm-ready: run 'make release'"
  # The registry is made (make release pushes to it); nothing that bills by the hour.
  grep -q "artifacts repositories create asm-ready " "$LOG"
  refute_log "service-accounts create|clusters create|apply|fleet"
}

@test "up checks the pins Argo CD will sync (REPO_URL at TARGET_REVISION), not the working tree: a release not pushed stops before any node exists" {
  logged_in
  # The working tree is released; the synced branch still has the tag-only pins.
  cp "$SANDBOX/released.yaml" "$REPO/clusters/asm-ready/kustomization.yaml"
  publish "$BATS_TEST_DIRNAME/fixtures/kustomization.yaml"
  run_cluster up
  [ "$status" -ne 0 ]
  assert_same "error: clusters/asm-ready at main of file://$ORIGIN (what Argo CD syncs) pins us-central1-docker.pkg.dev/demo-project/asm-ready/helloserver:0.9.0-old without a digest: run 'make release' (it pins tag and digest), commit and push, then 'make cluster' again" \
    "$(grep '^error: ' <<<"$output")"
  refute_log "service-accounts create|clusters create|apply"
}

@test "up: a pinned digest the registry does not hold stops before any node exists" {
  logged_in
  state registry-loadgen "sha256:$(printf '3%.0s' {1..64})"
  run_cluster up
  [ "$status" -ne 0 ]
  assert_contains "$output" "pins us-central1-docker.pkg.dev/demo-project/asm-ready/loadgen:0.9.0-old@$LOADGEN_DIGEST, which Artifact Registry does not hold"
  grep -q "^gcloud artifacts docker images describe us-central1-docker.pkg.dev/demo-project/asm-ready/loadgen@$LOADGEN_DIGEST --format=value(image_summary.digest)$" "$LOG"
  refute_log "clusters create"
}

@test "up: a REPO_URL that cannot be fetched is one line, before any node exists" {
  logged_in
  sed -i "s|^REPO_URL=.*|REPO_URL=file://$SANDBOX/no-such-repo.git|" "$REPO/argocd/settings.env"
  run_cluster up
  [ "$status" -ne 0 ]
  [ "$(grep -c '^error: ' <<<"$output")" -eq 1 ]
  assert_contains "$output" "error: cannot fetch main of file://$SANDBOX/no-such-repo.git (REPO_URL and TARGET_REVISION in argocd/settings.env), which Argo CD syncs: "
  refute_log "clusters create"
}

@test "up says which images Argo CD will sync" {
  logged_in
  run_cluster up
  [ "$status" -eq 0 ]
  assert_contains "$output" "Argo CD will sync helloserver as us-central1-docker.pkg.dev/demo-project/asm-ready/helloserver:0.9.0-old@$HELLO_DIGEST"
  assert_contains "$output" "Argo CD will sync loadgen as us-central1-docker.pkg.dev/demo-project/asm-ready/loadgen:0.9.0-old@$LOADGEN_DIGEST"
}

mesh_ready_cluster() {
  logged_in
  state registry
  state cluster RUNNING
  state argocd-ns
  state argocd
  state app
  state deployments
}

@test "mesh: fleet registration, mesh enabled and ACTIVE before the sync is started and pods restart" {
  mesh_ready_cluster
  state operation-phase Failed
  state mesh-ready-after 3
  run_cluster mesh
  [ "$status" -eq 0 ]
  expected='gcloud container clusters get-credentials asm-ready --location=us-central1-a --project=demo-project
gcloud services enable mesh.googleapis.com gkehub.googleapis.com --project=demo-project
gcloud container fleet memberships register asm-ready --gke-cluster=us-central1-a/asm-ready --enable-workload-identity --project=demo-project
gcloud container fleet mesh enable --project=demo-project
gcloud container fleet mesh update --management=automatic --memberships=asm-ready --location=us-central1 --project=demo-project
gcloud container fleet mesh describe => ACTIVE
kubectl -n argocd annotate application asm-ready argocd.argoproj.io/refresh=hard --overwrite
kubectl -n argocd patch application asm-ready --type=merge -p {"operation":{"initiatedBy":{"username":"make-mesh"},"sync":{"prune":true,"syncOptions":["CreateNamespace=true","PruneLast=true","RespectIgnoreDifferences=true"]},"retry":{"backoff":{"duration":"10s","factor":2,"maxDuration":"3m"},"limit":-1,"refresh":true}}}
kubectl -n asm-ready rollout restart deployment/helloserver
kubectl -n asm-ready rollout restart deployment/loadgenerator'
  assert_same "$expected" "$(effects)"
  [ "$(grep -c 'fleet mesh describe .*state)$' "$LOG")" -eq 3 ]
}

@test "mesh: the sync it starts carries the live Application's sync options and retry, as argocd app sync does" {
  mesh_ready_cluster
  state membership
  state operation-phase Succeeded
  state sync-policy '["CreateNamespace=true","PruneLast=true","Replace=false"]
{"limit":7}'
  run_cluster mesh
  [ "$status" -eq 0 ]
  patch=$(sed -n 's/.*patch application asm-ready --type=merge -p \({"operation".*\)$/\1/p' "$LOG")
  assert_same '["CreateNamespace=true","PruneLast=true","Replace=false"]' "$(jq -c '.operation.sync.syncOptions' <<<"$patch")"
  assert_same '{"limit":7}' "$(jq -c '.operation.retry' <<<"$patch")"
  assert_same 'true' "$(jq -c '.operation.sync.prune' <<<"$patch")"
}

@test "mesh: an Application without sync options or retry gets an operation without them" {
  mesh_ready_cluster
  state membership
  state operation-phase Failed
  printf '\n' >"$STATE/sync-policy"
  run_cluster mesh
  [ "$status" -eq 0 ]
  grep -qxF 'kubectl --context='"$CONTEXT"' -n argocd patch application asm-ready --type=merge -p {"operation":{"initiatedBy":{"username":"make-mesh"},"sync":{"prune":true}}}' "$LOG"
}

@test "mesh: servers restart before clients, and a Deployment whose pods all have the sidecar is left alone" {
  mesh_ready_cluster
  state membership
  state sidecar-helloserver
  run_cluster mesh
  [ "$status" -eq 0 ]
  assert_same "kubectl -n asm-ready rollout restart deployment/loadgenerator" "$(effects | grep 'rollout restart')"
  : >"$LOG"
  rm "$STATE/sidecar-helloserver" "$STATE/sidecar-loadgenerator"
  run_cluster mesh
  assert_same "kubectl -n asm-ready rollout restart deployment/helloserver
kubectl -n asm-ready rollout restart deployment/loadgenerator" "$(effects | grep 'rollout restart')"
}

@test "mesh: only running pods of the current ReplicaSet count; a terminating pod without sidecar restarts nothing again" {
  mesh_ready_cluster
  state mesh-crds
  state app-healthy
  state sidecar-helloserver
  state pods-helloserver 'helloserver-new-a||server istio-proxy
helloserver-old-b|2026-12-08T04:00:00Z|server '
  state sidecar-loadgenerator
  run_cluster mesh
  [ "$status" -eq 0 ]
  refute_log "rollout restart"
  grep -qF -- "-n asm-ready get pods -l app=helloserver,pod-template-hash=helloserver-new --field-selector=status.phase=Running " "$LOG"
  assert_contains "$output" "Deployment helloserver: every pod has its sidecar; not restarted"
}

@test "mesh: a sync already retrying is left to pick the mesh objects up (no second operation)" {
  mesh_ready_cluster
  state membership
  state operation-phase Running
  run_cluster mesh
  [ "$status" -eq 0 ]
  refute_log "patch application|memberships register"
  assert_contains "$output" "already retrying"
}

@test "mesh: a control plane that never becomes ready fails with its state, and restarts nothing" {
  mesh_ready_cluster
  state mesh-ready-after 1000000
  run_cluster MESH_TIMEOUT=1 mesh
  [ "$status" -ne 0 ]
  assert_contains "$output" "the mesh control plane of asm-ready is 'PROVISIONING' after 1s, not ACTIVE"
  refute_log "rollout restart|patch application|annotate"
}

@test "mesh with MESH=none and ISTIO_REV: no managed install, the revision label goes through the Application" {
  mesh_ready_cluster
  state mesh-crds
  state operation-phase Succeeded
  run_cluster MESH=none ISTIO_REV=1-24-2 mesh
  [ "$status" -eq 0 ]
  refute_log "fleet|services enable"
  patch=$(sed -n 's/.*patch application asm-ready --type=merge -p \({"spec".*\)$/\1/p' "$LOG")
  [ "$(jq -r '.spec.source.kustomize.patches[0].target.kind' <<<"$patch")" = Namespace ]
  assert_same '- op: remove
  path: /metadata/labels/istio-injection
- op: add
  path: /metadata/labels/istio.io~1rev
  value: "1-24-2"' "$(jq -r '.spec.source.kustomize.patches[0].patch' <<<"$patch")"
  grep -q 'rollout restart deployment/loadgenerator' "$LOG"
}

verified_cluster() {
  mesh_ready_cluster
  state mesh-crds
  state app-healthy
}

@test "verify: every check passes on a healthy meshed system, one line each" {
  verified_cluster
  run_cluster verify
  [ "$status" -eq 0 ]
  [ "$(grep -c '^ok ' <<<"$output")" -eq 7 ]
  assert_contains "$output" "ok    3 pods in asm-ready are Running and Ready"
  assert_contains "$output" "ok    curl http://203.0.113.7/ answers: Hello World! /"
  assert_contains "$output" "ok    a plaintext client outside the mesh gets the sidecar's 403 for all 6 health requests to loadgensvc's admin port (only the metrics scrape is admitted)"
  assert_contains "$output" 'ok    Managed Service for Prometheus scrapes helloserver and loadgenerator (PromQL max by (job) (up{cluster="asm-ready",namespace="asm-ready"}) is 1 for each)'
  grep -qF 'curl -sS --max-time 20 --get -H Authorization: Bearer ya29.fake-token --data-urlencode query=max by (job) (up{cluster="asm-ready",namespace="asm-ready"}) https://monitoring.googleapis.com/v1/projects/demo-project/location/global/prometheus/api/v1/query' "$LOG"
  grep -q -- "--env=SERVER_ADDR=http://loadgensvc.asm-ready.svc.cluster.local:9090/observe/health/ready " "$LOG"
  grep -q "^curl -sS --max-time 10 http://203.0.113.7/$" "$LOG"
}

@test "verify: a pod not Ready, one without sidecar and a wrong answer each fail, exit non-zero" {
  verified_cluster
  state pods 'helloserver-1|Running|True|helloserver istio-proxy
helloserver-2|Running|False|helloserver
loadgenerator-1|Running|True|loadgen istio-proxy'
  state curl-body 'Hello World! /x'
  run_cluster verify
  [ "$status" -ne 0 ]
  assert_contains "$output" "FAIL  pod helloserver-2 is Running, Ready=False"
  assert_contains "$output" "FAIL  pods without an istio-proxy sidecar: helloserver-2"
  assert_contains "$output" "FAIL  curl http://203.0.113.7/ answered 'Hello World! /x', expected 'Hello World! /'"
  assert_contains "$output" "verify: 3 check(s) failed"
}

@test "verify: the sidecar's 403 for a health path is what a plaintext client must get" {
  verified_cluster
  state probe-output 'Summary: sent=6 completed=6 failed=0 rate=2.0/s p50=1ms p90=1ms p99=1ms p99.9=1ms
  answered 403: 6'
  run_cluster verify
  [ "$status" -eq 0 ]
  assert_contains "$output" "ok    a plaintext client outside the mesh gets the sidecar's 403 for all 6 health requests"
}

@test "verify: a plaintext probe whose requests all failed (no answer at all) fails: only the sidecar's 403 passes" {
  verified_cluster
  state probe-output 'Summary: sent=6 completed=0 failed=6 rate=2.0/s p50=0ms p90=0ms p99=0ms p99.9=0ms
  failed connection reset: 6'
  run_cluster verify
  [ "$status" -ne 0 ]
  assert_contains "$output" "FAIL  a plaintext client outside the mesh got 0 of 6 answers 403 from http://loadgensvc.asm-ready.svc.cluster.local:9090/observe/health/ready, expected all: 6 got no answer at all, which proves nothing"
}

@test "verify: a workload Managed Service for Prometheus does not scrape fails, saying where to look" {
  verified_cluster
  state prometheus-up '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"helloserver"},"value":[1765170000.123,"1"]},{"metric":{"job":"loadgenerator"},"value":[1765170000.123,"0"]}]}}'
  run_cluster verify
  [ "$status" -ne 0 ]
  assert_contains "$output" 'FAIL  Managed Service for Prometheus has no successful scrape of loadgenerator (PromQL max by (job) (up{cluster="asm-ready",namespace="asm-ready"}), and kubectl -n asm-ready describe podmonitoring loadgenerator)'
  assert_contains "$output" "verify: 1 check(s) failed"
}

@test "verify: JSON log lines (LOG_FORMAT=json) are read like text ones" {
  verified_cluster
  state loadgen-log '{"severity":"INFO","message":"10 request(s) complete to http://hellosvc:80/"}'
  state helloserver-log '{"severity":"INFO","message":"GET /","httpRequest":{"requestMethod":"GET","status":200},"headers":{"x-forwarded-client-cert":"By=spiffe:\/\/demo-project.svc.id.goog\/ns\/asm-ready\/sa\/helloserver;URI=spiffe:\/\/demo-project.svc.id.goog\/ns\/asm-ready\/sa\/loadgenerator"}}'
  run_cluster verify
  [ "$status" -eq 0 ]
  assert_contains "$output" "ok    loadgenerator's log shows completed requests"
  assert_contains "$output" "ok    helloserver sees loadgenerator's mTLS identity"
}

@test "verify: a native sidecar (init container istio-proxy) counts as a sidecar" {
  verified_cluster
  state pods 'helloserver-1|Running|True|helloserver istio-proxy istio-init'
  run_cluster verify
  [ "$status" -eq 0 ]
}

@test "verify: plaintext health answered and no client identity mean the mesh does not protect the pods" {
  verified_cluster
  state helloserver-log 'GET / user-agent=Helidon'
  state probe-output 'Summary: sent=6 completed=6 failed=0 rate=2.0/s p50=1ms p90=1ms p99=1ms p99.9=1ms
  answered 403: 2'
  state loadgen-log 'Request failed: connect timeout x3'
  run_cluster verify
  [ "$status" -ne 0 ]
  assert_contains "$output" "FAIL  loadgenerator's log shows no completed requests"
  assert_contains "$output" "FAIL  helloserver's log shows no x-forwarded-client-cert with loadgenerator's identity"
  assert_contains "$output" "FAIL  a plaintext client outside the mesh got 4 2xx answer(s) from http://loadgensvc.asm-ready.svc.cluster.local:9090/observe/health/ready: the admin port admits more than the metrics scrape"
}

@test "verify without the mesh label: workload checks only" {
  verified_cluster
  state namespace-labels '{"kubernetes.io/metadata.name":"asm-ready"}'
  run_cluster verify
  [ "$status" -eq 0 ]
  [ "$(grep -c '^ok ' <<<"$output")" -eq 4 ]
  refute_log "run asm-ready-mtls-probe"
}

@test "status: sync state, pods and the external IP" {
  verified_cluster
  run_cluster status
  [ "$status" -eq 0 ]
  assert_contains "$output" "Application asm-ready: Synced Healthy at 0123abcd"
  assert_contains "$output" "External IP: 203.0.113.7 (curl http://203.0.113.7/)"
}

@test "clean without YES: the prompt refuses anything but yes, nothing is deleted" {
  verified_cluster
  run_cluster clean <<<"no"
  [ "$status" -ne 0 ]
  assert_contains "$output" "Type yes to continue"
  assert_contains "$output" "nothing deleted"
  refute_log " delete "
}

@test "clean with YES=1: Applications (and their load balancer) go before the cluster, the membership and the nodes' account after it; the registry and the APIs stay" {
  verified_cluster
  state membership
  state mesh-feature
  state node-sa
  state grant-project
  state grant-registry
  run_cluster YES=1 clean
  [ "$status" -eq 0 ]
  expected='gcloud container clusters get-credentials asm-ready --location=us-central1-a --project=demo-project
kubectl -n argocd delete applications --all --wait=false
gcloud container clusters delete asm-ready --location=us-central1-a --project=demo-project --quiet
gcloud container fleet memberships delete asm-ready --location=us-central1 --project=demo-project --quiet
gcloud container fleet mesh disable --project=demo-project
gcloud artifacts repositories remove-iam-policy-binding asm-ready --location=us-central1 --member=serviceAccount:asm-ready-nodes@demo-project.iam.gserviceaccount.com --role=roles/artifactregistry.reader --project=demo-project
gcloud projects remove-iam-policy-binding demo-project --member=serviceAccount:asm-ready-nodes@demo-project.iam.gserviceaccount.com --role=roles/container.defaultNodeServiceAccount --condition=None
gcloud iam service-accounts delete asm-ready-nodes@demo-project.iam.gserviceaccount.com --project=demo-project --quiet'
  assert_same "$expected" "$(effects)"
  [ -e "$STATE/registry" ]
  [ ! -e "$STATE/node-sa" ] && [ ! -e "$STATE/grant-project" ] && [ ! -e "$STATE/grant-registry" ]
  [ ! -e "$STATE/membership" ] && [ ! -e "$STATE/mesh-feature" ]
  assert_contains "$output" "Kept Artifact Registry repository asm-ready"
  assert_contains "$output" "Kept the enabled APIs container.googleapis.com artifactregistry.googleapis.com iam.googleapis.com mesh.googleapis.com gkehub.googleapis.com"
  [ "${lines[-1]}" = "==> Clean." ]
}

@test "clean run with another REGION than up used: the cluster is found by name where it is and deleted there, before its account" {
  verified_cluster
  state cluster-location europe-west1-b
  state membership
  state membership-location europe-west1
  state membership-cluster europe-west1-b
  state node-sa
  run_cluster YES=1 REGION=us-east1 clean
  [ "$status" -eq 0 ]
  grep -q "^gcloud container clusters list --project=demo-project --filter=name=asm-ready --format=value(location)$" "$LOG"
  grep -q "^gcloud container clusters delete asm-ready --location=europe-west1-b " "$LOG"
  grep -q "^gcloud container fleet memberships delete asm-ready --location=europe-west1 " "$LOG"
  refute_log "zones list"
  cluster=$(grep -n "clusters delete" "$LOG" | cut -d: -f1)
  sa=$(grep -n "service-accounts delete" "$LOG" | cut -d: -f1)
  [ "$cluster" -lt "$sa" ]
  [ ! -e "$STATE/cluster" ] && [ ! -e "$STATE/node-sa" ]
  [ "${lines[-1]}" = "==> Clean." ]
}

@test "clean keeps the nodes' account and its grants while another cluster runs as it, and says what was left and why" {
  verified_cluster
  state node-sa
  state grant-project
  state other-clusters "asm-ready us-east1-b $NODE_SA"
  run_cluster YES=1 ZONE=us-central1-a clean
  [ "$status" -eq 0 ]
  grep -q "^gcloud container clusters delete asm-ready --location=us-central1-a " "$LOG"
  refute_log "service-accounts delete|remove-iam-policy-binding"
  [ -e "$STATE/node-sa" ] && [ -e "$STATE/grant-project" ]
  assert_contains "$output" "Kept node service account $NODE_SA: cluster asm-ready (us-east1-b) still runs as it"
  assert_contains "$output" "==> Clean, except:"
  assert_contains "$output" "    node service account $NODE_SA and its grants: cluster asm-ready (us-east1-b) still runs as it"
}

@test "clean with no cluster of that name anywhere still keeps the account another cluster's nodes run as" {
  logged_in
  state node-sa
  state other-clusters "web-frontend europe-west1-b $NODE_SA"
  run_cluster YES=1 clean
  [ "$status" -eq 0 ]
  assert_contains "$output" "Cluster asm-ready does not exist in any location of project demo-project"
  refute_log "service-accounts delete"
  assert_contains "$output" "cluster web-frontend (europe-west1-b) still runs as it"
}

@test "two clusters of that name and no ZONE: clean deletes nothing and says which zones to choose from" {
  verified_cluster
  state other-clusters "asm-ready us-east1-b $NODE_SA"
  run_cluster YES=1 clean
  [ "$status" -ne 0 ]
  assert_same "error: clusters named asm-ready are in us-central1-a and us-east1-b of project demo-project: set ZONE=<one of them>; nothing changed" \
    "$(grep '^error: ' <<<"$output")"
  refute_log " delete "
}

@test "status, verify and mesh find the cluster wherever it is, whatever REGION says" {
  verified_cluster
  state cluster-location europe-west1-b
  run_cluster REGION=us-central1 status
  [ "$status" -eq 0 ]
  grep -q "^gcloud container clusters get-credentials asm-ready --location=europe-west1-b " "$LOG"
  grep -q "^kubectl --context=gke_demo-project_europe-west1-b_asm-ready " "$LOG"
  refute_log "zones list"
  : >"$LOG"
  run_cluster verify
  [ "$status" -eq 0 ]
  grep -q "^gcloud container clusters get-credentials asm-ready --location=europe-west1-b " "$LOG"
}

@test "status without any cluster of that name: one line saying so" {
  logged_in
  run_cluster status
  [ "$status" -ne 0 ]
  assert_same "error: no cluster named asm-ready in project demo-project, in any location (make cluster creates it)" \
    "$(grep '^error: ' <<<"$output")"
}

@test "up again without ZONE after the cluster was made in another zone: continues with that cluster, chooses no zone" {
  logged_in
  run_cluster ZONE=us-central1-c up
  [ "$status" -eq 0 ]
  : >"$LOG"
  run_cluster up
  [ "$status" -eq 0 ]
  refute_log "zones list| create |ALREADY_EXISTS"
  grep -q "^gcloud container clusters get-credentials asm-ready --location=us-central1-c " "$LOG"
  assert_contains "$output" "Cluster asm-ready is in us-central1-c"
}

@test "up with a ZONE where the cluster is not: stops, says where it is, creates nothing" {
  logged_in
  state registry
  state cluster RUNNING
  state cluster-location us-central1-b
  run_cluster ZONE=us-central1-f up
  [ "$status" -ne 0 ]
  assert_same "error: cluster asm-ready is in us-central1-b of project demo-project, not in ZONE=us-central1-f: unset ZONE to use it, or set CLUSTER=<another name>; nothing changed" \
    "$(grep '^error: ' <<<"$output")"
  refute_log " create "
}

@test "clean: Applications whose finalizer never goes: a bounded wait, the finalizer removed, the load balancer deleted directly, then the cluster; each step said" {
  verified_cluster
  state app-stuck
  run_cluster YES=1 clean
  [ "$status" -eq 0 ]
  expected='gcloud container clusters get-credentials asm-ready --location=us-central1-a --project=demo-project
kubectl -n argocd delete applications --all --wait=false
kubectl -n argocd patch application.argoproj.io/asm-ready --type=merge -p {"metadata":{"finalizers":null}}
kubectl -n asm-ready delete service hellosvc --wait=false
gcloud container clusters delete asm-ready --location=us-central1-a --project=demo-project --quiet'
  assert_same "$expected" "$(effects | grep -v -e remove-iam -e service-accounts)"
  assert_contains "$output" "Application asm-ready is still there after 1s (is Argo CD's application controller running? kubectl -n argocd get pods); removing its finalizer"
  assert_contains "$output" "Deleting LoadBalancer Service hellosvc, so its Google Cloud load balancer is released before the cluster goes"
  [ ! -e "$STATE/cluster" ]
  [ "${lines[-1]}" = "==> Clean." ]
}

@test "clean: a load balancer that is never released does not keep the cluster; it is reported as left, with how to find it" {
  verified_cluster
  state app-stuck
  state lb-stuck
  run_cluster YES=1 clean
  [ "$status" -eq 0 ]
  [ ! -e "$STATE/cluster" ]
  assert_contains "$output" "LoadBalancer Service hellosvc is still there after 1s; deleting the cluster anyway"
  assert_contains "$output" "==> Clean, except:"
  assert_contains "$output" "    the load balancer of Service hellosvc in asm-ready was not released within 1s, and may outlive the cluster (billed): gcloud compute forwarding-rules list --filter='description~asm-ready/' --project=demo-project"
}

@test "clean: the membership is found in any location; the fleet's mesh feature stays while another membership remains" {
  verified_cluster
  state membership
  state membership-location us-west1
  state membership-cluster us-central1-a
  state mesh-feature
  state other-memberships "projects/demo-project/locations/europe-west1/memberships/shop //container.googleapis.com/projects/demo-project/locations/europe-west1-b/clusters/shop"
  run_cluster YES=1 clean
  [ "$status" -eq 0 ]
  grep -q "^gcloud container fleet memberships delete asm-ready --location=us-west1 " "$LOG"
  refute_log "memberships delete shop|mesh disable"
  [ -e "$STATE/mesh-feature" ]
  assert_contains "$output" "Kept the fleet's Cloud Service Mesh feature: memberships projects/demo-project/locations/europe-west1/memberships/shop remain"
}

@test "clean: the membership of a cluster of that name kept in another zone stays" {
  verified_cluster
  state membership
  state membership-cluster us-east1-b
  state membership-location us-east1
  state other-clusters "asm-ready us-east1-b $NODE_SA"
  run_cluster YES=1 ZONE=us-central1-a clean
  [ "$status" -eq 0 ]
  refute_log "memberships delete"
  [ -e "$STATE/membership" ]
}

@test "clean answered yes with DELETE_REGISTRY=1: the registry goes last" {
  verified_cluster
  run_cluster DELETE_REGISTRY=1 clean <<<"yes"
  [ "$status" -eq 0 ]
  assert_contains "$output" "and Artifact Registry repository asm-ready with its images"
  [ "$(effects | tail -n 1)" = "gcloud artifacts repositories delete asm-ready --location=us-central1 --project=demo-project --quiet" ]
  [ ! -e "$STATE/registry" ] && [ ! -e "$STATE/cluster" ]
}

@test "clean: a failed delete of the Applications does not keep the cluster" {
  verified_cluster
  state fail-app-delete
  state app-stuck
  run_cluster YES=1 clean
  [ "$status" -eq 0 ]
  assert_contains "$output" "Deleting the Applications failed (above); going on with their finalizers"
  grep -q "clusters delete asm-ready" "$LOG"
  [ ! -e "$STATE/cluster" ]
}

@test "clean twice: the second run finds nothing to delete and succeeds" {
  verified_cluster
  run_cluster YES=1 clean
  [ "$status" -eq 0 ]
  : >"$LOG"
  run_cluster YES=1 clean
  [ "$status" -eq 0 ]
  assert_contains "$output" "Cluster asm-ready does not exist"
  refute_log " delete "
}

@test "release: pushes, then pins newName/newTag of both images and nothing else" {
  run_cluster REGISTRY=europe-docker.pkg.dev/p/asm-ready TAG=1.2.3-abc release
  [ "$status" -eq 0 ]
  [ "$(head -n 1 "$LOG")" = "images push" ]
  # Each entry gets the tag and the digest the push reported (the registry agreeing).
  expected=$(sed -e 's#us-central1-docker.pkg.dev/demo-project/asm-ready#europe-docker.pkg.dev/p/asm-ready#' \
    -e 's#"0.9.0-old"#"1.2.3-abc"#' "$BATS_TEST_DIRNAME/fixtures/kustomization.yaml" |
    awk -v one="$HELLO_DIGEST" -v two="$LOADGEN_DIGEST" '{ print } /newTag: "1.2.3-abc"/ { print "    digest: " (++n == 1 ? one : two) }')
  assert_same "$expected" "$(cat "$REPO/clusters/asm-ready/kustomization.yaml")"
  grep -q "^gcloud artifacts docker images describe europe-docker.pkg.dev/p/asm-ready/loadgen:1.2.3-abc --format=value(image_summary.digest)$" "$LOG"
  assert_contains "$output" "Pinned europe-docker.pkg.dev/p/asm-ready/helloserver:1.2.3-abc@$HELLO_DIGEST"
  assert_contains "$output" "git commit"
}

@test "release: the default registry and tag come from PROJECT_ID, REGION and tools/image-tag" {
  logged_in
  run_cluster release
  [ "$status" -eq 0 ]
  grep -q "newName: $REGISTRY_DEFAULT/helloserver" "$REPO/clusters/asm-ready/kustomization.yaml"
  grep -q 'newTag: "1.0.0-abc"' "$REPO/clusters/asm-ready/kustomization.yaml"
}

@test "release: a tag the registry resolves to another digest than the push pins nothing" {
  state registry-loadgen "sha256:$(printf '3%.0s' {1..64})"
  before=$(cat "$REPO/clusters/asm-ready/kustomization.yaml")
  run_cluster REGISTRY=us-central1-docker.pkg.dev/demo-project/asm-ready TAG=2 release
  [ "$status" -ne 0 ]
  assert_contains "$output" "Artifact Registry holds sha256:333"
  assert_contains "$output" "but the push made $LOADGEN_DIGEST (was the tag pushed again meanwhile?); nothing pinned"
  assert_same "$before" "$(cat "$REPO/clusters/asm-ready/kustomization.yaml")"
}

@test "release: a push that reports no digest pins nothing" {
  state pushed-helloserver "sha256:short"
  before=$(cat "$REPO/clusters/asm-ready/kustomization.yaml")
  run_cluster REGISTRY=r.example/p TAG=2 release
  [ "$status" -ne 0 ]
  assert_contains "$output" "error: tools/images printed no digest for r.example/p/helloserver:2 (expected a line 'pushed r.example/p/helloserver:2 (sha256:<64 hex digits>)'); nothing pinned"
  assert_same "$before" "$(cat "$REPO/clusters/asm-ready/kustomization.yaml")"
}

@test "release: a failed push pins nothing" {
  state fail-images-push
  before=$(cat "$REPO/clusters/asm-ready/kustomization.yaml")
  run_cluster REGISTRY=r.example/p TAG=2 release
  [ "$status" -ne 0 ]
  assert_same "$before" "$(cat "$REPO/clusters/asm-ready/kustomization.yaml")"
}

@test "release: an images block without loadgen pins nothing and says what is missing" {
  sed -i 's/- name: loadgen # the load generator/- name: loadgenerator/' "$REPO/clusters/asm-ready/kustomization.yaml"
  before=$(cat "$REPO/clusters/asm-ready/kustomization.yaml")
  run_cluster REGISTRY=r.example/p TAG=2 release
  [ "$status" -ne 0 ]
  assert_contains "$output" "no '- name: loadgen' entry in the images: block of clusters/asm-ready/kustomization.yaml; nothing pinned"
  assert_same "$before" "$(cat "$REPO/clusters/asm-ready/kustomization.yaml")"
}

@test "release: an entry without newName/newTag gets them added" {
  printf 'images:\n- name: helloserver\n- name: loadgen\n  newTag: old\n' >"$REPO/clusters/asm-ready/kustomization.yaml"
  run_cluster REGISTRY=r.example/p TAG=7 release
  [ "$status" -eq 0 ]
  assert_same "images:
- name: helloserver
  newName: r.example/p/helloserver
  newTag: \"7\"
  digest: $HELLO_DIGEST
- name: loadgen
  newTag: \"7\"
  newName: r.example/p/loadgen
  digest: $LOADGEN_DIGEST" "$(cat "$REPO/clusters/asm-ready/kustomization.yaml")"
  refute_log "docker images describe"
}

@test "release works on the real clusters/asm-ready/kustomization.yaml" {
  cp "$SRC/clusters/asm-ready/kustomization.yaml" "$REPO/clusters/asm-ready/kustomization.yaml"
  run_cluster REGISTRY=r.example/p TAG=9.9.9-abc release
  [ "$status" -eq 0 ]
  grep -q 'newName: r.example/p/helloserver$' "$REPO/clusters/asm-ready/kustomization.yaml"
  grep -q 'newName: r.example/p/loadgen$' "$REPO/clusters/asm-ready/kustomization.yaml"
  [ "$(grep -c 'newTag: "9.9.9-abc"' "$REPO/clusters/asm-ready/kustomization.yaml")" -eq 2 ]
  [ "$(grep -c 'digest: sha256:[0-9a-f]\{64\}$' "$REPO/clusters/asm-ready/kustomization.yaml")" -eq 2 ]
}

@test "an unknown subcommand prints the usage" {
  run_cluster deploy
  [ "$status" -eq 2 ]
  assert_contains "$output" "usage: cluster up|mesh|verify|status|release|clean"
}

# --- the script's gcloud and kubectl flags, against the real tools ------------------------------

# Every subcommand tools/cluster/cluster calls, with every flag it passes there (as the script
# writes it, long or short). The real tools' --help is checked against this table, and the script
# against the table, so neither a new call nor a new flag can slip by. "kubectl options" holds
# kubectl's global flags (`kubectl options` lists them; they go with any subcommand).
cli_table() {
  cat <<'EOF'
gcloud auth list|--filter --format
gcloud auth print-access-token|
gcloud projects describe|--format
gcloud services enable|--project
gcloud compute zones list|--filter --format --sort-by --limit --project
gcloud iam service-accounts describe|--project
gcloud iam service-accounts create|--display-name --project
gcloud iam service-accounts delete|--project --quiet
gcloud projects get-iam-policy|--flatten --filter --format
gcloud projects add-iam-policy-binding|--member --role --condition
gcloud projects remove-iam-policy-binding|--member --role --condition
gcloud artifacts repositories get-iam-policy|--location --project --flatten --filter --format
gcloud artifacts repositories add-iam-policy-binding|--location --member --role --project
gcloud artifacts repositories remove-iam-policy-binding|--location --member --role --project
gcloud artifacts docker images describe|--format
gcloud artifacts repositories describe|--location --project
gcloud artifacts repositories create|--repository-format --location --description --project
gcloud artifacts repositories delete|--location --project --quiet
gcloud container clusters list|--project --filter --format
gcloud container clusters describe|--location --project --format
gcloud container clusters create|--location --project --machine-type --num-nodes --release-channel --workload-pool --labels --service-account --enable-managed-prometheus --enable-autoscaling --min-nodes --max-nodes
gcloud container clusters get-credentials|--location --project
gcloud container clusters delete|--location --project --quiet
gcloud container fleet memberships list|--project --format
gcloud container fleet memberships describe|--location --project
gcloud container fleet memberships register|--gke-cluster --enable-workload-identity --project
gcloud container fleet memberships delete|--location --project --quiet
gcloud container fleet mesh enable|--project
gcloud container fleet mesh update|--management --memberships --location --project
gcloud container fleet mesh describe|--project --format
gcloud container fleet mesh disable|--project
kubectl options|--context -n
kubectl get|-o -l --field-selector
kubectl create namespace|
kubectl apply|--server-side --force-conflicts -f -k
kubectl wait|--for --timeout --all
kubectl rollout status|--timeout
kubectl rollout restart|
kubectl patch|--type -p
kubectl annotate|--overwrite
kubectl logs|-c --tail
kubectl delete|--ignore-not-found --all --wait --timeout
kubectl run|--image --restart --rm --attach --quiet --labels --pod-running-timeout --env
EOF
}

# row_flags KEY: the table's flags for that subcommand; false when the table has no such row.
row_flags() { cli_table | awk -F'|' -v key="$1" '$1 == key { print $2; found = 1 } END { exit !found }'; }

# One line per gcloud/kubectl call in the script, "<tool> <words after it>|<flags of the call>":
# continuation lines joined, comments, single-quoted text and quoted flag values dropped, a call
# cut at ||, &&, |, ; or ")". The flags of an array (flags=(...)) count for the call that expands it.
script_calls() {
  awk -v q="'" '
    function flags_of(text,   n, t, j, out) {
      n = split(text, t, /[ \t]+/)
      out = ""
      for (j = 1; j <= n; j++) {
        if (match(t[j], /^--[a-z][a-z0-9-]*/)) out = out " " substr(t[j], 1, RLENGTH)
        else if (t[j] ~ /^-[a-zA-Z]$/ || t[j] ~ /^-[a-zA-Z]=/) out = out " " substr(t[j], 1, 2)
        else if (match(t[j], /:\+-[a-zA-Z]$/)) out = out " " substr(t[j], RSTART + 2)
      }
      return out
    }
    function emit(seg,   n, t, i, words, flags, name) {
      if (match(seg, / (\|\||&&|\||;) |\)/)) seg = substr(seg, 1, RSTART - 1)
      n = split(seg, t, /[ \t]+/)
      words = (t[1] == "k") ? "kubectl" : t[1]
      i = 2
      while (words == "kubectl" && i <= n && (t[i] == "-n" || t[i] ~ /^--context/)) i += (t[i] == "-n") ? 2 : 1
      while (i <= n && t[i] ~ /^[a-z][a-z-]*$/) words = words " " t[i++]
      flags = flags_of(seg)
      for (name in array) if (index(seg, "${" name "[@]}")) flags = flags array[name]
      sub(/^ +/, "", flags)
      print words "|" flags
    }
    /^[ \t]*#/ { next }
    {
      line = $0
      if (sub(/\\$/, "", line)) { held = held line " "; next }
      line = held line
      held = ""
      gsub(q "[^" q "]*" q, "Q", line)
      gsub(/="[^"]*"/, "=D", line) # a quoted flag value may hold a ")" (--description)
      if (in_array) {
        array[current] = array[current] flags_of(line)
        if (line ~ /^[ \t]*\)/) in_array = 0
        next
      }
      if (match(line, /^[ \t]*(local +)?[A-Za-z_]+\+?=\(/)) {
        current = substr(line, RSTART, RLENGTH)
        sub(/\+?=\($/, "", current)
        sub(/^[ \t]*(local +)?/, "", current)
        array[current] = array[current] flags_of(substr(line, RSTART + RLENGTH))
        in_array = (line ~ /\([ \t]*$/)
        next
      }
      rest = line
      while (match(rest, /(^[ \t]*|[$]\(|[;&|!{] +|(if|until|then|do|quietly) +)(gcloud|kubectl|k) /)) {
        after = RSTART + RLENGTH # emit() matches too, so RSTART and RLENGTH are read first
        tool = substr(rest, RSTART, RLENGTH - 1)
        sub(/.*[^a-z]/, "", tool)
        call = substr(rest, after - 1 - length(tool))
        rest = substr(rest, after)
        emit(call)
      }
    }' "$SRC/tools/cluster/cluster" "$SRC"/tools/cluster/*.bash
}

@test "the flag table names every gcloud/kubectl call of tools/cluster/cluster (and the files it sources) and every flag it passes there" {
  local calls words flags key flag problems=() used=()
  calls=$(script_calls)
  while IFS='|' read -r words flags; do
    # The longest leading words that name a row: "kubectl get namespace argocd" is "kubectl get".
    key=$words
    [ "$words" != kubectl ] || key="kubectl options"
    until row_flags "$key" >/dev/null || [[ $key != *" "* ]]; do key=${key% *}; done
    if ! row_flags "$key" >/dev/null; then
      problems+=("no row for the call '$words' (flags: $flags)")
      continue
    fi
    used+=("$key")
    for flag in $flags; do
      if ! grep -qw -- "$flag" <<<"$(row_flags "$key")" &&
        ! { [[ $key == kubectl* ]] && grep -qw -- "$flag" <<<"$(row_flags "kubectl options")"; }; then
        problems+=("$flag of the call '$words' is not in the row '$key'")
      fi
    done
  done <<<"$calls"
  # Flags the call parsing above could miss (e.g. built up elsewhere): each must be in the table.
  while read -r flag; do
    cli_table | cut -d'|' -f2 | grep -qw -- "$flag" || problems+=("$flag is in the script but in no row of the table")
  done < <(cat "$SRC/tools/cluster/cluster" "$SRC"/tools/cluster/*.bash | grep -v '^[[:space:]]*#' | grep -v -e 'curl ' -e 'git ' | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
  # And no stale row: each is used by some call, which also proves the parsing found the calls.
  while IFS='|' read -r key flags; do
    printf '%s\n' "${used[@]}" | grep -qxF -- "$key" || problems+=("the row '$key' matches no call in the script")
  done < <(cli_table)
  if [ ${#problems[@]} -gt 0 ]; then
    printf '%s\n' "${problems[@]}" "--- calls found:" "$calls" >&2
    return 1
  fi
}

# The flags a --help text defines: a definition is a line that starts with the flag
# ("     --location=LOCATION", "    -o, --output='':", gcloud's "--[no-]enable-x") and is followed by
# its description, indented deeper; an example or prose line that starts with a flag is not. Plus
# the list gcloud gives under "These flags are available to all commands".
help_flags() {
  sed -e 's/\x1b\[[0-9;]*m//g' -e 's/\t/        /g' "$1" | awk '
    function indent(text) { match(text, /^ */); return RLENGTH }
    /These flags are available to all commands:/ { wide = 1 }
    wide {
      text = $0
      while (match(text, /--[a-z][a-z0-9-]*/)) { print substr(text, RSTART, RLENGTH); text = substr(text, RSTART + RLENGTH) }
      if ($0 ~ /\.[ \t]*$/ || $0 ~ /^[ \t]*$/) wide = 0
      next
    }
    {
      if (candidate != "" && $0 !~ /^[ \t]*$/ && indent($0) > candidate_indent) print candidate
      candidate = ""
      if ($0 !~ /\\[ \t]*$/ && match($0, /^ +(-[a-zA-Z], )?--(\[no-\])?[a-z][a-z0-9-]*/)) {
        definition = substr($0, RSTART, RLENGTH)
        sub(/^ +/, "", definition)
        if (definition ~ /^-[a-zA-Z], /) { candidate = substr(definition, 1, 2) "\n"; definition = substr(definition, 5) }
        sub(/\[no-\]/, "", definition)
        candidate = candidate definition
        candidate_indent = indent($0)
      }
    }' | sort -u
}

@test "every gcloud/kubectl flag in the table exists in the real tool's --help for that subcommand" {
  if ! command -v gcloud >/dev/null 2>&1 || ! command -v kubectl >/dev/null 2>&1; then
    skip "gcloud or kubectl is not installed, so the script's flags were not checked against their --help"
  fi
  # Offline and side-effect free: --help only, a throw-away gcloud configuration, no update check.
  export CLOUDSDK_CONFIG=$BATS_TEST_TMPDIR/gcloud-config CLOUDSDK_CORE_DISABLE_PROMPTS=1 \
    CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK=1 CLOUDSDK_CORE_DISABLE_USAGE_REPORTING=1
  local key flags flag i=0 problems=() pids=()
  local -a command
  # In parallel: gcloud takes about a second to start, and there are many subcommands.
  while IFS='|' read -r key flags; do
    i=$((i + 1))
    read -ra command <<<"$key"
    [ "$key" = "kubectl options" ] || command+=(--help)
    "${command[@]}" >"$BATS_TEST_TMPDIR/help-$i" 2>&1 </dev/null &
    pids+=($!)
  done < <(cli_table)
  i=0
  while IFS='|' read -r key flags; do
    i=$((i + 1))
    if ! wait "${pids[$((i - 1))]}"; then
      problems+=("$key --help failed: $(head -n 1 "$BATS_TEST_TMPDIR/help-$i")")
      continue
    fi
    help_flags "$BATS_TEST_TMPDIR/help-$i" >"$BATS_TEST_TMPDIR/flags-$i"
    for flag in $flags; do
      grep -qxF -- "$flag" "$BATS_TEST_TMPDIR/flags-$i" || problems+=("$key has no $flag in its --help")
    done
  done < <(cli_table)
  if [ ${#problems[@]} -gt 0 ]; then
    printf '%s\n' "${problems[@]}" >&2
    return 1
  fi
}
