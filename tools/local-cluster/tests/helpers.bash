# Shared by the local-cluster suites: one real control plane per file (started in setup_file,
# stopped in teardown_file), on a free loopback port, with its state in the file's temp folder.

SRC=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)
LC=$SRC/tools/local-cluster/local-cluster

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_cluster() {
  export LOCAL_CLUSTER_NAME=asm-ready-test-$$
  LOCAL_CLUSTER_PORT=$(free_port)
  export LOCAL_CLUSTER_PORT
  export LOCAL_CLUSTER_DIR=$BATS_FILE_TMPDIR/cluster
  local envfile
  envfile=$("$LC" up) || return 1
  # shellcheck disable=SC1090
  source "$envfile"
  export KUBECONFIG PATH
}

stop_cluster() { "$LC" down >/dev/null 2>&1 || true; }

# render DIR: kustomize's output for a folder of this repository (the built, pinned kustomize).
render() { kustomize build "$1"; }

# apply_checked DIR: what the API server makes of DIR, first as a server-side dry run, then for
# real; fails with the server's own message. A warning fails too: Pod Security admission only warns
# about a Deployment whose pods it will refuse. A dry run cannot create namespaces, so the
# Namespace objects are dry-run and created first (as Argo CD's CreateNamespace does), then the rest.
apply_checked() {
  local manifest namespaces
  manifest=$(render "$1") || return 1
  namespaces=$(kubectl create --dry-run=client -o json -f - <<<"$manifest" 2>/dev/null |
    jq -c 'if .kind == "List" then .items else [.] end | map(select(.kind == "Namespace"))
           | select(length > 0) | {apiVersion: "v1", kind: "List", items: .}')
  if [ -n "$namespaces" ]; then
    kubectl apply --warnings-as-errors --server-side --validate=strict --dry-run=server -f - <<<"$namespaces" || return 1
    kubectl apply --warnings-as-errors --server-side --validate=strict -f - <<<"$namespaces" || return 1
  fi
  kubectl apply --warnings-as-errors --server-side --validate=strict --dry-run=server -f - <<<"$manifest" || return 1
  kubectl apply --warnings-as-errors --server-side --validate=strict -f - <<<"$manifest"
}

# wait_for SECONDS COMMAND...: retries COMMAND until it succeeds or the deadline passes.
wait_for() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    [ $SECONDS -lt $deadline ] || { echo "timed out after ${deadline}s: $*" >&2; return 1; }
    sleep 0.5
  done
}

# endpoints_match NAMESPACE SERVICE: the Service's EndpointSlices list exactly the Ready pods its
# selector picks, and at least one. Prints both sets when they differ.
endpoints_match() {
  local ns=$1 svc=$2 selector want got
  selector=$(kubectl -n "$ns" get service "$svc" -o json |
    jq -r '.spec.selector // {} | to_entries | map("\(.key)=\(.value)") | join(",")')
  [ -n "$selector" ] || { echo "service $ns/$svc has no selector" >&2; return 1; }
  want=$(kubectl -n "$ns" get pods -l "$selector" -o json |
    jq -r '.items[] | select(.status.conditions // [] | any(.type == "Ready" and .status == "True")) | .metadata.name' | sort)
  got=$(kubectl -n "$ns" get endpointslices -l "kubernetes.io/service-name=$svc" -o json |
    jq -r '.items[].endpoints // [] | .[] | select(.conditions.ready) | .targetRef.name' | sort)
  if [ -z "$want" ] || [ "$want" != "$got" ]; then
    echo "service $ns/$svc: selector $selector picks ready pods [$(echo $want)], EndpointSlices list [$(echo $got)]" >&2
    return 1
  fi
}
