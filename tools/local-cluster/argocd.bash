# Argo CD in the local cluster, as Argo CD's own developers run it (its Procfile): the application
# controller and the repo-server as plain processes of the pinned build, Redis from Debian on
# loopback. ARGOCD_FAKE_IN_CLUSTER makes "https://kubernetes.default.svc" mean the kubeconfig's
# cluster. No API server, UI or Dex: Applications are objects, and the tests read them back.
# Sourced by local-cluster; uses its $state, $root, $bin (tool folder), $kubeconfig and die/say.
# shellcheck shell=bash disable=SC2154

argocd_dir() { echo "$state/argocd"; }

# The CRDs of the Argo CD release that is built and that `make cluster` installs: the files in that
# release's own Go module (verified by go.sum like its code).
argocd_crds() {
  local dir
  dir=$(cd "$root/tools/gotools/argocd" && go mod download -json github.com/argoproj/argo-cd/v3 | jq -r .Dir) || dir=
  if [ -z "$dir" ] || [ ! -d "$dir/manifests/crds" ]; then die "cannot read Argo CD's CRDs from its Go module"; fi
  echo "$dir/manifests/crds/application-crd.yaml"
  echo "$dir/manifests/crds/appproject-crd.yaml"
}

free_port() { asm::net::free_port; }

# start_daemon NAME COMMAND...: starts COMMAND in the background, logging to argocd/NAME.log.
start_daemon() {
  local name=$1; shift
  local d; d=$(argocd_dir)
  "$@" >"$d/$name.log" 2>&1 &
  echo $! >"$d/$name.pid"
}

argocd_up() {
  local d; d=$(argocd_dir)
  mkdir -p "$d/tls" "$d/ssh" "$d/gpg"
  command -v redis-server >/dev/null || die "redis-server is not installed (tools/prereqs installs it)"
  local f
  for f in $(argocd_crds); do
    "$bin/kubectl" apply --server-side --force-conflicts -f "$f" >/dev/null || die "the API server refused $f"
  done
  await 60 "Argo CD's CRDs were not Established within 60 s" established applications.argoproj.io appprojects.argoproj.io
  "$bin/kubectl" create namespace argocd --dry-run=client -o yaml | "$bin/kubectl" apply -f - >/dev/null
  # The settings Argo CD's controller reads at start; empty ones mean its defaults.
  "$bin/kubectl" -n argocd apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: argocd-cm, labels: {app.kubernetes.io/part-of: argocd}}}
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: argocd-rbac-cm, labels: {app.kubernetes.io/part-of: argocd}}}
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: argocd-cmd-params-cm, labels: {app.kubernetes.io/part-of: argocd}}}
  - {apiVersion: v1, kind: Secret, metadata: {name: argocd-secret, labels: {app.kubernetes.io/part-of: argocd}}}
EOF
  local redis_port repo_port
  redis_port=$(free_port); repo_port=$(free_port)
  start_daemon redis redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no
  local common=(env ARGOCD_FAKE_IN_CLUSTER=true KUBECONFIG="$kubeconfig" ARGOCD_GPG_ENABLED=false
                ARGOCD_TLS_DATA_PATH="$d/tls" ARGOCD_SSH_DATA_PATH="$d/ssh" ARGOCD_GNUPGHOME="$d/gpg"
                PATH="$bin:$PATH")
  # The repo-server renders clusters/asm-ready with git and the pinned kustomize, both on its PATH.
  start_daemon repo-server "${common[@]}" "$bin/argocd-repo-server" --disable-tls \
    --port "$repo_port" --metrics-port "$(free_port)" --redis "127.0.0.1:$redis_port" --loglevel info
  start_daemon application-controller "${common[@]}" "$bin/argocd-application-controller" \
    --namespace argocd --redis "127.0.0.1:$redis_port" --repo-server "127.0.0.1:$repo_port" \
    --repo-server-plaintext --metrics-port "$(free_port)" --loglevel info
  local deadline=$((SECONDS + 60))
  until (exec 3<>"/dev/tcp/127.0.0.1/$repo_port") 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || die "Argo CD's repo-server did not listen within 60 s (log: $d/repo-server.log)"
    for f in redis repo-server application-controller; do
      kill -0 "$(cat "$d/$f.pid")" 2>/dev/null || die "Argo CD's $f exited at start (log: $d/$f.log)"
    done
    sleep 0.2
  done
}

argocd_down() {
  local d; d=$(argocd_dir)
  [ -d "$d" ] || return 0
  local f pid
  for f in "$d"/*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f"); kill "$pid" 2>/dev/null || true
  done
  local deadline=$((SECONDS + 15))
  for f in "$d"/*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}

# The Git repository Argo CD syncs from: a clone of this working tree (uncommitted changes
# included) at $state/repo, branch main, whose argocd/settings.env names it as REPO_URL (file://).
gitops_repo() {
  local repo=$state/repo
  rm -rf "$repo"; mkdir -p "$repo"
  (cd "$root" && git ls-files -z --cached --others --exclude-standard) |
    while IFS= read -r -d '' f; do
      [ -e "$root/$f" ] || continue  # deleted in the working tree
      mkdir -p "$repo/$(dirname "$f")"; cp -p "$root/$f" "$repo/$f"
    done
  sed -i "s|^REPO_URL=.*|REPO_URL=file://$repo|" "$repo/argocd/settings.env"
  git -C "$repo" init -q -b main
  git -C "$repo" add -A
  git -C "$repo" -c user.name=local-cluster -c user.email=local-cluster@localhost \
    commit -q -m "The working tree of $root"
}

# A release into the clone, as `make release` makes one for GKE: both images built from the clone
# by Jib on the offline base image (tools/e2e/base-image), pushed to the node's registry on
# loopback, pinned by tag and digest in the clone's clusters/asm-ready by tools/cluster/cluster's
# own release, and committed. Argo CD then deploys the same bytes the registry holds.
gitops_release() {
  local repo=$state/repo registry log=$state/release.log
  registry=$(cat "$(node_dir)/registry/address")
  [ -f "$state/base-image.tar" ] || "$root/tools/e2e/base-image" "$state/base-image.tar" >"$log" 2>&1 ||
    { sed 's/^/  /' "$log" | tail -n 15 >&2; die "could not build the offline base image (log: $log)"; }
  (
    cd "$repo"
    # Jib speaks plain HTTP to the loopback registry only because it is told so here.
    REGISTRY=$registry/asm-ready BASE_IMAGE=tar://$state/base-image.tar AOT=0 \
      MAVEN_ARGS="-Djib.allowInsecureRegistries=true" tools/cluster/cluster release
    git add clusters/asm-ready/kustomization.yaml
    git -c user.name=local-cluster -c user.email=local-cluster@localhost \
      commit -q -m "Release the working tree's images to the local cluster's registry"
  ) >>"$log" 2>&1 || { sed 's/^/  /' "$log" | tail -n 20 >&2; die "the release into the local clone failed (log: $log)"; }
}

# argocd/ applied by tools/cluster/cluster's own function (the clone's copy), as make cluster does.
gitops_apply() {
  (
    export KCTX KUBECONFIG=$kubeconfig PATH="$bin:$PATH"
    KCTX=$(kubectl config current-context)
    # shellcheck disable=SC1091
    source "$state/repo/tools/cluster/cluster"
    apply_argocd_objects
  ) >"$state/argocd/apply.log" 2>&1 || { sed 's/^/  /' "$state/argocd/apply.log" >&2; die "applying argocd/ failed"; }
}
