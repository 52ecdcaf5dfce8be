# Argo CD's real application controller and repo-server (the release `make cluster` installs) sync
# clusters/asm-ready from a local Git clone into the local control plane. argocd/ is applied by
# tools/cluster/cluster's own functions (only gcloud is left out), with REPO_URL switched in
# argocd/settings.env, the one place it is set. The cluster starts without the mesh's CRDs, as a
# fresh GKE cluster does, and gets them later, as `make mesh` does.
#
# Stood in: Google Cloud's load balancer (a LoadBalancer Service gets a documentation address in its
# status, which no traffic is sent to) and the managed mesh (its CRDs are installed, no istiod).

# shellcheck disable=SC2030,SC2031  # bats runs each test in a subshell: its variables are its own
load helpers

setup_file() {
  # A fresh GKE cluster: no mesh yet. local-cluster applies argocd/ through tools/cluster/cluster.
  export LOCAL_CLUSTER_CRDS=none
  start_cluster
}

REPO=$BATS_FILE_TMPDIR/cluster/repo

teardown_file() { stop_cluster; }

# cluster_fn FUNCTION...: runs functions of the clone's tools/cluster/cluster against the local
# cluster (its kube context; no gcloud is called by these).
cluster_fn() {
  (
    export KCTX
    KCTX=$(kubectl config current-context)
    POLL_SECONDS=1 WAIT_TIMEOUT=${WAIT_TIMEOUT:-180}
    # shellcheck disable=SC1091
    source "$REPO/tools/cluster/cluster"
    for f in "$@"; do "$f"; done
  )
}

# The Argo CD state of the Application, and a refresh so a new commit is seen now, not at the poll.
app() { kubectl -n argocd get application asm-ready -o json; }
app_is() { [ "$(app | jq -r '"\(.status.sync.status) \(.status.health.status)"')" = "$1" ]; }
refresh() { kubectl -n argocd annotate application asm-ready argocd.argoproj.io/refresh=normal --overwrite >/dev/null; }
synced_at() { [ "$(app | jq -r '.status.sync.revision')" = "$(git -C "$REPO" rev-parse HEAD)" ] && app_is "Synced Healthy"; }

# Google Cloud's load balancer, stood in: every LoadBalancer Service gets an address in its status.
provision_load_balancers() {
  local svc
  for svc in $(kubectl -n asm-ready get services -o json |
      jq -r '.items[] | select(.spec.type == "LoadBalancer" and (.status.loadBalancer.ingress | not)) | .metadata.name'); do
    kubectl -n asm-ready patch service "$svc" --subresource=status --type=merge \
      -p '{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.80"}]}}}' >/dev/null
  done
}
workloads_available() {
  provision_load_balancers
  [ "$(kubectl -n asm-ready get deployments -o json 2>/dev/null |
      jq '[.items[] | select(.status.conditions // [] | any(.type == "Available" and .status == "True"))] | length')" = 2 ]
}

commit() { # MESSAGE: commits every change in the clone
  git -C "$REPO" add -A
  git -C "$REPO" -c user.name=test -c user.email=test@localhost commit -q -m "$1"
}

@test "1. without the mesh's CRDs the workloads sync and turn Available; the mesh objects wait" {
  wait_for 180 workloads_available
  # The custom resources cannot be applied yet: the sync is not complete, and the controller says why.
  run kubectl -n argocd get application asm-ready -o json
  jq -e '.status.sync.status != "Synced"' <<<"$output"
  jq -e '[.status.resources[] | select(.kind == "PeerAuthentication")] | length > 0' <<<"$output"
}

@test "2. once the mesh's CRDs exist, make mesh's sync brings the mesh objects: Synced and Healthy" {
  dir=$(SCHEMAS_DIR=${SCHEMAS_DIR:-} "$SRC/tools/schemas/fetch")
  kubectl apply --server-side -f "$dir/istio/customresourcedefinitions.gen.yaml" >/dev/null
  kubectl apply --server-side -f "$dir/gmp/podmonitorings-crd.yaml" >/dev/null
  kubectl wait --for=condition=Established crd --all --timeout=60s
  start=$SECONDS
  run cluster_fn mesh_sync_and_restart
  echo "$output"
  [ "$status" -eq 0 ]
  provision_load_balancers
  wait_for 180 app_is "Synced Healthy"
  kubectl -n asm-ready get peerauthentication default
  kubectl -n asm-ready get authorizationpolicy helloserver
  kubectl -n asm-ready get podmonitoring helloserver
  echo "# mesh objects synced $((SECONDS - start)) s after the CRDs" >&3
}

