# The inner loop for real: `skaffold build`, `skaffold render` and `make dev` (skaffold dev) against
# the local cluster's real node, with Jib pushing both images to the cluster's registry on loopback
# (the env file names it to Skaffold as SKAFFOLD_DEFAULT_REPO) and no Docker daemon (DOCKER_HOST
# points at a socket that does not exist, so any Docker API call would fail). Jib's base is the
# offline jlink'd image (tools/e2e/base-image) as tar://, given to the Maven that Skaffold runs
# through MAVEN_ARGS. Everything runs in a copy of this working tree (never the tree itself): the
# source edit that triggers a rebuild happens there. Prints one edit -> served cycle of `make dev`
# and `make run`'s restart (Ctrl-C, start, first 200) for comparison.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
  [ "$(id -u)" -eq 0 ] || skip "the inner loop runs on the real node, which needs root (uid $(id -u) here)"
  export COPY=$BATS_FILE_TMPDIR/repo
  LOCAL_CLUSTER_RUNTIME=node LOCAL_CLUSTER_SYNC=none LOCAL_CLUSTER_CRDS=none start_cluster || return 1
  command -v skaffold >/dev/null || { echo "skaffold is not among the built tools (tools/gotools/build skaffold)" >&2; return 1; }
  export REGISTRY=$LOCAL_CLUSTER_REGISTRY
  copy_tree "$COPY" || return 1
  BASE=$("$COPY/tools/e2e/base-image" "$BATS_FILE_TMPDIR/base-image.tar") || return 1
  export BASE
  # What every skaffold run here gets: the offline base for Jib (Maven 3.9 reads MAVEN_ARGS), no
  # Docker daemon and no update check. The registry comes from the cluster's env file.
  export MAVEN_ARGS="-Djib.from.image=tar://$BASE"
  export DOCKER_HOST=unix://$BATS_FILE_TMPDIR/no-docker-daemon.sock
  export SKAFFOLD_UPDATE_CHECK=false
  export DEV_LOG=$BATS_FILE_TMPDIR/make-dev.log DEV_PID=$BATS_FILE_TMPDIR/make-dev.pid
  export RUN_LOG=$BATS_FILE_TMPDIR/make-run.log RUN_PID=$BATS_FILE_TMPDIR/make-run.pid
}

# stop_group PIDFILE: Ctrl-C to the process group start_session started (make and all it runs), then,
# if still alive after 60 s, SIGKILL to the group.
stop_group() {
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -INT -- "-$pid" 2>/dev/null || true
    wait_for 60 group_gone "$pid" 2>/dev/null || kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}
group_gone() { ! pgrep -g "$1" >/dev/null; }

# start_session PIDFILE LOG COMMAND...: COMMAND in a session of its own with SIGINT deliverable
# (asm::proc::session), so that stop_group and the tests reach all it starts through its process
# group, appending to LOG. fd 3 closed, or bats would wait for it.
start_session() {
  local pidfile=$1 log=$2; shift 2
  asm::proc::session "$@" >>"$log" 2>&1 3>&-
  echo $! >"$pidfile"
}

teardown_file() {
  stop_group "$DEV_PID"
  stop_group "$RUN_PID"
  stop_cluster
}

