# shellcheck shell=bash
# shellcheck disable=SC2034 # H_* variables set here are read by the scripts that source this file
# The harness shared by tools/bench/run and tools/drills/run (sourced, not run).
#
# It starts helloserver, loadgen and nginx on free loopback ports, waits for them with deadlines,
# drives wrk, and reads RSS and CPU time from /proc. Every process it starts is recorded and
# stopped by the EXIT trap, so a failed or interrupted run leaves nothing listening behind.
# Only bash, curl, awk and coreutils are needed: this runs on developers' machines and on CI,
# where python may be absent. Traffic goes to 127.0.0.1 only.

H_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
# shellcheck source=../../lib/lib.bash
source "$H_ROOT/tools/lib/lib.bash"
asm::log::name "$(basename "$(dirname "$0")")" # bench, drills: the line prefix of errors
H_SERVER_JAR=$H_ROOT/apps/server/target/helloserver.jar
H_LOADGEN_JAR=$H_ROOT/apps/loadgen/target/loadgen.jar
H_DIR=""            # scratch directory: configs, logs, cache files
H_PIDS=()           # every process started through the harness
H_NCPU=$(nproc 2>/dev/null || echo 1)
H_KEEP=${H_KEEP:-0} # 1: keep the scratch directory even on success
declare -A H_NGINX_PORT=() H_NGINX_MODE=() H_NGINX_BACKENDS=() H_NGINX_PID=()

# Progress lines carry the wall clock (a bench or drill run takes minutes); errors go through
# asm::log::die.
h_say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
h_now() { echo "$EPOCHREALTIME"; }                               # seconds, microsecond precision
h_ms_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }'; }

# A sleep without a fork: polling loops run hundreds of times, and a fork per turn would steal
# CPU from the process being measured on a 2-core machine.
h_nap() { read -r -t "$1" -u "$H_NAP_FD" _ 2>/dev/null || true; }

