# The project's shell helpers, each written once. A script sources this file and calls the
# functions by their namespaced names (asm::<area>::<verb>):
#
#   source "$(dirname "${BASH_SOURCE[0]}")/../lib/lib.bash"   # path relative to the script
#   asm::log::name my-script                                  # prefix of say/warn/die lines
#
# Areas: log (say, warn, die), wait (until a condition, with a deadline), net (free and taken
# ports, a GET's status line), proc (start in the background with a pid file, alive, ended, stop),
# report (pass/fail lines and the closing "N passed, N failed" line), settings (root pom.xml
# properties, argocd/settings.env), jdk (feature release of a java or of a JDK's home), gcp (the
# project id). Nothing here runs on sourcing but the
# definitions and ASM_ROOT, the repository's top folder.

# shellcheck disable=SC2034  # ASM_ROOT is for the scripts that source this file
ASM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
_asm_log_name=${0##*/}

# --- log: one line to stderr, prefixed with the script's name ---------------------------------
asm::log::name() { _asm_log_name=$1; }
asm::log::say() { printf '%s: %s\n' "$_asm_log_name" "$*" >&2; }
asm::log::warn() { printf '%s: warning: %s\n' "$_asm_log_name" "$*" >&2; }
# Ends the script (or the subshell it runs in) with one line saying what is wrong.
asm::log::die() { printf '%s: error: %s\n' "$_asm_log_name" "$*" >&2; exit 1; }

# --- wait: retry a command until it succeeds or a deadline passes ---------------------------
# asm::wait::until SECONDS WHAT COMMAND...: true once COMMAND succeeds; after SECONDS prints
# "timed out after SECONDS s: WHAT" and returns 1. ASM_WAIT_INTERVAL (0.2 s) between tries.
asm::wait::until() {
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      printf '%s: timed out after %s s: %s\n' "$_asm_log_name" "$seconds" "$what" >&2
      return 1
    fi
    sleep "${ASM_WAIT_INTERVAL:-0.2}"
  done
}

# asm::wait::log FILE REGEX SECONDS [PID]: true once a line of FILE matches the extended REGEX;
# false at the deadline, or as soon as PID (when given) has ended without such a line.
asm::wait::log() {
  local file=$1 regex=$2 seconds=$3 pid=${4:-}
  local deadline=$((SECONDS + seconds))
  until grep -Eq -- "$regex" "$file" 2>/dev/null; do
    if [ -n "$pid" ] && ! asm::proc::alive "$pid"; then grep -Eq -- "$regex" "$file" 2>/dev/null; return; fi
    ((SECONDS < deadline)) || return 1
    sleep "${ASM_WAIT_INTERVAL:-0.2}"
  done
}

# --- net: loopback ports --------------------------------------------------------------------
# A port nothing listens on now, chosen by the kernel on 127.0.0.1.
asm::net::free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# asm::net::port_taken PORT [HOST]: true when something accepts connections there.
asm::net::port_taken() { (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null; }
# asm::net::spare_port [COUNT]: the first of COUNT (1) consecutive loopback ports that no socket
# uses now, listening or connected, picked below the kernel's ephemeral range: a client socket
# (curl, wrk, loadgen) may take any port inside that range at any time, and a server then fails to
# bind. Uses ss when it is there, else a connect to each port. False after 200 tries.
# shellcheck disable=SC2120 # COUNT is optional
asm::net::spare_port() {
  local count=${1:-1} lo hi base span port i
  read -r lo hi </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || { lo=32768 hi=60999; }
  if ((lo > 12000)); then base=10000 span=$((lo - 10000 - count)); else base=$((hi + 1)) span=$((65000 - hi - count)); fi
  for _ in {1..200}; do
    port=$((base + RANDOM % span))
    for ((i = port; i < port + count; i++)); do
      if command -v ss >/dev/null 2>&1; then
        ss -Htan "( sport = :$i or dport = :$i )" 2>/dev/null | grep -q . && continue 2
      fi
      asm::net::port_taken "$i" && continue 2
    done
    printf '%s\n' "$port"
    return 0
  done
  printf '%s: no %s free loopback port(s) in a row found in 200 tries\n' "$_asm_log_name" "$count" >&2
  return 1
}

# asm::net::http_status PORT PATH [SECONDS]: the status line of GET PATH on 127.0.0.1:PORT over
# bash's /dev/tcp (no curl needed), read for at most SECONDS (2); false when nothing answers.
asm::net::http_status() {
  (
    exec 2>/dev/null 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$2" >&3
    IFS= read -r -t "${3:-2}" line <&3 || exit 1
    printf '%s\n' "${line%$'\r'}"
  )
}
# asm::net::http_ok PORT PATH [SECONDS]: true when that GET answers 200.
asm::net::http_ok() {
  local status
  status=$(asm::net::http_status "$@") && [[ $status == "HTTP/1."?" 200"* ]]
}

# --- proc: background processes tracked by pid files ----------------------------------------
asm::proc::alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
# asm::proc::ended PID: true once PID has exited, also while it is a zombie its parent has not
# reaped yet (which asm::proc::alive still counts). No fork: polling loops call it often.
asm::proc::ended() {
  local stat
  [ -n "${1:-}" ] && read -r stat 2>/dev/null <"/proc/$1/stat" || return 0
  stat=${stat##*) }
  [[ ${stat%% *} == [ZX] ]]
}

# asm::proc::start PIDFILE LOGFILE COMMAND...: starts COMMAND in the background in a session of
# its own (so a Ctrl-C of the caller's terminal reaches it only through asm::proc::stop), output
# to LOGFILE, its pid to PIDFILE.
asm::proc::start() {
  local pidfile=$1 logfile=$2; shift 2
  setsid "$@" >"$logfile" 2>&1 </dev/null &
  echo $! >"$pidfile"
}

# asm::proc::session COMMAND...: starts COMMAND in the background in a session (and process group)
# of its own, with SIGINT and SIGQUIT at their defaults even where this shell ignores them (as a
# non-interactive shell's background jobs do, and all that a backgrounded caller starts), so that
# `kill -INT -- -$!` reaches the whole group as a terminal's Ctrl-C would. $! is its pid and group.
asm::proc::session() {
  python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL); signal.signal(signal.SIGQUIT, signal.SIG_DFL)
os.setsid(); os.execvp(sys.argv[1], sys.argv[1:])' "$@" &
}

# asm::proc::stop PIDFILE [GRACE]: SIGTERM, up to GRACE seconds (default 10) for it to end, then
# SIGKILL; removes PIDFILE. True when nothing is left running.
asm::proc::stop() {
  local pidfile=$1 grace=${2:-10} pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile" 2>/dev/null)
  if asm::proc::alive "$pid"; then
    kill "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + grace))
    while asm::proc::alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
    asm::proc::alive "$pid" && kill -9 "$pid" 2>/dev/null
    while asm::proc::alive "$pid" && [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" != Z ]; do sleep 0.05; done
  fi
  rm -f "$pidfile"
}

# --- report: the pass/fail lines of a hand-written suite ------------------------------------
asm_passed=0 asm_failed=0 _asm_pass_word='ok  ' _asm_fail_word=FAIL
# asm::report::words PASS FAIL: the words the pass and fail lines start with, for a suite whose
# readers know its own (default "ok  " and "FAIL"; a space follows each).
asm::report::words() { _asm_pass_word=$1 _asm_fail_word=$2; }
asm::report::pass() { printf '%s %s\n' "$_asm_pass_word" "$*"; asm_passed=$((asm_passed + 1)); }
asm::report::fail() { printf '%s %s\n' "$_asm_fail_word" "$*"; asm_failed=$((asm_failed + 1)); }
# asm::report::check WHAT COMMAND...: one ok/FAIL line for the command's outcome.
asm::report::check() {
  local what=$1; shift
  if "$@"; then asm::report::pass "$what"; else asm::report::fail "$what"; fi
}
# asm::report::summary LABEL: prints "LABEL: N passed, N failed"; false when any failed.
asm::report::summary() {
  printf '%s: %d passed, %d failed\n' "$1" "$asm_passed" "$asm_failed"
  [ "$asm_failed" -eq 0 ]
}
# asm::report::end [NOTE]: prints "N passed, N failed" and " (NOTE)" when given, no label in front;
# false when any failed.
# shellcheck disable=SC2120 # NOTE is optional
asm::report::end() {
  printf '%d passed, %d failed%s\n' "$asm_passed" "$asm_failed" "${1:+ ($1)}"
  [ "$asm_failed" -eq 0 ]
}

# --- settings: the shared settings, each kept in one file -----------------------------------
# asm::settings::pom PROPERTY: a <properties> value of the root pom.xml (ports, health paths,
# grace periods, image names).
asm::settings::pom() {
  local value
  value=$(awk -v name="$1" '
    index($0, "<" name ">") { sub(".*<" name ">", ""); sub("</" name ">.*", ""); print; exit }' "$ASM_ROOT/pom.xml")
  [ -n "$value" ] || { printf 'error: pom.xml has no property <%s>\n' "$1" >&2; return 1; }
  printf '%s\n' "$value"
}
# asm::settings::argocd KEY: a KEY=value line of argocd/settings.env, the one place a fork changes.
asm::settings::argocd() {
  local value
  value=$(sed -n "s/^$1=//p" "$ASM_ROOT/argocd/settings.env" | tail -n 1)
  [ -n "$value" ] || { printf 'error: %s is not set in argocd/settings.env\n' "$1" >&2; return 1; }
  printf '%s\n' "$value"
}

# asm::settings::pod_limits APP: the CPU and memory limits of the first container of
# clusters/base/APP/deployment.yaml (helloserver, loadgen), the one place the pods' limits are set,
# as `podman run` flags (--cpus=0.5 --memory=448m), for a run that must see what the pod sees.
asm::settings::pod_limits() {
  local file=$ASM_ROOT/clusters/base/$1/deployment.yaml cpu memory
  read -r cpu memory < <(awk '/^ *limits:/ {l = 1; next}
    l && $1 == "cpu:" {c = $2} l && $1 == "memory:" {m = $2} l && c != "" && m != "" {print c, m; exit}' "$file" 2>/dev/null)
  case $cpu in *m) cpu=$(awk -v c="${cpu%m}" 'BEGIN {printf "%g", c / 1000}') ;; esac
  case $memory in
    *Ki) memory=${memory%Ki}k ;; *Mi) memory=${memory%Mi}m ;; *Gi) memory=${memory%Gi}g ;;
    *) printf 'error: %s: no limits.cpu and limits.memory in Ki, Mi or Gi\n' "${file#"$ASM_ROOT"/}" >&2; return 1 ;;
  esac
  [ -n "$cpu" ] || { printf 'error: %s: no limits.cpu\n' "${file#"$ASM_ROOT"/}" >&2; return 1; }
  printf -- '--cpus=%s --memory=%s\n' "$cpu" "$memory"
}

# --- jdk ------------------------------------------------------------------------------------
# asm::jdk::feature_version JAVA: the feature release (17, 21, 25, ...) of a java executable.
asm::jdk::feature_version() {
  "$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}
# asm::jdk::home_feature_version HOME: the same read from HOME/release, without starting a JVM
# (for callers that run on every build); prints nothing when HOME has no release file.
asm::jdk::home_feature_version() {
  sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$1/release" 2>/dev/null || true
}

# --- gcp ------------------------------------------------------------------------------------
# asm::gcp::project: PROJECT_ID, else gcloud's current project; prints nothing and is false when
# there is neither (each caller says what the project is needed for).
asm::gcp::project() {
  local project=${PROJECT_ID:-}
  if [ -z "$project" ] && command -v gcloud >/dev/null 2>&1; then
    project=$(gcloud config get-value project 2>/dev/null || true)
  fi
  [ -n "$project" ] && [ "$project" != "(unset)" ] || return 1
  printf '%s\n' "$project"
}