@test "3. self-heal: a field changed by hand is put back" {
  want=$(kubectl -n asm-ready get deployment helloserver -o jsonpath='{.metadata.labels.version}')
  kubectl -n asm-ready label deployment helloserver version=tampered --overwrite
  version_back() { [ "$(kubectl -n asm-ready get deployment helloserver -o jsonpath='{.metadata.labels.version}')" = "$want" ]; }
  wait_for 120 version_back
}

@test "4. a new commit (the digest pin make release writes) reaches the cluster" {
  digest=sha256:$(printf 'asm-ready local release' | sha256sum | cut -d' ' -f1)
  file=$REPO/clusters/asm-ready/kustomization.yaml
  (
    source "$REPO/tools/cluster/cluster"
    pin_image helloserver example.test/asm-ready/helloserver 9.9.9-local "$digest" "$file" >"$file.new"
  )
  mv "$file.new" "$file"
  commit "Release 9.9.9-local"
  start=$SECONDS
  refresh
  wait_for 120 synced_at
  image=$(kubectl -n asm-ready get deployment helloserver -o jsonpath='{.spec.template.spec.containers[0].image}')
  [ "$image" = "example.test/asm-ready/helloserver:9.9.9-local@$digest" ]
  echo "# commit to Synced with a refresh annotation: $((SECONDS - start)) s" >&3
}

@test "5. prune: an object deleted from Git disappears from the cluster" {
  kubectl -n asm-ready get poddisruptionbudget helloserver
  sed -i '/poddisruptionbudget.yaml/d' "$REPO/clusters/asm-ready/kustomization.yaml"
  commit "Drop the disruption budget"
  refresh
  gone() { ! kubectl -n asm-ready get poddisruptionbudget helloserver >/dev/null 2>&1; }
  wait_for 120 gone
  wait_for 120 synced_at
}

@test "6. the AppProject fence: a kind outside the project does not sync, and Argo CD names it" {
  cat >"$REPO/clusters/asm-ready/clusterrole.yaml" <<'EOF'
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: asm-ready-escape
rules: []
EOF
  sed -i 's|^resources:|resources:\n  - clusterrole.yaml|' "$REPO/clusters/asm-ready/kustomization.yaml"
  commit "Try a ClusterRole"
  refresh
  # The sync fails for that one resource, with Argo CD's own reason.
  refused() {
    app | jq -e '.status.operationState.syncResult.resources // [] | any(.kind == "ClusterRole"
      and .status == "SyncFailed" and (.message | test("ClusterRole is not permitted in project asm-ready")))' >/dev/null
  }
  wait_for 120 refused
  run kubectl get clusterrole asm-ready-escape
  [ "$status" -ne 0 ]
  git -C "$REPO" -c user.name=test -c user.email=test@localhost revert --no-edit HEAD >/dev/null
  refresh
  wait_for 120 synced_at
}

@test "7. make clean's Argo CD part: deleting the Application empties the namespace" {
  run cluster_fn delete_applications
  echo "$output"
  [ "$status" -eq 0 ]
  empty() {
    ! kubectl -n asm-ready get deployments,services,serviceaccounts,horizontalpodautoscalers,peerauthentications,authorizationpolicies,podmonitorings -o name 2>/dev/null |
      grep -qv '^serviceaccount/default$'
  }
  wait_for 120 empty
  run kubectl -n argocd get application asm-ready
  [ "$status" -ne 0 ]
}

@test "the Argo CD that syncs here is the release make cluster installs" {
  want=$(sed -n 's/^ARGOCD_VERSION=//p' "$SRC/argocd/settings.env")
  run argocd version --client --short
  echo "$output"
  [[ $output == "argocd: ${want}+"* ]] || [[ $output == "argocd: ${want}" ]]
}