h_init() { # $1 = a short name for the scratch directory
  H_DIR=$(mktemp -d "${TMPDIR:-/tmp}/asmready-$1.XXXXXX")
  mkfifo "$H_DIR/nap.fifo"
  exec {H_NAP_FD}<>"$H_DIR/nap.fifo"
  trap h_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

h_children() { cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | grep . || true; }
h_descendants() { # $1 = pid; prints its descendants, deepest last
  local child
  for child in $(h_children "$1"); do
    echo "$child"; h_descendants "$child"
  done
}

h_cleanup() {
  local rc=$? pid all=() deadline
  trap - EXIT INT TERM
  # Every descendant of this script, not only the recorded pids: processes started inside
  # command substitutions are children of subshells the trap cannot see.
  mapfile -t all < <(h_descendants $$)
  if [ ${#all[@]} -gt 0 ]; then
    kill -TERM "${all[@]}" 2>/dev/null || true
    kill -CONT "${all[@]}" 2>/dev/null || true   # a SIGSTOPped drill target must see its TERM
    deadline=$((SECONDS + 5))
    for pid in "${all[@]}"; do
      while h_alive "$pid" && [ $SECONDS -lt $deadline ]; do h_nap 0.05; done
    done
    kill -KILL "${all[@]}" 2>/dev/null || true
  fi
  wait 2>/dev/null || true
  if [ -n "$H_DIR" ]; then
    if [ "$rc" -ne 0 ] || [ "$H_KEEP" = 1 ]; then
      echo "logs kept in $H_DIR" >&2
    else
      rm -rf "$H_DIR"
    fi
  fi
  exit "$rc"
}

h_alive() { ! asm::proc::ended "$1"; } # $1 = pid; false once it has exited (a zombie counts as exited)

h_stop() { # $1 = pid, $2 = seconds to wait after SIGTERM before SIGKILL (default 20)
  local pid=$1 deadline=$((SECONDS + ${2:-20}))
  kill -TERM "$pid" 2>/dev/null || true
  kill -CONT "$pid" 2>/dev/null || true
  while h_alive "$pid"; do
    if [ $SECONDS -ge $deadline ]; then
      h_say "pid $pid ignored SIGTERM for ${2:-20}s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    h_nap 0.02
  done
  { wait "$pid"; } 2>/dev/null || true
}

h_wait_exit() { # $1 = pid, $2 = deadline in seconds; false when it is still running then (callers say so)
  ASM_WAIT_INTERVAL=0.05 asm::wait::until "$2" "pid $1 to exit" asm::proc::ended "$1" 2>/dev/null
}

h_port() { # prints a loopback TCP port that no socket uses (below the ephemeral range) and this run has not handed out
  local port
  for _ in {1..200}; do
    port=$(asm::net::spare_port) || break
    # Handed-out ports go to a file: h_port mostly runs in $(...), whose variables do not come back.
    grep -qx "$port" "$H_DIR/ports" 2>/dev/null && continue
    echo "$port" >>"$H_DIR/ports"
    echo "$port"
    return 0
  done
  asm::log::die "no free loopback port found in 200 tries"
}

# taskset prefix for CPU $1 ("" = no pinning), or nothing when pinning is impossible here.
h_pin() {
  if [ -n "${1:-}" ] && [ "$H_NCPU" -gt 1 ] && command -v taskset >/dev/null 2>&1; then
    echo "taskset -c $1"
  fi
}

h_java() { # prints the java of a JDK 21+ (tools/find-jdk), once
  if [ -z "${H_JAVA:-}" ]; then
    H_JAVA="$("$H_ROOT/tools/find-jdk")/bin/java" || asm::log::die "no JDK 21+ found (see tools/find-jdk)"
  fi
  echo "$H_JAVA"
}

h_require_jars() { # builds the jars when one is missing (never installs anything system-wide)
  local need=()
  [ -f "$H_SERVER_JAR" ] || need+=(apps/server)
  [ -f "$H_LOADGEN_JAR" ] || need+=(apps/loadgen)
  [ ${#need[@]} -eq 0 ] && return 0
  h_say "building ${need[*]}"
  (cd "$H_ROOT" && tools/mvn -q -pl "$(IFS=,; echo "${need[*]}")" -am package -DskipTests) ||
    asm::log::die "could not build ${need[*]}"
}

# Runs use a copy of the jars and their libs/: another build (mvn clean, a rebuild) replacing them
# under a running JVM would break a long run in confusing ways. The copies get neutral names, so
# a `pkill -f helloserver.jar` meant for a developer's own `make run` cannot stop a drill midway.
h_snapshot_jars() {
  local app jar
  for app in server loadgen; do
    if [ $app = server ]; then jar=$H_SERVER_JAR; else jar=$H_LOADGEN_JAR; fi
    [ -f "$jar" ] || continue
    mkdir -p "$H_DIR/jars/$app"
    cp "$jar" "$H_DIR/jars/$app/app.jar"
    if [ -d "$(dirname "$jar")/libs" ]; then cp -r "$(dirname "$jar")/libs" "$H_DIR/jars/$app/"; fi
    if [ $app = server ]; then H_SERVER_JAR=$H_DIR/jars/$app/app.jar; else H_LOADGEN_JAR=$H_DIR/jars/$app/app.jar; fi
  done
}

h_reap() { # $1 = pid of an exited child; sets H_STATUS to its exit status (137 SIGKILL, 143 SIGTERM)
  H_STATUS=0
  { wait "$1"; } 2>/dev/null || H_STATUS=$?
}

h_loadgen_runnable() { # loadgen.jar exists (unzip, to look for its Main-Class, may be missing)
  [ -f "$H_LOADGEN_JAR" ] || return 1
  command -v unzip >/dev/null 2>&1 || return 0
  unzip -p "$H_LOADGEN_JAR" META-INF/MANIFEST.MF 2>/dev/null | grep -q '^Main-Class:'
}

# Starts a process in the background with its output in $H_DIR/<name>.log and records its pid.
# Usage: h_spawn NAME CPU [VAR=value ...] -- command args...; sets H_LAST_PID. With H_STAMP=1 each
# output line gets the wall clock in front (for low-volume output only: bash reads pipes bytewise).
h_spawn() {
  local name=$1 cpu=$2; shift 2
  local envs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  local pin; pin=$(h_pin "$cpu")
  # The command replaces the forked shell (env and taskset exec), so $! is the process itself.
  if [ "${H_STAMP:-0}" = 1 ]; then
    # shellcheck disable=SC2086 # $pin is a word list on purpose
    env "${envs[@]}" $pin "$@" > >(h_stamp >"$H_DIR/$name.log") 2>&1 &
  else
    # shellcheck disable=SC2086
    env "${envs[@]}" $pin "$@" >"$H_DIR/$name.log" 2>&1 &
  fi
  H_LAST_PID=$!
  H_PIDS+=("$H_LAST_PID")
}

h_stamp() { # prefixes each line with the wall clock, so drills can time what a process printed
  local line
  while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done
}

# helloserver's memory limit in its pod, in MiB: the one place it is set is the manifest
# (clusters/base/helloserver/deployment.yaml, resources.limits.memory, e.g. 448Mi).
h_pod_memory_limit_mib() {
  local value
  value=$(awk '/^ *limits:/ { inlim = 1; next } inlim && /^ *memory:/ { print $2; exit } inlim && !/^ *(cpu|memory):/ { inlim = 0 }' \
            "$H_ROOT/clusters/base/helloserver/deployment.yaml")
  case $value in
    *Mi) echo "${value%Mi}" ;;
    *Gi) echo $(( ${value%Gi} * 1024 )) ;;
    *) asm::log::die "clusters/base/helloserver/deployment.yaml: memory limit '$value'; expected NNNMi or NGi" ;;
  esac
}

# JVM flags of the server's container: the <jvmFlag>s of the Jib configuration in the poms (the
# images issue owns them; none there is an error, never a guessed copy); plus what the JVM would
# see inside the pod, under its memory limit (h_pod_memory_limit_mib). MaxRAM makes heap ergonomics
# use the limit (MaxRAMPercentage=50 -> half of it). Below 1792 MiB of memory the JVM does not count
# the machine as "server class" and picks the Serial GC; MaxRAM does not change that choice, so it
# is made explicit here (H_CONTAINER_MEMORY=2g, for example, drops it).
h_container_jvm_flags() {
  local flags mem=${H_CONTAINER_MEMORY:-$(h_pod_memory_limit_mib)m} mib gc=""
  flags=$(sed -n 's:.*<jvmFlag>\(.*\)</jvmFlag>.*:\1:p' "$H_ROOT/apps/server/pom.xml" "$H_ROOT/pom.xml" 2>/dev/null |
          grep -v 'AOTCache' | tr '\n' ' ')
  [ -n "${flags// /}" ] || asm::log::die "no <jvmFlag> in the Jib configuration of pom.xml: the container's JVM flags are defined there"
  case $mem in *[gG]) mib=$((${mem%[gG]} * 1024)) ;; *[mM]) mib=${mem%[mM]} ;; *) mib=$((mem / 1048576)) ;; esac
  [ "$mib" -ge 1792 ] || gc="-XX:+UseSerialGC "
  # H_JVM_EXTRA: flags to try on top (the last one wins), e.g. H_JVM_EXTRA=-XX:MaxRAMPercentage=40
  echo "-XX:MaxRAM=$mem $gc${flags% }${H_JVM_EXTRA:+ $H_JVM_EXTRA}"
}