image_of() { # NAMESPACE DEPLOYMENT: the image of its first container
  kubectl -n "$1" get deployment "$2" -o jsonpath='{.spec.template.spec.containers[0].image}'
}
# A reference the registry holds: REGISTRY/NAME[:TAG]@sha256:DIGEST whose manifest it serves.
in_registry() { # IMAGE-REF NAME
  local ref=$1 name=$2 digest re
  re="^$REGISTRY/$name(:[A-Za-z0-9._-]+)?@(sha256:[0-9a-f]{64})\$"
  [[ $ref =~ $re ]] ||
    { echo "not $REGISTRY/${name}[:tag]@sha256:...: $ref" >&2; return 1; }
  digest=${BASH_REMATCH[2]}
  curl -fsS -o /dev/null -I \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://$REGISTRY/v2/$name/manifests/$digest"
}
log_has() { grep -q -- "$2" "$1"; }
# refute COMMAND...: fails when COMMAND succeeds (a bare `! cmd` does not fail a bats test).
refute() { if "$@"; then echo "unexpectedly true: $*" >&2; return 1; fi; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
namespace_gone() { ! kubectl get namespace "$1" >/dev/null 2>&1; }

@test "skaffold build: Jib pushes both images to the loopback registry, without a Docker daemon or unit tests" {
  cd "$COPY"
  # No --skip-tests: skaffold.yaml's Jib artifacts skip the unit tests themselves.
  run bash -c "JAVA_HOME=\$(tools/find-jdk) skaffold build --verbosity=debug --file-output=$BATS_FILE_TMPDIR/build.json >$BATS_FILE_TMPDIR/build.log 2>&1"
  [ "$status" -eq 0 ] || { tail -n 40 "$BATS_FILE_TMPDIR/build.log"; false; }
  for name in helloserver loadgen; do
    ref=$(jq -r --arg n "$name" '.builds[] | select(.imageName == $n) | .tag' "$BATS_FILE_TMPDIR/build.json")
    echo "$name -> $ref"
    in_registry "$ref" "$name"
  done
  # Skaffold's Maven command (its debug log names it): Jib's registry goal, the tests skipped
  # (surefire says so per module), insecure only because the registry was named so.
  for project in apps/server apps/loadgen; do
    grep -E "Running command: \[.*mvnw .*-Dmaven.test.skip=true .*--projects $project --also-make .*package jib:build -Djib.containerize=$project -Djib.allowInsecureRegistries=true" \
      "$BATS_FILE_TMPDIR/build.log"
  done
  log_has "$BATS_FILE_TMPDIR/build.log" "Tests are skipped."
  refute log_has "$BATS_FILE_TMPDIR/build.log" "Tests run:"
}

@test "skaffold render: clusters/dev into asm-ready-dev, with the images just built" {
  cd "$COPY"
  [ -f "$BATS_FILE_TMPDIR/build.json" ] || skip "needs the build of the test before"
  run bash -c "skaffold render --build-artifacts=$BATS_FILE_TMPDIR/build.json --offline=true 2>$BATS_FILE_TMPDIR/render.err"
  [ "$status" -eq 0 ] || { cat "$BATS_FILE_TMPDIR/render.err"; false; }
  rendered=$output
  objects() { kubectl create --dry-run=client -o json -f - | jq -r 'if .kind == "List" then .items[] else . end | "\(.kind)/\(.metadata.namespace // "-")/\(.metadata.name)"' | sort; }
  # The same objects as clusters/dev, all in asm-ready-dev (the Namespace itself aside).
  [ "$(objects <<<"$rendered")" = "$(render "$COPY/clusters/dev" | objects)" ]
  [ -z "$(objects <<<"$rendered" | grep -v '^Namespace/' | grep -v '/asm-ready-dev/' || true)" ]
  images=$(kubectl create --dry-run=client -o json -f - <<<"$rendered" |
    jq -r 'if .kind == "List" then .items[] else . end | select(.kind == "Deployment")
           | "\(.metadata.name) \(.spec.template.spec.containers[0].image)"' | sort)
  echo "$images"
  for pair in "helloserver helloserver" "loadgenerator loadgen"; do
    read -r deployment name <<<"$pair"
    ref=$(awk -v d="$deployment" '$1 == d {print $2}' <<<"$images")
    [ "$ref" = "$(jq -r --arg n "$name" '.builds[] | select(.imageName == $n) | .tag' "$BATS_FILE_TMPDIR/build.json")" ]
    in_registry "$ref" "$name"
  done
}

# The local port Skaffold forwards hellosvc to: 8080 as skaffold.yaml asks, or the next free one
# when something else on this machine holds 8080 (Skaffold says which in its log).
forwarded_port() {
  sed -n 's|.*Port forwarding service/hellosvc in namespace asm-ready-dev, remote port 80 -> http://127.0.0.1:\([0-9]*\).*|\1|p' "$DEV_LOG" | tail -n 1
}
served() { # BODY: the forward answers GET /skaffold with exactly BODY
  local port; port=$(forwarded_port)
  [ -n "$port" ] && [ "$(curl -fsS --max-time 2 "http://127.0.0.1:$port/skaffold" 2>/dev/null)" = "$1" ]
}

@test "make dev: deploys into asm-ready-dev, waits for real readiness and forwards localhost to hellosvc" {
  cd "$COPY"
  # The README's command, in its own session so that Ctrl-C can be sent to it as a terminal would.
  start_session "$DEV_PID" "$DEV_LOG" make dev
  wait_for 400 log_has "$DEV_LOG" "Watching for changes" || { tail -n 40 "$DEV_LOG"; false; }
  log_has "$DEV_LOG" "Deployments stabilized"
  refute log_has "$DEV_LOG" "Tests run:"
  kubectl -n asm-ready-dev wait --for=condition=Ready pod -l app=helloserver --timeout=10s
  in_registry "$(image_of asm-ready-dev helloserver)" helloserver
  in_registry "$(image_of asm-ready-dev loadgenerator)" loadgen
  wait_for 60 served "Hello World! /skaffold" || { tail -n 20 "$DEV_LOG"; false; }
  echo "# make dev forwards hellosvc to 127.0.0.1:$(forwarded_port)" >&3
  # Both pods' logs stream into make dev's output: loadgen's per-second line, helloserver's requests.
  wait_for 60 log_has "$DEV_LOG" "request(s) complete to http://hellosvc"
  wait_for 60 log_has "$DEV_LOG" "asm-ready-loadgen"
  # Nothing of it went to the namespace Argo CD owns.
  refute kubectl get namespace asm-ready
}

@test "make dev: an edit to the greeting is rebuilt (no unit tests), redeployed and served through the same forward" {
  [ -f "$DEV_PID" ] && kill -0 "$(cat "$DEV_PID")" || skip "needs make dev from the test before"
  cd "$COPY"
  old_loadgen=$(image_of asm-ready-dev loadgenerator)
  port=$(forwarded_port)
  before=$(wc -l <"$DEV_LOG")
  # Where the time goes: when each of Skaffold's own lines first appears after the save.
  declare -A seen=()
  local markers=("Building [helloserver]" "Build [helloserver] succeeded" "Starting deploy" "Deployments stabilized")
  record_and_served() {
    local m new
    new=$(tail -n +"$((before + 1))" "$DEV_LOG")
    for m in "${markers[@]}"; do
      [ -n "${seen[$m]:-}" ] || ! grep -qF -- "$m" <<<"$new" || seen[$m]=$(now_ms)
    done
    served "Hello, edited World! /skaffold"
  }
  at() { if [ -n "${seen[$1]:-}" ]; then echo "$((seen[$1] - start)) ms"; else echo "-"; fi; }
  start=$(now_ms)
  sed -i 's/"Hello World! "/"Hello, edited World! "/' apps/server/src/main/java/io/asmready/server/hello/HelloService.java
  ASM_WAIT_INTERVAL=0.1 wait_for 400 record_and_served || { tail -n 40 "$DEV_LOG"; false; }
  cycle=$(($(now_ms) - start))
  echo "# make dev: save -> new body through the forward: ${cycle} ms" >&3
  echo "#   after the save: build starts $(at "Building [helloserver]"), helloserver built and pushed $(at "Build [helloserver] succeeded"), deploy $(at "Starting deploy"), pods ready $(at "Deployments stabilized"), served ${cycle} ms" >&3
  [ "$(forwarded_port)" = "$port" ]
  in_registry "$(image_of asm-ready-dev helloserver)" helloserver
  # loadgen does not depend on helloserver when tests are skipped, so only helloserver is rebuilt,
  # and loadgen's image stays the same.
  [ "${old_loadgen##*@}" = "$(image_of asm-ready-dev loadgenerator | sed 's/.*@//')" ]
  rebuild=$(tail -n +"$((before + 1))" "$DEV_LOG")
  grep -q "Building \[helloserver\]" <<<"$rebuild"
  refute grep -q "Building \[loadgen\]" <<<"$rebuild"
  grep -q "Tests are skipped." <<<"$rebuild"
  refute grep -q "Tests run:" <<<"$rebuild"
}

@test "make dev: Ctrl-C removes everything it deployed" {
  [ -f "$DEV_PID" ] && kill -0 "$(cat "$DEV_PID")" || skip "needs make dev from the test before"
  pid=$(cat "$DEV_PID")
  kill -INT -- "-$pid"
  wait_for 120 group_gone "$pid" || { tail -n 20 "$DEV_LOG"; false; }
  rm -f "$DEV_PID"
  log_has "$DEV_LOG" "Cleaning up"
  wait_for 120 namespace_gone asm-ready-dev
  run kubectl get deployments,services,serviceaccounts -A -o name -l 'app in (helloserver,loadgenerator)'
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  # Its containers are gone from the node too.
  no_app_containers() {
    ! ctr --address "$LOCAL_CLUSTER_DIR/node/containerd/containerd.sock" -n k8s.io containers list |
      grep -Eq '/(helloserver|loadgen)[:@]'
  }
  wait_for 60 no_app_containers
}

@test "make run: restart after an edit (Ctrl-C, start, first 200), for comparison" {
  cd "$COPY"
  port=$(free_port) admin=$(free_port) loadgen=$(free_port)
  start_run() { start_session "$RUN_PID" "$RUN_LOG" env PORT="$port" ADMIN_PORT="$admin" LOADGEN_PORT="$loadgen" make run; }
  ok() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/" 2>/dev/null; }
  start_run
  wait_for 400 ok || { tail -n 40 "$RUN_LOG"; false; }
  printf 'package io.asmready.server;\n\nfinal class SkaffoldEdit {\n    static final String STAMP = "%s";\n}\n' "run-$(now_ms)" \
    >apps/server/src/main/java/io/asmready/server/SkaffoldEdit.java
  start=$(now_ms)
  pid=$(cat "$RUN_PID")
  kill -INT -- "-$pid"
  wait_for 60 group_gone "$pid"
  stopped=$(($(now_ms) - start))
  start_run
  wait_for 400 ok || { tail -n 40 "$RUN_LOG"; false; }
  restart=$(($(now_ms) - start))
  echo "# make run after an edit: Ctrl-C -> stopped in ${stopped} ms; Ctrl-C + make run (build, start) -> first 200: ${restart} ms" >&3
  # The same without an edit.
  start=$(now_ms)
  pid=$(cat "$RUN_PID")
  kill -INT -- "-$pid"
  wait_for 60 group_gone "$pid"
  start_run
  wait_for 400 ok || { tail -n 40 "$RUN_LOG"; false; }
  echo "# make run, no edit: Ctrl-C + make run -> first 200: $(($(now_ms) - start)) ms" >&3
  stop_group "$RUN_PID"
}
