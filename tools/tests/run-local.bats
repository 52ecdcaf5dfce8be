#!/usr/bin/env bats
# tools/run-local (`make run`) the way a user meets it: both services start from the built jars,
# traffic flows, the ports are printed, health and metrics answer on the admin ports (not on the
# public one), Ctrl-C stops them with loadgen's summary and leaves nothing running; a port already in
# use (public or admin) is one clear error line. And tools/aot-cache: both JVMs start from a cache
# trained for these jars, a rebuilt jar is never started with an old cache, AOT=0 switches it off.
# Needs the jars (run after `tools/mvn verify` or `make build`). Loopback ports only, chosen free per
# run, so it never clashes with a `make run` on 8080. The tests run in order and share one run.

bats_require_minimum_version 1.5.0

# Per wait: the first run after a build trains the AOT caches (15-30 s on a loaded 2-core machine).
WAIT_SECONDS=90

setup_file() {
  # shellcheck source=../lib/lib.bash
  source "$BATS_TEST_DIRNAME/../lib/lib.bash"
  local jar
  for jar in apps/server/target/helloserver.jar apps/loadgen/target/loadgen.jar; do
    [[ -f $ASM_ROOT/$jar ]] || { echo "$jar not found; build first: tools/mvn -q package -DskipTests" >&2; return 1; }
  done
  export ROOT=$ASM_ROOT RUN_LOCAL=$ASM_ROOT/tools/run-local OUT=$BATS_FILE_TMPDIR/both.out
  # Three consecutive ports each (helloserver, its admin server, loadgen's admin server).
  PORT=$(asm::net::spare_port 3) && OTHER=$(asm::net::spare_port 3) && TAKEN=$(asm::net::spare_port 2) || return 1
  export PORT ADMIN=$((PORT + 1)) LOADGEN=$((PORT + 2)) OTHER TAKEN TAKEN_ADMIN=$((TAKEN + 1))
  READY_PATH=$(asm::settings::pom asmready.health.ready) METRICS_PATH=$(asm::settings::pom asmready.metrics.path)
  export READY_PATH METRICS_PATH
  # The run in a process group of its own, as a terminal puts a foreground job, with SIGINT
  # deliverable whatever the caller ignores. The group's leader is a shell that waits for run-local
  # and keeps its exit status for the tests.
  # shellcheck disable=SC2016  # the inner shell expands $1 and $2
  PORT=$PORT ADMIN_PORT=$ADMIN LOADGEN_PORT=$LOADGEN RPS=5 \
    asm::proc::session bash -c '"$1" both; echo $? >"$2"' run-local-group "$RUN_LOCAL" "$BATS_FILE_TMPDIR/both.status" \
    >"$OUT" 2>&1 </dev/null 3>&-
  export GROUP=$!
}

teardown_file() {
  # Only what these tests started: the run's process group and the port's occupant, by id.
  kill -KILL -- "-$GROUP" 2>/dev/null || true
  if [[ -s $BATS_FILE_TMPDIR/occupant.pid ]]; then kill -KILL "$(cat "$BATS_FILE_TMPDIR/occupant.pid")" 2>/dev/null || true; fi
}

setup() {
  # shellcheck source=../lib/lib.bash
  source "$BATS_TEST_DIRNAME/../lib/lib.bash"
  asm::log::name run-local.bats
}

teardown() {
  # A failed test shows the end of the run's output.
  [[ -n ${BATS_TEST_COMPLETED:-} ]] || sed 's/^/    | /' "$OUT" | tail -n 30
}

# GET over bash's /dev/tcp (no curl needed): prints the status line, then the body, of 127.0.0.1:$1$2,
# read until the server closes (helloserver does after Connection: close) or for at most 5 s.
http_get() { # port path
  (
    exec 2>/dev/null 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$2" >&3
    timeout 5 cat <&3 | tr -d '\r' | sed -n '1p; /^$/,$p' | sed '/^$/d'
  ) || true
}
answers() { # port path extended-regex: true when the answer (status line and body) has a matching line
  local got
  got=$(http_get "$1" "$2")
  grep -Eq "$3" <<<"$got"
}