# Starts helloserver on 127.0.0.1:$2, its health and metrics on a free admin port (H_LAST_ADMIN_PORT).
# Usage: h_start_server NAME PORT CPU [VAR=value ...]. Extra JVM flags come from H_SERVER_JVM (a
# string). Sets H_LAST_PID and H_LAST_ADMIN_PORT.
# H_SERVER_LAUNCHER (a word list, e.g. tools/bench/lib/startup-probe ... --) goes before java: a
# program that execs java in the same process. H_SERVER_JAR=... for one call runs another jar.
h_start_server() {
  local name=$1 port=$2 cpu=$3; shift 3
  # In this shell, not in $(...): find-jdk starts a JVM, once per run, never inside a timed start.
  [ -n "${H_JAVA:-}" ] || H_JAVA=$(h_java) || exit 1
  H_LAST_ADMIN_PORT=$(h_port)
  # shellcheck disable=SC2086
  h_spawn "$name" "$cpu" PORT="$port" ADMIN_PORT="$H_LAST_ADMIN_PORT" HOST=127.0.0.1 "$@" -- \
    ${H_SERVER_LAUNCHER:-} "$H_JAVA" ${H_SERVER_JVM:-} -jar "$H_SERVER_JAR"
}

# Starts loadgen. Usage: h_start_loadgen NAME CPU SERVER_ADDR RPS [VAR=value ...]; its health and
# metrics listen on a free admin port (H_LAST_LOADGEN_PORT). Sets H_LAST_PID.
h_start_loadgen() {
  local name=$1 cpu=$2 addr=$3 rps=$4; shift 4
  [ -n "${H_JAVA:-}" ] || H_JAVA=$(h_java) || exit 1
  local java=$H_JAVA
  H_LAST_LOADGEN_PORT=$(h_port)
  # shellcheck disable=SC2086
  H_STAMP=1 h_spawn "$name" "$cpu" SERVER_ADDR="$addr" REQUESTS_PER_SECOND="$rps" ADMIN_PORT="$H_LAST_LOADGEN_PORT" \
    HOST=127.0.0.1 "$@" -- "$java" ${H_LOADGEN_JVM:-} -jar "$H_LOADGEN_JAR"
}

