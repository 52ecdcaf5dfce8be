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

# clusters/asm-ready/kustomization.yaml as Argo CD will sync it: at TARGET_REVISION of REPO_URL
# (argocd/settings.env), fetched into a scratch repository (one commit), not the working tree: a
# `make release` not yet pushed changes only the working tree.
synced_kustomization() {
  local repo rev scratch
  repo=$(asm::settings::argocd REPO_URL)
  rev=$(asm::settings::argocd TARGET_REVISION)
  scratch=$(mktemp -d)
  if git init -q --bare "$scratch" && git -C "$scratch" fetch -q --depth=1 "$repo" "$rev" 2>"$scratch/fetch.err"; then
    git -C "$scratch" show "FETCH_HEAD:clusters/asm-ready/kustomization.yaml" ||
      { rm -rf "$scratch"; die "$rev of $repo has no clusters/asm-ready/kustomization.yaml; nothing for Argo CD to sync"; }
    rm -rf "$scratch"
  else
    local why
    why=$(tail -n 1 "$scratch/fetch.err" 2>/dev/null)
    rm -rf "$scratch"
    die "cannot fetch $rev of $repo (REPO_URL and TARGET_REVISION in argocd/settings.env), which Argo CD syncs: ${why:-git fetch failed}"
  fi
}

# The images: block of a kustomization, one "name newName newTag digest" line per entry ("-" for
# a field the entry lacks).
image_pins() {
  awk '
    function flush() { if (name != "") print name, (new_name == "" ? "-" : new_name), (tag == "" ? "-" : tag), (digest == "" ? "-" : digest); name = "" }
    function value(line) { sub(/^[^:]*: */, "", line); sub(/ *#.*$/, "", line); gsub(/"/, "", line); return line }
    /^images:/ { in_images = 1; next }
    in_images && /^[^ #-]/ { flush(); in_images = 0 }
    in_images && /^ *- +name:/ { flush(); name = value($0); new_name = ""; tag = ""; digest = ""; next }
    in_images && /^ +newName:/ { new_name = value($0) }
    in_images && /^ +newTag:/ { tag = value($0) }
    in_images && /^ +digest:/ { digest = value($0) }
    END { flush() }'
}

# Before anything billable starts: every image Argo CD will sync must be in this project's
# registry, pinned by tag and digest (what `make release` writes), and the registry must hold that
# digest, or the pods would sit in ImagePullBackOff. A fork's first `make cluster` stops here
# (after creating the registry) and says how to push and pin its own images.
check_pinned_images() {
  local synced pins name new_name tag digest where held
  where="clusters/asm-ready at $(asm::settings::argocd TARGET_REVISION) of $(asm::settings::argocd REPO_URL) (what Argo CD syncs)"
  synced=$(synced_kustomization)
  pins=$(image_pins <<<"$synced")
  [ -n "$pins" ] || die "$where pins no images; run 'make release', commit and push, then 'make cluster' again (it continues from here)"
  while read -r name new_name tag digest; do
    case "$new_name" in
      "$REGISTRY"/*) ;;
      *) die "$where pins $new_name, not an image in $REGISTRY: run 'make release', commit and push, then 'make cluster' again (it continues from here)" ;;
    esac
    if ! [[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || [ "$tag" = - ]; then
      die "$where pins $new_name:$tag without a digest: run 'make release' (it pins tag and digest), commit and push, then 'make cluster' again"
    fi
    case "${REGISTRY%%/*}" in
      *-docker.pkg.dev)
        held=$(gcloud artifacts docker images describe "$new_name@$digest" --format='value(image_summary.digest)' 2>/dev/null || true)
        [ "$held" = "$digest" ] ||
          die "$where pins $new_name:$tag@$digest, which Artifact Registry does not hold: run 'make release', commit and push, then 'make cluster' again"
        ;;
    esac
    say "Argo CD will sync $name as $new_name:$tag@$digest"
  done <<<"$pins"
}