# From /proc rather than ps, which a minimal machine may lack. The command name in field 2 of
# /proc/PID/stat may hold spaces; the fields after its closing ")" do not.
proc_fields() { local stat; stat=$(cat "/proc/$1/stat" 2>/dev/null) && printf '%s\n' "${stat##*) }"; } # state ppid pgrp ...
proc_args() { tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline"; }
group_pids() { # pids in process group $1
  local dir f pgrp
  for dir in /proc/[0-9]*; do
    f=$(proc_fields "${dir#/proc/}") || continue
    read -r _ _ pgrp _ <<<"$f"
    [[ $pgrp == "$1" ]] && echo "${dir#/proc/}"
  done
  return 0
}
java_pids() { # the helloserver and loadgen processes of the run's group
  local pid
  for pid in $(group_pids "$GROUP"); do
    case $(proc_args "$pid") in *helloserver.jar* | *loadgen.jar*) echo "$pid" ;; esac
  done
}
none_alive() { # pids...: true when none of them runs any more
  local pid
  for pid in "$@"; do
    if asm::proc::alive "$pid"; then
      echo "    still running: $pid $(proc_args "$pid" | cut -c1-120)" >&2
      return 1
    fi
  done
}
aot_flag() { "$ROOT/tools/aot-cache" flag server; }

# --- make run, then Ctrl-C ---------------------------------------------------------------------

@test "both services start and loadgen reports completed requests" {
  asm::wait::log "$OUT" '^\[loadgen\] [1-9][0-9]* request\(s\) complete to http://localhost:'"$PORT"'/' "$WAIT_SECONDS" "$GROUP"
}

@test "helloserver logs the requests it serves" {
  asm::wait::log "$OUT" '^\[server\] .* io\.asmready\.server\.requests: ' "$WAIT_SECONDS" "$GROUP"
}

@test "run-local prints the three ports (hello, health and metrics, loadgen's)" {
  grep -Eq "^run-local: helloserver http://localhost:$PORT/ \(health and metrics http://localhost:$ADMIN/observe/\), loadgen's health and metrics http://localhost:$LOADGEN/observe/\$" "$OUT"
}

@test "helloserver's start-up line names both of its ports" {
  grep -Eq "^\[server\] .*Starting server\.\.\. listening on http://[^ ]*:$PORT/, health and metrics on http://[^ ]*:$ADMIN/observe/ " "$OUT"
}

@test "helloserver is ready on its admin port" {
  answers "$ADMIN" "$READY_PATH" '^HTTP/1\.1 200'
}

@test "... and its metrics there count the loadgen's requests" {
  answers "$ADMIN" "$METRICS_PATH" '^hello_requests_total\{code="200".* [1-9][0-9.]*$'
}

@test "the public port answers the metrics path like any path (metrics are not public)" {
  answers "$PORT" "$METRICS_PATH" "^Hello World! $METRICS_PATH\$"
}

@test "loadgen's health and metrics answer on its admin port" {
  asm::net::http_ok "$LOADGEN" "$METRICS_PATH" 5
}

@test "the run's process group holds helloserver and loadgen (2 java processes)" {
  run java_pids
  [ "${#lines[@]}" -eq 2 ]
}

# JDK 25+: both JVMs start from the AOT cache the run trained, and say nothing about it.
@test "both JVMs start from their AOT cache" {
  [[ -n $(aot_flag) ]] || skip "no AOT cache (JDK older than 25, or AOT=0)"
  local pid
  for pid in $(java_pids); do
    [[ $(proc_args "$pid") == *-XX:AOTCache=*.aot\ * ]]
  done
  echo "# helloserver: $(sed -n 's/.*(request log .*, \(serving [0-9]* ms after JVM start\)).*/\1/p' "$OUT" | head -n 1) (AOT cache)" >&3
}

@test "... and log no AOT warning or error" {
  [[ -n $(aot_flag) ]] || skip "no AOT cache (JDK older than 25, or AOT=0)"
  run ! grep -E '\[(warning|error)\]\[aot' "$OUT"
}

@test "Ctrl-C stops tools/run-local with exit status 0" {
  group_pids "$GROUP" >"$BATS_FILE_TMPDIR/started"
  # Ctrl-C: the terminal sends SIGINT to the whole foreground process group.
  kill -INT -- "-$GROUP"
  asm::wait::until "$WAIT_SECONDS" "tools/run-local to stop after Ctrl-C" asm::proc::ended "$GROUP"
  asm::wait::until 5 "the run's exit status" test -s "$BATS_FILE_TMPDIR/both.status"
  [ "$(cat "$BATS_FILE_TMPDIR/both.status")" = 0 ]
}

@test "loadgen's summary is printed with failed=0" {
  grep -Eq '^\[loadgen\] Summary: sent=[1-9][0-9]* completed=[1-9][0-9]* failed=0 ' "$OUT"
}

@test "no process it started is left (helloserver, loadgen, prefixing readers)" {
  # shellcheck disable=SC2046 # one pid per word
  none_alive $(cat "$BATS_FILE_TMPDIR/started")
}

@test "its process group is empty" {
  [ -z "$(group_pids "$GROUP")" ]
}