h_http_code() { # $1 = url; prints the status code, 000 when there is no answer within 2 s
  curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" 2>/dev/null || true
}

# Waits until $1 answers 200, at most $2 seconds; $3 (optional) = a pid that must stay alive.
# Its own loop rather than asm::wait::until: make bench's `probes` section measures this poller
# (one curl every 20 ms, no other fork) as one of the start-up probes it compares.
h_wait_http() {
  local url=$1 deadline=$((SECONDS + $2)) pid=${3:-}
  while [ "$(h_http_code "$url")" != 200 ]; do
    if [ -n "$pid" ] && ! h_alive "$pid"; then h_say "process $pid exited before $url answered"; return 1; fi
    if [ $SECONDS -ge $deadline ]; then h_say "$url did not answer 200 within $2 s"; return 1; fi
    h_nap 0.02
  done
}

# First 200 from 127.0.0.1:$1 "GET /" over bash's /dev/tcp. Returns when answered, false after $2
# seconds or if pid $3 dies. Not free: h_alive forks sed on every turn (make bench's `probes` section
# measured ~0.7 s of CPU beside one JVM start); start-up timing uses tools/bench/lib/startup-probe.
h_wait_first_200() {
  local port=$1 deadline=$((SECONDS + $2)) pid=${3:-} fd line
  while :; do
    if { exec {fd}<>/dev/tcp/127.0.0.1/"$port"; } 2>/dev/null; then
      printf 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' 1>&"$fd" 2>/dev/null || true
      line=""
      read -r -t 5 line <&"$fd" 2>/dev/null || true
      exec {fd}>&-
      [[ $line == HTTP/1.?" 200"* ]] && return 0
    fi
    if [ -n "$pid" ] && ! h_alive "$pid"; then return 1; fi
    [ $SECONDS -lt $deadline ] || return 1
    h_nap 0.002
  done
}

# --- nginx ---------------------------------------------------------------------------------

h_nginx_missing() { ! command -v nginx >/dev/null 2>&1; }

