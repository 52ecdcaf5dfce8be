# Istio's own analyzer judges the mesh objects: the rendered overlays as files (offline it runs only
# the analyzers that need no Kubernetes objects), and the live namespaces after the API server
# accepted them (every analyzer). Every message it reports, Info included, is either fixed or
# justified by its code in clusters/README.md ("What istioctl analyze reports"). Fixtures with known
# mesh mistakes, applied to namespaces of their own, prove the analyzer is really looking.

load helpers

MESH_FIXTURES=$BATS_TEST_DIRNAME/mesh-fixtures

setup_file() {
  LOCAL_CLUSTER_SYNC=none start_cluster
  kustomize build "$SRC/clusters/dev-mesh" | kubectl apply --server-side -f - >/dev/null
  kustomize build "$SRC/clusters/asm-ready" | kubectl apply --server-side -f - >/dev/null
  kubectl -n asm-ready-dev wait --for=condition=Available deployment --all --timeout=120s >/dev/null
  kubectl -n asm-ready wait --for=condition=Available deployment --all --timeout=120s >/dev/null
}

teardown_file() { stop_cluster; }

# analyze ARGS...: istioctl analyze -o json; prints the JSON only (its summary line goes to stderr,
# kept unless it fails). Exit 79 means "found problems at or above the failure threshold": the
# JSON says which.
analyze() {
  local err=$BATS_TEST_TMPDIR/istioctl.err rc=0
  istioctl analyze -o json "$@" 2>"$err" || rc=$?
  [ $rc -eq 0 ] || [ $rc -eq 79 ] || { cat "$err" >&2; return $rc; }
}

# analyze_files DIR: istioctl analyze over DIR's rendered manifests, offline.
analyze_files() {
  local file=$BATS_TEST_TMPDIR/rendered.yaml
  kustomize build "$1" >"$file"
  analyze --use-kube=false "$file"
}

# analyze_live NAMESPACE: istioctl analyze of a namespace of the local cluster.
analyze_live() { analyze -n "$1"; }

# analyze_fixture DIR: applies DIR (into its own namespace, fx-<folder name>) and analyzes it.
analyze_fixture() {
  local ns=fx-${1##*/}
  kustomize build "$1" | kubectl apply --server-side -f - >/dev/null || return 1
  kubectl -n "$ns" wait --for=condition=Available deployment --all --timeout=120s >/dev/null
  analyze_live "$ns"
}

# unexplained JSON: the messages whose code clusters/README.md does not justify.
unexplained() {
  local code
  for code in $(jq -r '.[].code' <<<"$1" | sort -u); do
    grep -q "| $code |" "$SRC/clusters/README.md" || jq -c --arg c "$code" '.[] | select(.code == $c)' <<<"$1"
  done
}

@test "istioctl analyze: clusters/dev-mesh as files leaves nothing unexplained" {
  run analyze_files "$SRC/clusters/dev-mesh"
  echo "$output"
  [ "$status" -eq 0 ]
  run unexplained "$output"
  [ -z "$output" ] || { echo "unexplained: $output"; false; }
}

@test "istioctl analyze: clusters/asm-ready as files leaves nothing unexplained" {
  run analyze_files "$SRC/clusters/asm-ready"
  echo "$output"
  [ "$status" -eq 0 ]
  run unexplained "$output"
  [ -z "$output" ] || { echo "unexplained: $output"; false; }
}

@test "istioctl analyze: the live namespaces leave nothing unexplained" {
  for ns in asm-ready asm-ready-dev; do
    run analyze_live "$ns"
    echo "$output"
    [ "$status" -eq 0 ]
    json=$output
    run unexplained "$json"
    [ -z "$output" ] || { echo "unexplained in $ns: $output"; false; }
  done
}

@test "fixture: a Service port that names no protocol is reported (IST0118)" {
  run analyze_fixture "$MESH_FIXTURES/unnamed-port"
  echo "$output"
  jq -e '.[] | select(.code == "IST0118" and (.message | contains("web")))' <<<"$output" >/dev/null
}

@test "fixture: a route to a host no Service provides is reported (IST0101)" {
  run analyze_fixture "$MESH_FIXTURES/missing-host"
  echo "$output"
  jq -e '.[] | select(.code == "IST0101" and (.message | contains("hello-svc")))' <<<"$output" >/dev/null
}

@test "the justifications name only codes the analyzer still reports" {
  # A stale justification hides nothing today but would excuse a future regression.
  all=$( { analyze_files "$SRC/clusters/dev-mesh"; analyze_files "$SRC/clusters/asm-ready";
           analyze_live asm-ready; analyze_live asm-ready-dev; } |
         jq -rs 'add | .[].code' | sort -u)
  while read -r code; do
    grep -qx "$code" <<<"$all" || { echo "clusters/README.md justifies $code, which the analyzer no longer reports"; false; }
  done < <(sed -n 's/^| \(IST[0-9]*\) |.*/\1/p' "$SRC/clusters/README.md")
}
