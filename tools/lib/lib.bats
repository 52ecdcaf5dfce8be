#!/usr/bin/env bats
# tools/lib/lib.bash: each helper's promise, as the scripts rely on it.

bats_require_minimum_version 1.5.0

setup() {
  # shellcheck source=tools/lib/lib.bash
  source "$BATS_TEST_DIRNAME/lib.bash"
  asm::log::name libtest
}

@test "die ends the caller with one prefixed line on stderr" {
  run bash -c "source '$BATS_TEST_DIRNAME/lib.bash'; asm::log::name x; asm::log::die 'no runc'; echo after"
  [ "$status" -eq 1 ]
  [ "$output" = "x: error: no runc" ]
}

@test "wait::until returns as soon as the condition holds, and names what timed out" {
  touch "$BATS_TEST_TMPDIR/flag"
  asm::wait::until 5 "flag" test -f "$BATS_TEST_TMPDIR/flag"
  run asm::wait::until 1 "the flag file" test -f "$BATS_TEST_TMPDIR/missing"
  [ "$status" -eq 1 ]
  [[ $output == *"timed out after 1 s: the flag file"* ]]
}

@test "wait::log stops waiting when the watched process ends without the line" {
  bash -c 'echo starting' >"$BATS_TEST_TMPDIR/log" &
  local pid=$!
  wait "$pid"
  SECONDS=0
  run asm::wait::log "$BATS_TEST_TMPDIR/log" 'started' 30 "$pid"
  [ "$status" -ne 0 ]
  [ "$SECONDS" -lt 5 ]
  asm::wait::log "$BATS_TEST_TMPDIR/log" '^starting$' 1
}

@test "free_port gives a port nothing listens on; port_taken sees a listener" {
  local port
  port=$(asm::net::free_port)
  [[ $port =~ ^[0-9]+$ ]]
  run ! asm::net::port_taken "$port"
  python3 -c "import socket,time; s=socket.socket(); s.bind(('127.0.0.1',$port)); s.listen(); time.sleep(30)" &
  local pid=$!
  asm::wait::until 10 "a listener on $port" asm::net::port_taken "$port"
  kill "$pid"
}

@test "proc::stop ends a process that ignores SIGTERM within its grace, and removes the pid file" {
  asm::proc::start "$BATS_TEST_TMPDIR/p.pid" "$BATS_TEST_TMPDIR/p.log" bash -c 'trap "" TERM; while :; do sleep 0.1; done'
  local pid
  pid=$(cat "$BATS_TEST_TMPDIR/p.pid")
  asm::proc::alive "$pid"
  asm::proc::stop "$BATS_TEST_TMPDIR/p.pid" 1
  run ! asm::proc::alive "$pid"
  [ ! -f "$BATS_TEST_TMPDIR/p.pid" ]
}

@test "report counts checks and its summary line fails when one failed" {
  run bash -c "source '$BATS_TEST_DIRNAME/lib.bash'; asm::report::check one true; asm::report::check two false; asm::report::summary suite"
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "ok   one" ]
  [ "${lines[1]}" = "FAIL two" ]
  [ "${lines[2]}" = "suite: 1 passed, 1 failed" ]
}