# Writes $H_DIR/nginx-NAME/nginx.conf. Modes: "static" answers the hello body itself; "static-close"
# the same with Connection: close, one connection per request (keepalive_timeout 0); "proxy" balances
# round-robin over H_NGINX_BACKENDS[NAME] (space-separated ports).
# H_NGINX_ACCESS_LOG=1 logs one $msec line per request (server-side counting for loadgen accuracy).
h_nginx_conf() {
  local name=$1 dir=$H_DIR/nginx-$1 port=${H_NGINX_PORT[$1]} body upstream="" p access="access_log off;"
  mkdir -p "$dir"
  if [ "${H_NGINX_ACCESS_LOG:-0}" = 1 ]; then
    access="log_format stamp '\$msec'; access_log $dir/access.log stamp;"
  fi
  if [ "${H_NGINX_MODE[$name]}" = static ]; then
    # The same bytes helloserver sends for GET /: the reference for what this machine can do.
    body='location / { default_type text/html; return 200 "Hello World! /"; }'
  elif [ "${H_NGINX_MODE[$name]}" = static-close ]; then
    body='keepalive_timeout 0; location / { default_type text/html; return 200 "Hello World! /"; }'
  else
    # No retries (proxy_next_upstream off) and no passive ejection (max_fails=0): a request that
    # reaches a stopping server must fail visibly at the client, so drills count what a real
    # balancer without retries would lose. Keep-alive to the backends, as a mesh sidecar does.
    upstream="upstream backends {"
    for p in ${H_NGINX_BACKENDS[$name]}; do upstream+=" server 127.0.0.1:$p max_fails=0;"; done
    upstream+=" keepalive 32; }"
    # Clients get one connection per request (keepalive_timeout 0): a reload makes nginx's old
    # worker close its idle client connections, racing with requests a client sends on them. That
    # race belongs to nginx reloads, not to Kubernetes' endpoint removal (kube-proxy and Envoy keep
    # client connections), so it must not be counted against the server.
    body='keepalive_timeout 0; location / { proxy_pass http://backends; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_next_upstream off; proxy_connect_timeout 2s; proxy_read_timeout 5s; }'
  fi
  cat >"$dir/nginx.conf" <<EOF
# generated by tools/bench/lib/harness.bash for one run; loopback only
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 16384; }
http {
  $access
  keepalive_requests 100000000;
  $upstream
  server {
    listen 127.0.0.1:$port backlog=4096;
    $body
  }
}
EOF
}

# Usage: h_start_nginx NAME PORT CPU static|static-close|proxy [backend ports...]; waits until it answers.
h_start_nginx() {
  local name=$1 port=$2 cpu=$3 mode=$4; shift 4
  H_NGINX_PORT[$name]=$port H_NGINX_MODE[$name]=$mode H_NGINX_BACKENDS[$name]="$*"
  h_nginx_conf "$name"
  local dir=$H_DIR/nginx-$name
  h_spawn "nginx-$name" "$cpu" -- nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g 'daemon off;'
  H_NGINX_PID[$name]=$H_LAST_PID
  h_wait_http "http://127.0.0.1:$port/" 10 "$H_LAST_PID" || asm::log::die "nginx $name did not start (see $dir/error.log)"
}

# Rewrites the backend list of proxy NAME and reloads; returns once the old worker has exited,
# i.e. once no process still balances over the old list.
h_nginx_set_backends() {
  local name=$1; shift
  H_NGINX_BACKENDS[$name]="$*"
  h_nginx_conf "$name"
  local dir=$H_DIR/nginx-$name master=${H_NGINX_PID[$name]} old new p gone deadline=$((SECONDS + 15))
  old=$(h_children "$master")
  nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -s reload 2>>"$dir/reload.log" ||
    asm::log::die "nginx $name reload failed (see $dir/reload.log and $dir/error.log)"
  while :; do
    new=" $(h_children "$master" | tr '\n' ' ') "
    gone=1
    for p in $old; do
      case $new in *" $p "*) gone=0 ;; esac
    done
    [ $gone = 1 ] && [ "$new" != "  " ] && return 0
    [ $SECONDS -lt $deadline ] || { h_say "nginx $name: old worker still running 15 s after reload"; return 0; }
    h_nap 0.01
  done
}

# --- Python's http.server -------------------------------------------------------------------
# The original sample's server: HTTP/1.0, no Content-Length, the connection closed after each answer
# (apps/loadgen/src/test/resources/hello_http10.py, shared with loadgen's tests).
H_PYTHON_HELLO=$H_ROOT/apps/loadgen/src/test/resources/hello_http10.py
h_python_missing() { ! command -v python3 >/dev/null 2>&1; }

