# make local-cluster / make local-clean as a user meets them: the env file, a refusal when one runs
# or its port is taken, nothing left behind by local-clean, nor by Ctrl-C in the middle of start-up.

load helpers

setup() {
  export LOCAL_CLUSTER_NAME=asm-ready-life-$$
  LOCAL_CLUSTER_PORT=$(free_port)
  export LOCAL_CLUSTER_PORT
  export LOCAL_CLUSTER_DIR=$BATS_TEST_TMPDIR/cluster
  export LOCAL_CLUSTER_SYNC=none
}

teardown() { stop_cluster; }

# The processes of this cluster: every component runs from (or with config under) its state folder,
# Argo CD's and Redis by the pid files there.
leftovers() {
  pgrep -af -- "$LOCAL_CLUSTER_DIR/" || true
  local f
  for f in "$LOCAL_CLUSTER_DIR"/argocd/*.pid; do
    [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && echo "still running: ${f##*/}"
  done
  return 0
}

@test "up prints an env file: the real server version, the built tools first on PATH" {
  run "$LC" up
  [ "$status" -eq 0 ]
  envfile=${lines[-1]}
  [ -f "$envfile" ]
  (
    # shellcheck source=/dev/null  # the env file this run wrote
    source "$envfile"
    [ "$(command -v kubectl)" = "$(dirname "$(command -v istioctl)")/kubectl" ]
    command -v argocd kustomize istioctl
    kubectl version -o json | jq -e '.serverVersion.gitVersion | startswith("v1.36.")'
    kubectl get nodes -o name | grep -q node
  )
}

@test "a second up refuses with one line while the cluster runs" {
  "$LC" up >/dev/null
  run "$LC" up
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ $output == *"is already running"*"make local-clean"* ]]
}

@test "a taken port: one line, nothing started" {
  python3 -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(60)' "$LOCAL_CLUSTER_PORT" &
  holder=$!
  wait_for 10 asm::net::port_taken "$LOCAL_CLUSTER_PORT"
  run "$LC" up
  kill "$holder"
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ $output == *"port $LOCAL_CLUSTER_PORT is taken"* ]]
  [ -z "$(leftovers)" ]
}

@test "local-clean stops every process and removes all state" {
  "$LC" up >/dev/null
  [ -n "$(leftovers)" ]
  run "$LC" down
  [ "$status" -eq 0 ]
  [ -z "$(leftovers)" ] || { leftovers; false; }
  [ ! -e "$LOCAL_CLUSTER_DIR" ]
}

@test "Ctrl-C halfway through start-up leaves no process and no state" {
  # The start in a process group of its own with SIGINT deliverable, as a terminal's foreground job.
  asm::proc::session "$LC" up >"$BATS_TEST_TMPDIR/up.log" 2>&1 3>&-
  up=$!
  # Halfway: the API server runs, the rest is still starting.
  wait_for 60 apiserver_started
  kill -INT -- "-$up"  # what Ctrl-C sends: the whole foreground process group
  wait_for 60 asm::proc::ended "$up"
  cat "$BATS_TEST_TMPDIR/up.log"
  grep -q 'interrupted: stopping what was started' "$BATS_TEST_TMPDIR/up.log"
  [ -z "$(leftovers)" ] || { leftovers; false; }
  [ ! -e "$LOCAL_CLUSTER_DIR" ]
}

apiserver_started() { pgrep -f -- "$LOCAL_CLUSTER_DIR/.*kube-apiserver" >/dev/null || pgrep -f -- "kube-apiserver.*$LOCAL_CLUSTER_DIR/" >/dev/null; }