@test "settings read the root pom.xml and argocd/settings.env, and name a missing key" {
  [[ $(asm::settings::pom asmready.http.port) =~ ^[0-9]+$ ]]
  [[ $(asm::settings::argocd REPO_URL) == https://* ]]
  run asm::settings::pom asmready.no.such
  [ "$status" -eq 1 ]
  [[ $output == *"<asmready.no.such>"* ]]
}

@test "jdk::feature_version reads a java's release" {
  local v
  v=$(asm::jdk::feature_version "$(command -v java)")
  [[ $v =~ ^[0-9]+$ ]]
}

@test "gcp::project prefers PROJECT_ID and is false, silently, with no project at all" {
  PROJECT_ID=p1 run asm::gcp::project
  [ "$output" = p1 ]
  PATH=/nonexistent PROJECT_ID='' run asm::gcp::project
  [ "$status" -eq 1 ]
  [ -z "$output" ]
}

@test "spare_port gives COUNT ports in a row below the ephemeral range, none of them in use" {
  local lo hi port p
  read -r lo hi </proc/sys/net/ipv4/ip_local_port_range
  port=$(asm::net::spare_port 3)
  [[ $port =~ ^[0-9]+$ ]]
  ((port + 2 < lo || port > hi))
  for p in "$port" $((port + 1)) $((port + 2)); do
    if asm::net::port_taken "$p"; then return 1; fi
  done
}

@test "http_status reads a GET's status line; http_ok is true for 200 only" {
  local port
  port=$(asm::net::free_port)
  run ! asm::net::http_status "$port" /
  python3 -c "
import http.server
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == '/ok' else 404); self.end_headers()
    def log_message(self, *a): pass
http.server.HTTPServer(('127.0.0.1', $port), H).serve_forever()" &
  local pid=$!
  asm::wait::until 10 "the test server on $port" asm::net::port_taken "$port"
  [ "$(asm::net::http_status "$port" /ok)" = "HTTP/1.0 200 OK" ]
  asm::net::http_ok "$port" /ok
  run ! asm::net::http_ok "$port" /missing
  kill "$pid"
}

@test "proc::ended counts an unreaped zombie as ended, where alive still sees it" {
  sleep 30 &
  local pid=$!
  run ! asm::proc::ended "$pid"
  kill "$pid"
  asm::wait::until 5 "sleep to end" asm::proc::ended "$pid"
  wait "$pid" || true
  run asm::proc::ended "$pid" # gone from /proc: ended, and silent about it
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  # A parent that never reaps its child: the child stays a zombie.
  coproc parent { python3 -c 'import os, time; p = os.fork(); p or os._exit(0); print(p, flush=True); time.sleep(30)'; }
  local zombie parent_pid=${parent_PID:?}
  read -r zombie <&"${parent[0]}"
  asm::wait::until 5 "the child to end" asm::proc::ended "$zombie"
  asm::proc::alive "$zombie"
  kill "$parent_pid"
  asm::proc::ended ''
}

@test "report::words changes the line words; report::end closes without a label" {
  run bash -c "source '$BATS_TEST_DIRNAME/lib.bash'; asm::report::words PASS: FAIL:; asm::report::pass one; asm::report::fail two; asm::report::end 'quick, 3 s'"
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "PASS: one" ]
  [ "${lines[1]}" = "FAIL: two" ]
  [ "${lines[2]}" = "1 passed, 1 failed (quick, 3 s)" ]
  run bash -c "source '$BATS_TEST_DIRNAME/lib.bash'; asm::report::pass one; asm::report::end"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "ok   one" ]
  [ "${lines[1]}" = "1 passed, 0 failed" ]
}

@test "jdk::home_feature_version reads a JDK home's release file without starting it" {
  mkdir -p "$BATS_TEST_TMPDIR/jdk"
  echo 'JAVA_VERSION="25.0.1"' >"$BATS_TEST_TMPDIR/jdk/release"
  [ "$(asm::jdk::home_feature_version "$BATS_TEST_TMPDIR/jdk")" = 25 ]
  [ -z "$(asm::jdk::home_feature_version "$BATS_TEST_TMPDIR/none")" ]
}

@test "proc::session: a Ctrl-C to its group ends the command even when the caller ignores SIGINT" {
  run bash -c "source '$BATS_TEST_DIRNAME/lib.bash'
    trap '' INT
    asm::proc::session sleep 30
    pid=\$!
    asm::wait::until 10 'sleep to run' grep -qx sleep /proc/\$pid/comm
    kill -INT -- -\$pid
    wait \$pid; echo \$?"
  [ "$status" -eq 0 ]
  [ "${lines[-1]}" = 130 ]
}

@test "settings::pod_limits gives the Deployments' limits as podman flags, and names a file without them" {
  [ "$(asm::settings::pod_limits helloserver)" = "--cpus=0.5 --memory=448m" ]
  [[ $(asm::settings::pod_limits loadgen) =~ ^--cpus=[0-9.]+\ --memory=[0-9]+[kmg]$ ]]
  run asm::settings::pod_limits no-such-app
  [ "$status" -eq 1 ]
  [[ $output == *"clusters/base/no-such-app/deployment.yaml"* ]]
}
