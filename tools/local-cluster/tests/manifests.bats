# The real Kubernetes API server (and its controllers, with kwok's fake nodes) judges every manifest
# of clusters/ and argocd/: strict server-side validation, Pod Security admission, CRD schemas, and
# what the controllers make of the objects (Available Deployments, EndpointSlices, PDB, HPA).

# shellcheck disable=SC2030,SC2031  # bats runs each test in a subshell: its variables are its own
load helpers

FIXTURES=$BATS_TEST_DIRNAME/fixtures

setup_file() { LOCAL_CLUSTER_SYNC=none start_cluster; }

teardown_file() { stop_cluster; }

@test "the API server reports the pinned Kubernetes version" {
  run kubectl version -o json
  [ "$status" -eq 0 ]
  want=$(cd "$SRC/tools/gotools/kubernetes" && go list -m -f '{{.Version}}' k8s.io/kubernetes)
  [ "$(jq -r .serverVersion.gitVersion <<<"$output")" = "$want" ]
  [ "$(jq -r .clientVersion.gitVersion <<<"$output")" = "$want" ]
}

@test "clusters/dev: accepted strictly, every pod admitted, Deployments Available, Services route to their pods" {
  run apply_checked "$SRC/clusters/dev"
  echo "$output"
  [ "$status" -eq 0 ]
  check_namespace asm-ready-dev
}

@test "clusters/dev-mesh: the dev overlay with the mesh objects, accepted by the Istio CRDs" {
  run apply_checked "$SRC/clusters/dev-mesh"
  echo "$output"
  [ "$status" -eq 0 ]
  check_namespace asm-ready-dev
}

@test "clusters/asm-ready: accepted, autoscaled to its minimum, the disruption budget allows one" {
  run apply_checked "$SRC/clusters/asm-ready"
  echo "$output"
  [ "$status" -eq 0 ]
  check_namespace asm-ready
  # The HPA scales the Deployment (which has no replica count in Git) up to minReplicas.
  min=$(kubectl -n asm-ready get hpa helloserver -o jsonpath='{.spec.minReplicas}')
  wait_for 90 replicas_ready asm-ready helloserver "$min"
  # The PDB's controller counted the pods: allowed disruptions = ready pods - the floor it keeps.
  wait_for 60 pdb_allows asm-ready
}

@test "argocd/: the AppProject and Application are accepted by Argo CD's CRDs" {
  # A dry run only: a real Application would send Argo CD to the fork's remote repository. The
  # Argo CD suite applies it for real, pointed at a local clone.
  manifest=$(render "$SRC/argocd")
  run kubectl apply --warnings-as-errors --server-side --validate=strict --dry-run=server -f - <<<"$manifest"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *'application.argoproj.io/asm-ready serverside-applied (server dry run)'* ]]
  [[ $output == *'appproject.argoproj.io/asm-ready serverside-applied (server dry run)'* ]]
}

# ---- each class of mistake is caught, with the server's own words ----

@test "fixture: an unknown field is refused, naming the field" {
  run apply_checked "$FIXTURES/unknown-field"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *'imagePulPolicy'* ]]
  [[ $output == *'field not declared in schema'* ]] || [[ $output == *'unknown field'* ]]
}

@test "fixture: a wrong type is refused, naming the field" {
  run apply_checked "$FIXTURES/wrong-type"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *'terminationGracePeriodSeconds'* ]]
}

@test "fixture: a pod the restricted Pod Security Standard forbids is refused" {
  run apply_checked "$FIXTURES/pod-security"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *'violate PodSecurity "restricted'* ]]
}

@test "fixture: a custom resource that breaks its CRD's schema is refused" {
  run apply_checked "$FIXTURES/crd-violation"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *'spec.mtls.mode'* ]]
  [[ $output == *'STRICTEST'* ]]
}

@test "fixture: a Service whose selector matches nothing fails the endpoint check" {
  run apply_checked "$FIXTURES/selector-matches-nothing"
  [ "$status" -eq 0 ]
  kubectl -n fx-selector-matches-nothing wait --for=condition=Available deployment --all --timeout=90s
  run endpoints_match fx-selector-matches-nothing hellosvc
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *'selector app=hello-server picks ready pods []'* ]]
}

# ---- helpers that read state back from the API ----

# check_namespace NS: Pod Security enforces "restricted" there, every ReplicaSet created its pods,
# every Deployment is Available, every Service with a selector routes to exactly its ready pods.
check_namespace() {
  local ns=$1 svc
  [ "$(kubectl get namespace "$ns" -o jsonpath='{.metadata.labels.pod-security\.kubernetes\.io/enforce}')" = restricted ] ||
    { echo "namespace $ns does not enforce the restricted Pod Security Standard" >&2; return 1; }
  kubectl -n "$ns" wait --for=condition=Available deployment --all --timeout=120s
  run kubectl -n "$ns" get replicasets -o json
  local refused
  refused=$(jq -r '.items[] | .status.conditions // [] | .[] | select(.type == "ReplicaFailure") | .message' <<<"$output")
  [ -z "$refused" ] || { echo "pods refused in $ns: $refused" >&2; return 1; }
  for svc in $(kubectl -n "$ns" get services -o json | jq -r '.items[] | select(.spec.selector) | .metadata.name'); do
    wait_for 60 endpoints_match "$ns" "$svc"
  done
}

replicas_ready() { # NS DEPLOYMENT N
  [ "$(kubectl -n "$1" get deployment "$2" -o jsonpath='{.status.readyReplicas}')" = "$3" ]
}

pdb_allows() { # NS: every PDB observed its pods and allows as many disruptions as ready pods above its floor
  kubectl -n "$1" get pdb -o json | jq -e '
    (.items | length) > 0 and
    all(.items[]; .status.observedGeneration == .metadata.generation
                  and .status.disruptionsAllowed == (.status.currentHealthy - .status.desiredHealthy)
                  and .status.disruptionsAllowed >= 1)' >/dev/null
}