# Usage: h_start_python_hello NAME PORT CPU; one line per answered request, starting with its Unix time,
# in $H_DIR/NAME.requests. Waits until it listens; sets H_LAST_PID.
h_start_python_hello() {
  local name=$1 port=$2 cpu=$3 deadline=$((SECONDS + 10))
  rm -f "$H_DIR/$name.port"
  : >"$H_DIR/$name.requests"
  h_spawn "$name" "$cpu" -- python3 "$H_PYTHON_HELLO" "$H_DIR/$name.port" "$H_DIR/$name.requests" "$port"
  until [ -s "$H_DIR/$name.port" ]; do
    h_alive "$H_LAST_PID" || asm::log::die "Python's http.server $name exited (see $H_DIR/$name.log)"
    [ $SECONDS -lt $deadline ] || asm::log::die "Python's http.server $name did not listen within 10 s (see $H_DIR/$name.log)"
    h_nap 0.02
  done
}

# --- measuring -------------------------------------------------------------------------------

h_rss_kb() { awk '/^VmRSS:/ { print $2 }' /proc/"$1"/status 2>/dev/null || echo 0; }
h_rss_anon_kb() { awk '/^RssAnon:/ { print $2 }' /proc/"$1"/status 2>/dev/null || echo 0; } # not file-backed
h_hwm_kb() { awk '/^VmHWM:/ { print $2 }' /proc/"$1"/status 2>/dev/null || echo 0; }
# CPU time (user + system) in clock ticks; the command name may hold spaces, so cut after ")".
h_cpu_ticks() { sed 's/^.*) //' /proc/"$1"/stat 2>/dev/null | awk '{ print $12 + $13 }'; }
H_CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)
# The same without a fork, for loops beside a measured process: h_cpu_ticks_into VAR PID sets VAR
# (0 once the process is gone).
h_cpu_ticks_into() {
  local line rest f=()
  if read -r line <"/proc/$2/stat" 2>/dev/null; then
    rest=${line##*) }
    read -r -a f <<<"$rest"
    printf -v "$1" '%d' $((f[11] + f[12]))
  else
    printf -v "$1" '%d' 0
  fi
}

# Runs wrk and prints one line of key=value pairs:
# requests rps errors non2xx p50_ms p99_ms p999_ms max_ms. Usage: h_wrk URL SECONDS CONNS CPU
h_wrk() {
  local url=$1 secs=$2 conns=$3 cpu=$4 pin out
  local script=$H_DIR/wrk-report.lua
  [ -f "$script" ] || cat >"$script" <<'EOF'
-- wrk's --latency table stops at p99; this prints p99.9 too, as one machine-readable line.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%d rps=%.1f errors=%d non2xx=%d p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
end
EOF
  pin=$(h_pin "$cpu")
  out=$H_DIR/wrk-$RANDOM.out
  # shellcheck disable=SC2086
  $pin wrk -t1 -c"$conns" -d"${secs}s" --latency -s "$script" "$url" >"$out" 2>&1 || true
  sed -n 's/^WRK //p' "$out" | tail -n 1 | grep . || { h_say "wrk failed: $(tail -n 3 "$out" | tr '\n' ' ')"; echo "requests=0 rps=0 errors=1"; }
}

h_kv() { # $1 = "k=v k=v ...", $2 = key; prints the value (empty when absent)
  tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p" | head -n 1
}

# loadgen's final summary (contract in COMMON.md): h_summary LOGFILE prints its Summary: line
# without the prefix, e.g. "sent=10 completed=10 failed=0 rate=5.0/s p50=1.2ms ...".
h_summary() { sed -n 's/^[0-9.]* *Summary: //p' "$1" | tail -n 1; }
# Failure reasons after the summary, "reason=n;reason=n".
h_failure_reasons() {
  awk '{ sub(/^[0-9.]+ /, "") } /^Summary: / { r = ""; s = 1; next }
       s && match($0, /^ +failed .*: [0-9]+$/) { sub(/^ +failed /, ""); n = $NF; sub(/: [0-9]+$/, "");
                                                  r = r (r == "" ? "" : ";") $0 "=" n }
       END { print r }' "$1"
}

h_median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
h_min() { sort -g | head -n 1; }
h_max() { sort -g | tail -n 1; }
