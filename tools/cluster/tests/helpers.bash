# Shared by the cluster script's tests: a sandbox per test with a copy of the script, the real
# argocd/settings.env, a fixture kustomization, and a PATH holding only the stand-ins plus the
# few ordinary tools the script uses, so the real gcloud and kubectl can never be reached.

SRC=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)
FAKE="$BATS_TEST_DIRNAME/fake"
PROJECT=demo-project
CONTEXT="gke_${PROJECT}_us-central1-a_asm-ready"
export REGISTRY_DEFAULT="us-central1-docker.pkg.dev/$PROJECT/asm-ready"
# The digests the stand-in tools/images reports (and the stand-in registry holds) for each image.
HELLO_DIGEST="sha256:$(printf '1%.0s' {1..64})"
LOADGEN_DIGEST="sha256:$(printf '2%.0s' {1..64})"
# shellcheck disable=SC2034  # for cluster.bats
NODE_SA=asm-ready-nodes@$PROJECT.iam.gserviceaccount.com

setup() {
  SANDBOX=$BATS_TEST_TMPDIR
  REPO=$SANDBOX/repo
  STATE=$SANDBOX/state
  LOG=$SANDBOX/calls.log
  mkdir -p "$REPO/tools/cluster" "$REPO/tools/lib" "$REPO/argocd" "$REPO/clusters/asm-ready" "$SANDBOX/bin" "$STATE" "$SANDBOX/home"
  : >"$LOG"
  cp "$SRC/tools/cluster/cluster" "$SRC"/tools/cluster/*.bash "$REPO/tools/cluster/"
  cp "$SRC/tools/lib/lib.bash" "$REPO/tools/lib/lib.bash"
  # The shared settings (ports, paths) the script reads from the root pom.xml.
  cp "$SRC/pom.xml" "$REPO/pom.xml"
  cp "$SRC/argocd/settings.env" "$REPO/argocd/settings.env"
  cp "$BATS_TEST_DIRNAME/fixtures/kustomization.yaml" "$REPO/clusters/asm-ready/kustomization.yaml"
  printf '#!/usr/bin/env bash\necho 1.0.0-abc\n' >"$REPO/tools/image-tag"
  chmod +x "$REPO/tools/image-tag"
  ln -s "$FAKE" "$REPO/tools/images"
  local tool
  for tool in gcloud kubectl curl gke-gcloud-auth-plugin; do ln -s "$FAKE" "$SANDBOX/bin/$tool"; done
  for tool in bash sh env sed awk grep cat mktemp rm mv cp tail head sleep dirname tr mkdir touch tee git; do
    ln -s "$(command -v "$tool")" "$SANDBOX/bin/$tool"
  done
  export ARGOCD_VERSION; ARGOCD_VERSION=$(sed -n 's/^ARGOCD_VERSION=//p' "$SRC/argocd/settings.env")
  # The repository Argo CD syncs (REPO_URL, a real Git repository on disk): clusters/asm-ready as
  # `make release` leaves it, pinned by tag and digest, committed and pushed.
  ORIGIN=$SANDBOX/origin.git
  git init -q --bare -b main "$ORIGIN"
  sed -i "s|^REPO_URL=.*|REPO_URL=file://$ORIGIN|" "$REPO/argocd/settings.env"
  released_fixture >"$SANDBOX/released.yaml"
  publish "$SANDBOX/released.yaml"
}

# The fixture as `make release` pins it: the digests the stand-in registry holds.
released_fixture() {
  awk -v one="$HELLO_DIGEST" -v two="$LOADGEN_DIGEST" \
    '{ print } /newTag:/ && n < 2 { print "    digest: " (++n == 1 ? one : two) }' "$BATS_TEST_DIRNAME/fixtures/kustomization.yaml"
}

# publish_pins REGISTRY: the released fixture with its images in REGISTRY, published.
publish_pins() {
  sed "s#$REGISTRY_DEFAULT/#$1/#" "$SANDBOX/released.yaml" >"$SANDBOX/pins.yaml"
  publish "$SANDBOX/pins.yaml"
}

# publish FILE: FILE becomes clusters/asm-ready/kustomization.yaml on the synced branch (main).
publish() {
  local work=$SANDBOX/publish
  rm -rf "$work"
  git init -q -b main "$work"
  mkdir -p "$work/clusters/asm-ready"
  cp "$1" "$work/clusters/asm-ready/kustomization.yaml"
  git -C "$work" add -A
  git -C "$work" -c user.name=test -c user.email=test@localhost commit -q -m publish
  git -C "$work" push -q --force "$ORIGIN" main
}

# A logged-in user with a default project: what `make cluster` normally finds.
logged_in() {
  echo x >"$STATE/login"
  echo "$PROJECT" >"$STATE/project"
}

# state NAME [VALUE]: the fake project already has NAME (e.g. `state cluster RUNNING`).
state() { printf '%s\n' "${2:-x}" >"$STATE/$1"; }

# run_cluster [VAR=value ...] SUBCOMMAND: the script with a clean environment and the sandbox PATH.
run_cluster() {
  local vars=()
  while [[ $1 == *=* ]]; do vars+=("$1"); shift; done
  run env -i HOME="$SANDBOX/home" PATH="$SANDBOX/bin" FAKE_LOG="$LOG" FAKE_STATE="$STATE" \
    CLOUDSDK_CONFIG="$SANDBOX/gcloud-config" KUBECONFIG="$SANDBOX/kubeconfig" \
    POLL_SECONDS=0 WAIT_TIMEOUT=5 MESH_TIMEOUT=5 CLEAN_TIMEOUT=1 "${vars[@]}" "$REPO/tools/cluster/cluster" "$@"
}

# The calls that change something, in order, plus the look that found the mesh control plane
# ACTIVE (looks, lists, zone and IAM policy reads left out); without the --context flag every kubectl call carries (a test checks it separately).
effects() {
  local line
  while IFS= read -r line; do
    case "$line" in
      *"=> ACTIVE") echo "gcloud container fleet mesh describe => ACTIVE" ;;
      *" describe "* | *" get "* | *get-value* | *"auth list"* | *" wait "* | *"rollout status"* | *" logs "* | \
        *" zones list "* | *" list "* | *" get-iam-policy "*) ;;
      *) printf '%s\n' "$line" ;;
    esac
  done <"$LOG" | sed -e "s# --context=$CONTEXT##" -e "s#$REPO#REPO#g"
}

# assert_same EXPECTED ACTUAL: equal, or show both.
assert_same() {
  if [ "$1" != "$2" ]; then
    printf -- '--- expected\n%s\n--- actual\n%s\n--- output\n%s\n' "$1" "$2" "${output:-}" >&2
    return 1
  fi
}

assert_contains() {
  if ! grep -qF -- "$2" <<<"$1"; then
    printf -- 'expected to find: %s\n--- in\n%s\n' "$2" "$1" >&2
    return 1
  fi
}

refute_log() {
  if grep -qE -- "$1" "$LOG"; then
    printf -- 'the log has a call matching %s:\n%s\n' "$1" "$(cat "$LOG")" >&2
    return 1
  fi
}