# --- the AOT cache follows the build ---------------------------------------------------------------

@test "a rebuilt jar makes its AOT cache stale; the same jar finds it fresh again; AOT=0 starts without it" {
  local fresh
  fresh=$(aot_flag)
  [[ -n $fresh ]] || skip "no AOT cache (JDK older than 25, or AOT=0)"
  local jar=$ROOT/apps/server/target/helloserver.jar
  touch -r "$jar" "$BATS_TEST_TMPDIR/jar-time"
  touch "$jar"
  local stale
  stale=$(aot_flag)
  touch -r "$BATS_TEST_TMPDIR/jar-time" "$jar"
  [ -z "$stale" ]
  [ "$(aot_flag)" = "$fresh" ]
  [ -z "$(AOT=0 "$ROOT/tools/aot-cache" flag server)" ]
}

# --- a port is taken -----------------------------------------------------------------------------

occupied() { answers "$TAKEN_ADMIN" "$READY_PATH" '^HTTP/1\.1 200'; } # true when the occupant is ready

@test "the ports' occupant (a helloserver of our own) serves, from its AOT cache when there is one, without training again" {
  # The occupant: a helloserver (java itself, by exec), like a `make run` left running, on both the
  # public and the admin port. With a cache, AOTMode=on makes a cache the JVM cannot use a failed
  # start instead of a slow one.
  local options=''
  [[ -z $(aot_flag) ]] || options=-XX:AOTMode=on
  JDK_JAVA_OPTIONS=$options PORT=$TAKEN ADMIN_PORT=$TAKEN_ADMIN "$RUN_LOCAL" server \
    >"$BATS_FILE_TMPDIR/occupant.out" 2>&1 </dev/null 3>&- &
  local pid=$!
  echo "$pid" >"$BATS_FILE_TMPDIR/occupant.pid"
  ready_or_gone() { occupied || ! asm::proc::alive "$pid"; }
  asm::wait::until "$WAIT_SECONDS" "the occupant (JDK_JAVA_OPTIONS=$options)" ready_or_gone || true
  if ! occupied; then
    cat "$BATS_FILE_TMPDIR/occupant.out"
    return 1
  fi
  run ! grep 'aot-cache: training' "$BATS_FILE_TMPDIR/occupant.out"
}

# Runs `run-local both` with variable $1 set to the occupied port $2, the other ports free.
run_with_taken() {
  set -m
  env PORT="$OTHER" ADMIN_PORT=$((OTHER + 1)) LOADGEN_PORT=$((OTHER + 2)) "$1=$2" \
    "$RUN_LOCAL" both >"$BATS_TEST_TMPDIR/taken.out" 2>"$BATS_TEST_TMPDIR/taken.err" </dev/null 3>&- &
  local group=$!
  set +m
  status=0
  if asm::wait::until "$WAIT_SECONDS" "run-local to give up" asm::proc::ended "$group"; then
    wait "$group" || status=$?
  else
    status=timeout
  fi
  left=$(group_pids "$group")
  kill -KILL -- "-$group" 2>/dev/null || true
}

taken_port_fails_clearly() { # VARIABLE PORT
  occupied
  run_with_taken "$1" "$2"
  echo "exit status $status; stderr: $(cat "$BATS_TEST_TMPDIR/taken.err")"
  # A non-zero exit; one line on stderr naming the port and its variable, nothing on stdout (no
  # service started); no helloserver or loadgen left running.
  [[ $status != 0 && $status != timeout ]]
  [ "$(wc -l <"$BATS_TEST_TMPDIR/taken.err")" -eq 1 ]
  [ ! -s "$BATS_TEST_TMPDIR/taken.out" ]
  grep -qF "port $2 " "$BATS_TEST_TMPDIR/taken.err"
  grep -qF "$1=" "$BATS_TEST_TMPDIR/taken.err"
  [ -z "$left" ]
}

@test "a taken PORT fails with a non-zero exit and one error line naming the port, leaving nothing running" {
  taken_port_fails_clearly PORT "$TAKEN"
}

@test "a taken ADMIN_PORT fails with a non-zero exit and one error line naming the port, leaving nothing running" {
  taken_port_fails_clearly ADMIN_PORT "$TAKEN_ADMIN"
}

@test "... and the ports' occupant still serves" {
  occupied
  local pid
  pid=$(cat "$BATS_FILE_TMPDIR/occupant.pid")
  kill -TERM "$pid"
  asm::wait::until "$WAIT_SECONDS" "the occupant to stop" asm::proc::ended "$pid" || kill -KILL "$pid" 2>/dev/null || true
}
