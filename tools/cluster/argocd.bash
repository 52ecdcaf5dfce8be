# shellcheck shell=bash
# Argo CD: install it, apply argocd/, wait for the Application and its workloads; the image pins it
# will sync. Sourced by tools/cluster/cluster (and by tools/local-cluster, for its functions).

install_argocd() {
  local version url
  version=$(asm::settings::argocd ARGOCD_VERSION)
  url="https://raw.githubusercontent.com/argoproj/argo-cd/$version/manifests/install.yaml"
  say "Installing Argo CD $version"
  k get namespace "$ARGOCD_NS" >/dev/null 2>&1 || k create namespace "$ARGOCD_NS"
  # Server-side: the Application CRD is too large for the last-applied annotation.
  k apply --server-side --force-conflicts -n "$ARGOCD_NS" -f "$url"
  k wait --for=condition=Established --timeout="${WAIT_TIMEOUT}s" \
    crd/applications.argoproj.io crd/appprojects.argoproj.io
  k -n "$ARGOCD_NS" wait --for=condition=Available --timeout="${WAIT_TIMEOUT}s" deployment --all
  k -n "$ARGOCD_NS" rollout status statefulset/argocd-application-controller --timeout="${WAIT_TIMEOUT}s"
}

apply_argocd_objects() {
  local origin repo
  repo=$(asm::settings::argocd REPO_URL)
  origin=$(git -C "$ROOT" remote get-url origin 2>/dev/null || true)
  if [ -n "$origin" ] && [ "${origin%.git}" != "${repo%.git}" ]; then
    say "Note: Argo CD syncs from $repo (argocd/settings.env), but this clone's origin is $origin"
  fi
  say "Applying argocd/ (Application $APP syncs clusters/asm-ready from $repo)"
  k apply -k "$ROOT/argocd"
  if [ -n "$ISTIO_REV" ]; then
    say "Labelling namespace $APP_NS for Istio revision $ISTIO_REV (through the Application)"
    k -n "$ARGOCD_NS" patch application "$APP" --type=merge -p "$(revision_patch)"
  fi
}

# With your own Istio installed under a revision, the namespace must carry istio.io/rev=<rev>
# instead of the injection label the tree declares: a kustomize patch carried by the
# Application, so Argo CD's self-heal keeps it instead of reverting it.
revision_patch() {
  local patch
  # A JSON patch: a strategic-merge null would be kept as the string "null" on a label.
  patch='- op: remove\n  path: /metadata/labels/istio-injection\n- op: add\n  path: /metadata/labels/istio.io~1rev\n  value: \"'"$ISTIO_REV"'\"\n'
  printf '{"spec":{"source":{"kustomize":{"patches":[{"target":{"kind":"Namespace","name":"%s"},"patch":"%s"}]}}}}' \
    "$APP_NS" "$patch"
}

app_state() {
  k -n "$ARGOCD_NS" get application "$APP" \
    -o jsonpath='{.status.sync.status} {.status.health.status}' 2>/dev/null || true
}

app_synced_and_healthy() { [ "$(app_state)" = "Synced Healthy" ]; }

wait_for_app() {
  say "Waiting for Application $APP to be Synced and Healthy (the load balancer's IP takes a few minutes)"
  asm::wait::until "$WAIT_TIMEOUT" "Application $APP Synced and Healthy" app_synced_and_healthy ||
    die "Application $APP is '$(app_state)' after ${WAIT_TIMEOUT}s, not 'Synced Healthy' (make status shows more)"
}

deployments_exist() {
  [ -n "$(k -n "$APP_NS" get deployments -o name 2>/dev/null || true)" ]
}

# The workloads need no mesh: they run before it is installed (sync wave 0).
wait_for_workloads() {
  say "Waiting for the workloads in $APP_NS (sync wave 0, no mesh needed)"
  asm::wait::until "$WAIT_TIMEOUT" "a Deployment in $APP_NS" deployments_exist ||
    die "Argo CD created no Deployment in $APP_NS within ${WAIT_TIMEOUT}s (make status shows why)"
  local deployment
  for deployment in $(k -n "$APP_NS" get deployments -o name); do
    k -n "$APP_NS" rollout status "$deployment" --timeout="${WAIT_TIMEOUT}s"
  done
}

external_ip() {
  k -n "$APP_NS" get service hellosvc -o jsonpath='{.status.loadBalancer.ingress[0].ip}' 2>/dev/null || true
}

# The images clusters/asm-ready pins must come from this project's registry, or no pod starts:
# a fork's first `make cluster` stops here and says how to push and pin its own images.
check_pinned_images() {
  local pinned name
  pinned=$(sed -n 's/^ *newName: *"\{0,1\}\([^" ]*\)"\{0,1\} *$/\1/p' "$KUSTOMIZATION")
  for name in $pinned; do
    case "$name" in
      "$REGISTRY"/*) ;;
      *) die "clusters/asm-ready pins $name, not an image in $REGISTRY: run 'make release', commit and push, then 'make cluster' again (it continues from here)" ;;
    esac
  done
}

