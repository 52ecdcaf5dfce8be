#!/usr/bin/env bats
# The images' end-to-end suite, run by tools/e2e/run (which first makes sure podman works): builds
# both images with Jib on an offline base image (no registry is reachable), then runs them with
# podman and checks what a user of the images would notice: the answer on the public port, health
# and the loadgen's traffic in the server's metrics on the admin port (and not on the public one),
# JSON logs with LOG_FORMAT=json, the user, entrypoint and ports the build declared, and a clean stop
# on SIGTERM.
# The tests run in order and share the images and containers; when the build or the server's start
# fails, the tests that need them are skipped. Everything created (containers, images, temporary
# files) is removed at the end. Traffic stays on 127.0.0.1 and inside the server container's own
# network namespace.

bats_require_minimum_version 1.5.0

setup_file() {
  # shellcheck source=../lib/lib.bash
  source "$BATS_TEST_DIRNAME/../lib/lib.bash"
  cd "$ASM_ROOT" || return
  export ROOT=$ASM_ROOT CONTAINERS_CONF=$ASM_ROOT/tools/e2e/containers.conf
  # The root POM's <properties> are where the build declares what the images must carry.
  HTTP_PORT=$(asm::settings::pom asmready.http.port) ADMIN_PORT=$(asm::settings::pom asmready.admin.port)
  METRICS_PATH=$(asm::settings::pom asmready.metrics.path) READY_PATH=$(asm::settings::pom asmready.health.ready)
  IMAGE_USER=$(asm::settings::pom image.user) GRACE=$(asm::settings::pom asmready.shutdown.grace.seconds)
  SERVER_NAME=$(asm::settings::pom asmready.image.server) LOADGEN_NAME=$(asm::settings::pom asmready.image.loadgen)
  VERSION=$(awk '/<artifactId>asm-ready<\/artifactId>/ {f=1} f && /<version>/ {gsub(/.*<version>|<\/version>.*/, ""); print; exit}' pom.xml)
  REVISION=$(git rev-parse HEAD 2>/dev/null || echo unknown)
  export HTTP_PORT ADMIN_PORT METRICS_PATH READY_PATH IMAGE_USER GRACE SERVER_NAME LOADGEN_NAME VERSION REVISION
  # As the manifests do: the pod's grace covers the server's own grace plus a margin.
  export STOP_TIMEOUT=$((GRACE + 10))
  RUN_ID=e2e-$$-$(date +%s)
  export RUN_ID SERVER_IMAGE=localhost/$SERVER_NAME:$RUN_ID LOADGEN_IMAGE=localhost/$LOADGEN_NAME:$RUN_ID
  export SERVER_CTR=asmready-$RUN_ID-server LOADGEN_CTR=asmready-$RUN_ID-loadgen WORK=$ASM_ROOT/target/e2e/$RUN_ID
  export AOT_SERVER_IMAGE=$SERVER_IMAGE-aot AOT_LOADGEN_IMAGE=$LOADGEN_IMAGE-aot BASE=$WORK/base-image.tar
  mkdir -p "$WORK"
}

teardown_file() {
  local images=("$SERVER_IMAGE" "$LOADGEN_IMAGE" "$AOT_SERVER_IMAGE" "$AOT_LOADGEN_IMAGE"
                "$SERVER_IMAGE-aot-aot-training" "$LOADGEN_IMAGE-aot-aot-training") image c
  # The loadgen first: it lives in the server container's network namespace.
  podman rm -f -t 0 "$LOADGEN_CTR" >/dev/null 2>&1 || true
  for c in $(podman ps -a -q --filter "name=asmready-$RUN_ID-" 2>/dev/null); do podman rm -f -t 0 "$c" >/dev/null 2>&1 || true; done
  for image in "${images[@]}"; do # containers of an AOT training cut short, then the images
    for c in $(podman ps -a -q --filter "ancestor=$image" 2>/dev/null); do podman rm -f -t 0 "$c" >/dev/null 2>&1 || true; done
  done
  podman rmi -f "${images[@]}" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}

setup() {
  # shellcheck source=../lib/lib.bash
  source "$BATS_TEST_DIRNAME/../lib/lib.bash"
  asm::log::name e2e
  cd "$ROOT" || return
}

note() { echo "# $*" >&3; } # a measurement, shown beside the test lines
now_ms() { echo $(($(date +%s%N) / 1000000)); }
needs() { [ -e "$WORK/$1" ] || skip "$2"; } # MARKER WHY: skips a test whose precondition failed
inspect() { podman image inspect --format "$2" "$1"; }
answers_200() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }
# Polled every 20 ms: the start-up times below are measured by it.
wait_http_200() { # URL DEADLINE_S: true once URL answers 200
  ASM_WAIT_INTERVAL=0.02 asm::wait::until "$2" "$1 to answer 200" answers_200 "$1"
}
logged() { [ "$(podman logs "$1" 2>&1 | grep -Ec "$2")" -ge "$3" ]; } # CONTAINER REGEX COUNT
wait_log() { # CONTAINER REGEX COUNT DEADLINE_S: true once the log has COUNT lines matching REGEX
  ASM_WAIT_INTERVAL=0.1 asm::wait::until "$4" "$1's log to show $3 line(s) matching $2" logged "$1" "$2" "$3"
}
server_addr() { podman port "$SERVER_CTR" "$HTTP_PORT/tcp"; }
admin_addr() { podman port "$SERVER_CTR" "$ADMIN_PORT/tcp"; }
# The ports an app listens on by default: its packaged application.yaml's port under NODE.
app_port() { # JAR NODE
  python3 - "$1" "$2" <<'PY'
import re, sys, zipfile
yaml = zipfile.ZipFile(sys.argv[1]).read("application.yaml").decode()
block = re.search(r"^" + re.escape(sys.argv[2]) + r":\n((?:[ #].*\n|\n)*)", yaml, re.M)
print(re.search(r"^  port: *(\d+)", block.group(1), re.M).group(1))
PY
}
declared_ports() { # IMAGE: "PORT/tcp ..." as podman lists them
  if [ "$1" = "$SERVER_IMAGE" ]; then
    echo "$(app_port apps/server/target/helloserver.jar server)/tcp $(app_port apps/server/target/helloserver.jar admin)/tcp "
  else
    echo "$(app_port apps/loadgen/target/loadgen.jar server)/tcp "
  fi
}
stop_and_report() { # CONTAINER: podman stop (SIGTERM, then SIGKILL after the timeout); prints exit code
  podman stop -t "$STOP_TIMEOUT" "$1" >/dev/null
  podman inspect --format '{{.State.ExitCode}}' "$1"
}

# --- Build: offline base image, then both images through the real `make images` script ---------

@test "tools/images tar builds both images on the offline base" {
  local t
  t=$(now_ms)
  tools/e2e/base-image "$BASE" >/dev/null
  note "base image: $(du -h "$BASE" | cut -f1) docker-archive in $(($(now_ms) - t)) ms"
  t=$(now_ms)
  if ! AOT=0 BASE_IMAGE=$BASE TAG=$RUN_ID REVISION=$REVISION tools/images tar >"$WORK/images.log" 2>&1; then
    cat "$WORK/images.log"
    return 1
  fi
  note "built in $(($(now_ms) - t)) ms"
  touch "$WORK/built"
}

@test "podman loads both image tarballs" {
  needs built "the images did not build"
  local tarball image size
  for tarball in "apps/server/target/$SERVER_NAME-image.tar" "apps/loadgen/target/$LOADGEN_NAME-image.tar"; do
    podman load -q -i "$tarball"
  done
  for image in "$SERVER_IMAGE" "$LOADGEN_IMAGE"; do
    size=$(inspect "$image" '{{.Size}}')
    note "image $image: $((size / 1000000)) MB (base $(($(stat -c %s "$BASE") / 1000000)) MB uncompressed)"
  done
}

# --- What the build declared ---------------------------------------------------------------------

@test "helloserver listens on the shared HTTP and admin ports by default (its application.yaml)" {
  needs built "the images did not build"
  [ "$(declared_ports "$SERVER_IMAGE")" = "$HTTP_PORT/tcp $ADMIN_PORT/tcp " ]
}

@test "both images run as the declared non-root user" {
  needs built "the images did not build"
  local image user
  for image in "$SERVER_IMAGE" "$LOADGEN_IMAGE"; do
    user=$(inspect "$image" '{{.Config.User}}')
    echo "$image: user '$user', declared $IMAGE_USER"
    [ "$user" = "$IMAGE_USER" ] && [ "$user" != 0 ] && [ "$user" != 1337 ]
  done
}

@test "both images expose the ports they listen on" {
  needs built "the images did not build"
  local image exposed
  for image in "$SERVER_IMAGE" "$LOADGEN_IMAGE"; do
    # shellcheck disable=SC2016 # podman's Go template, not a shell expansion
    exposed=$(inspect "$image" '{{range $p, $_ := .Config.ExposedPorts}}{{$p}} {{end}}')
    echo "$image: exposes '$exposed', listens on '$(declared_ports "$image")'"
    [ "$exposed" = "$(declared_ports "$image")" ]
  done
}

@test "both images' entrypoint is java with the container JVM flags" {
  needs built "the images did not build"
  local image entrypoint
  for image in "$SERVER_IMAGE" "$LOADGEN_IMAGE"; do
    entrypoint=$(inspect "$image" '{{join .Config.Entrypoint " "}}')
    echo "$image: entrypoint '$entrypoint'"
    grep -Eq '^java .*-XX:MaxRAMPercentage=[0-9]+ .*-XX:\+ExitOnOutOfMemoryError .* io\.asmready\.[a-z]+\.Main$' <<<"$entrypoint"
  done
}

@test "both images carry OCI labels version, revision and source" {
  needs built "the images did not build"
  local image labels
  for image in "$SERVER_IMAGE" "$LOADGEN_IMAGE"; do
    # shellcheck disable=SC2016 # podman's Go template, not a shell expansion
    labels=$(inspect "$image" '{{range $k, $v := .Config.Labels}}{{$k}}={{$v}}
{{end}}')
    echo "$image: labels $labels"
    grep -qx "org.opencontainers.image.revision=$REVISION" <<<"$labels"
    grep -qx "org.opencontainers.image.version=$VERSION" <<<"$labels"
    grep -q "^org.opencontainers.image.source=http" <<<"$labels"
  done
}

@test "both images have a fixed creation time (reproducible)" {
  needs built "the images did not build"
  local image
  for image in "$SERVER_IMAGE" "$LOADGEN_IMAGE"; do
    [ "$(inspect "$image" '{{.Created.Unix}}')" = 0 ]
  done
}

# --- helloserver: start-up, answer, user, JAVA_TOOL_OPTIONS ---------------------------------------

@test "helloserver answers 200 after podman run" {
  needs built "the images did not build"
  # Under a memory limit, as in a pod: the heap must follow it (MaxRAMPercentage of the entrypoint).
  # JAVA_TOOL_OPTIONS here only turns on the GC's start-up log, which shows the heap it chose.
  local t
  t=$(now_ms)
  podman run -d --name "$SERVER_CTR" -p "127.0.0.1::$HTTP_PORT" -p "127.0.0.1::$ADMIN_PORT" --memory 256m \
    -e JAVA_TOOL_OPTIONS=-Xlog:gc+init "$SERVER_IMAGE" >/dev/null
  if ! wait_http_200 "http://$(server_addr)/" 60; then
    podman logs "$SERVER_CTR" 2>&1 | tail -n 20
    return 1
  fi
  echo $(($(now_ms) - t)) >"$WORK/startup-ms"
  note "helloserver answers 200 on $(server_addr), $(cat "$WORK/startup-ms") ms after podman run"
  touch "$WORK/server-up"
}

@test "GET / answers 'Hello World! /'" {
  needs server-up "helloserver did not start"
  [ "$(curl -sS --max-time 5 "http://$(server_addr)/")" = "Hello World! /" ]
}

@test "readiness answers 200 on the admin port" {
  needs server-up "helloserver did not start"
  wait_http_200 "http://$(admin_addr)$READY_PATH" 10
}

@test "the public port answers the metrics path like any path (metrics are on the admin port only)" {
  needs server-up "helloserver did not start"
  [ "$(curl -sS --max-time 5 "http://$(server_addr)$METRICS_PATH")" = "Hello World! $METRICS_PATH" ]
}

@test "the server process runs as the image's UID" {
  needs server-up "helloserver did not start"
  [ "$(podman top "$SERVER_CTR" huser | sed -n 2p | tr -d ' ')" = "$IMAGE_USER" ]
}

@test "the heap follows the container's 256 MiB limit (MaxRAMPercentage of it)" {
  needs server-up "helloserver did not start"
  local ram_percent
  ram_percent=$(sed -n 's/.*-XX:MaxRAMPercentage=\([0-9]*\).*/\1/p' <<<"$(inspect "$SERVER_IMAGE" '{{join .Config.Entrypoint " "}}')")
  wait_log "$SERVER_CTR" "Heap Max Capacity: $((256 * ram_percent / 100))M\$" 1 5
}

@test "helloserver logs 'Starting server...'" {
  needs server-up "helloserver did not start"
  wait_log "$SERVER_CTR" 'Starting server\.\.\.' 1 5
}

# --- loadgen against it, through the server container's own loopback -----------------------------

@test "loadgen prints its completion lines" {
  needs server-up "helloserver did not start"
  # A user's JAVA_TOOL_OPTIONS still counts: an explicit -Xmx there beats the entrypoint's percentage.
  # In the server's network namespace the admin port is the server's: loadgen's goes on the next one
  # (ADMIN_PORT; PORT for loadgen builds from before ADMIN_PORT).
  podman run -d --name "$LOADGEN_CTR" --network "container:$SERVER_CTR" --memory 512m \
    -e JAVA_TOOL_OPTIONS="-Xmx64m -Xlog:gc+init" \
    -e SERVER_ADDR="http://127.0.0.1:$HTTP_PORT/" -e REQUESTS_PER_SECOND=20 \
    -e ADMIN_PORT=$((ADMIN_PORT + 1)) -e PORT=$((ADMIN_PORT + 1)) \
    "$LOADGEN_IMAGE" >/dev/null
  wait_log "$LOADGEN_CTR" '^[1-9][0-9]* request\(s\) complete to ' 3 60
}

@test "JAVA_TOOL_OPTIONS set on the container is honoured (-Xmx64m gives a 64M heap)" {
  needs server-up "helloserver did not start"
  wait_log "$LOADGEN_CTR" 'Heap Max Capacity: 64M$' 1 5
}

# --- SIGTERM: loadgen first (as its summary counts what the server saw), then the server ----------

@test "loadgen exits 0 on SIGTERM within the pod's grace" {
  needs server-up "helloserver did not start"
  local code
  code=$(stop_and_report "$LOADGEN_CTR")
  echo "exit code $code"
  [ "$code" = 0 ]
}

@test "loadgen prints its final Summary line" {
  needs server-up "helloserver did not start"
  local summary
  summary=$(podman logs "$LOADGEN_CTR" 2>&1 | grep -E '^Summary: sent=[0-9]+ completed=[0-9]+ failed=[0-9]+ ' | tail -n 1 || true)
  note "loadgen: $summary"
  [ -n "$summary" ]
  echo "$summary" >"$WORK/summary"
}

@test "server's metrics on the admin port count the loadgen's completed requests" {
  needs server-up "helloserver did not start"
  local completed counted
  completed=$(sed -n 's/.* completed=\([0-9]*\) .*/\1/p' "$WORK/summary" 2>/dev/null)
  counted=$(curl -sS --max-time 5 "http://$(admin_addr)$METRICS_PATH" |
    awk '/^hello_requests_total\{/ && /code="200"/ {sum += $NF} END {printf "%d", sum}')
  echo "loadgen completed ${completed:-?}, hello_requests_total 200 = $counted"
  [ "${completed:-0}" -gt 0 ] && [ "$counted" -ge "${completed:-0}" ]
}

@test "helloserver stops on SIGTERM within the pod's grace, cleanly" {
  needs server-up "helloserver did not start"
  local code
  code=$(stop_and_report "$SERVER_CTR")
  echo "exit code $code"
  # A JVM ended by SIGTERM reports 143 once its shutdown hooks are done; 137 would mean SIGKILL.
  [ "$code" = 0 ] || [ "$code" = 143 ]
}

@test "helloserver's last lines say it stopped gracefully ('Server stopped')" {
  needs server-up "helloserver did not start"
  wait_log "$SERVER_CTR" 'Server stopped' 1 1
  note "server: $(podman logs "$SERVER_CTR" 2>&1 | tail -n 1)"
}

# --- LOG_FORMAT=json, as the cluster runs it: every line one JSON object Cloud Logging can read -----

@test "LOG_FORMAT=json: every log line is a JSON object (severity, time, message), the request's with httpRequest, its Authorization redacted" {
  needs built "the images did not build"
  local ctr=asmready-$RUN_ID-json addr
  podman run -d --name "$ctr" -p "127.0.0.1::$HTTP_PORT" -e LOG_FORMAT=json "$SERVER_IMAGE" >/dev/null
  addr=$(podman port "$ctr" "$HTTP_PORT/tcp")
  if ! wait_http_200 "http://$addr/" 60; then
    podman logs "$ctr" 2>&1 | tail -n 5
    podman rm -f -t 0 "$ctr" >/dev/null
    return 1
  fi
  curl -sS -o /dev/null --max-time 5 -H 'Authorization: Bearer e2e-s3cr3t' "http://$addr/json-check?x=1"
  wait_log "$ctr" '"message":"GET /json-check\?x=1"' 1 10 || true
  local status=0
  podman logs "$ctr" 2>&1 | python3 -c '
import json, sys
lines = sys.stdin.read().splitlines()
records = [json.loads(line) for line in lines]
assert len(records) >= 3 and all(isinstance(r, dict) and r.get("time") and r.get("severity") and "message" in r for r in records), lines
request = [r for r in records if r["message"] == "GET /json-check?x=1"][0]
assert request["httpRequest"]["status"] == 200 and request["httpRequest"]["requestMethod"] == "GET", request
assert request["headers"]["Authorization"] == "<redacted>", request
assert not any("e2e-s3cr3t" in line for line in lines)' || status=$?
  podman rm -f -t 0 "$ctr" >/dev/null
  [ "$status" = 0 ]
}

# --- AOT=1: images with a Java AOT cache trained in the image itself ----------------------------

@test "AOT=1 tools/images tar trains an AOT cache in each image" {
  needs built "the images did not build"
  # The base image's runtime is jlink'd from the build JDK; AOT caches need Java 25 or newer.
  local base_java t
  base_java=$(asm::jdk::home_feature_version "$(tools/find-jdk)")
  [ "${base_java:-0}" -ge 25 ] || skip "the build JDK (so the base image) is Java $base_java, AOT caches need 25+"
  t=$(now_ms)
  if ! AOT=1 BASE_IMAGE=$BASE TAG=$RUN_ID-aot REVISION=$REVISION tools/images tar >"$WORK/aot.log" 2>&1; then
    tail -n 30 "$WORK/aot.log"
    return 1
  fi
  note "built and trained in $(($(now_ms) - t)) ms"
  podman load -q -i "apps/server/target/$SERVER_NAME-image.tar" >/dev/null
  podman load -q -i "apps/loadgen/target/$LOADGEN_NAME-image.tar" >/dev/null
  touch "$WORK/aot-built"
}

@test "both AOT images start the JVM with their AOT cache (on the entrypoint's command line)" {
  needs aot-built "no AOT images"
  local image
  for image in "$AOT_SERVER_IMAGE" "$AOT_LOADGEN_IMAGE"; do
    grep -q '"-XX:AOTCache=/app/aot/app.aot"' <<<"$(inspect "$image" '{{json .Config.Entrypoint}}')"
    note "image $image: $(($(inspect "$image" '{{.Size}}') / 1000000)) MB"
  done
}

@test "helloserver's AOT cache is accepted by the image's JVM under the pod's own limits (-XX:AOTMode=on serves)" {
  needs aot-built "no AOT images"
  # AOTMode=on turns "cache unusable" (another JVM, other jars, another heap mode) from a silent slow
  # start into an error. The pod's CPU and memory limits, from its Deployment: the heap they give.
  local ctr=asmready-$RUN_ID-aot-on limits
  read -ra limits <<<"$(asm::settings::pod_limits helloserver)"
  podman run -d --name "$ctr" "${limits[@]}" -p "127.0.0.1::$HTTP_PORT" -e JAVA_TOOL_OPTIONS=-XX:AOTMode=on "$AOT_SERVER_IMAGE" >/dev/null
  wait_http_200 "http://$(podman port "$ctr" "$HTTP_PORT/tcp")/" 60
}

@test "... and its start logs no AOT warning or error" {
  needs aot-built "no AOT images"
  # The JVM reports a cache it can only partly use with [warning][aot] lines in every pod's log.
  run ! grep -E '\[(warning|error)\]\[aot' <<<"$(podman logs "asmready-$RUN_ID-aot-on" 2>&1)"
}

@test "... and no 'Picked up JDK_JAVA_OPTIONS' line from the launcher" {
  needs aot-built "no AOT images"
  # A JVM option the image sets through JDK_JAVA_OPTIONS makes the launcher print a "Picked up" line
  # on stderr at every start, which Cloud Logging files as an error. (This container's own
  # JAVA_TOOL_OPTIONS above is announced the same way; that one is the test's.)
  local logs
  logs=$(podman logs "asmready-$RUN_ID-aot-on" 2>&1)
  podman rm -f -t 0 "asmready-$RUN_ID-aot-on" >/dev/null
  run ! grep 'Picked up JDK_JAVA_OPTIONS' <<<"$logs"
}

# --- Start-up, plain and AOT alternately, for a steadier figure (reported, never asserted) ---------

startup() { # IMAGE: ms from podman run to the first 200, or nothing
  local ctr=asmready-$RUN_ID-startup t
  t=$(now_ms)
  podman run -d --name "$ctr" -p "127.0.0.1::$HTTP_PORT" "$1" >/dev/null
  wait_http_200 "http://$(podman port "$ctr" "$HTTP_PORT/tcp")/" 60 && echo $(($(now_ms) - t))
  podman rm -f -t 0 "$ctr" >/dev/null
}
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

@test "start-up in the container, podman run to first 200, plain and AOT alternately (reported, not asserted)" {
  needs server-up "helloserver did not start"
  local plain aot=() i
  plain=("$(cat "$WORK/startup-ms")")
  for i in 1 2 3; do
    [ "$i" = 1 ] || plain+=("$(startup "$SERVER_IMAGE")")
    if podman image exists "$AOT_SERVER_IMAGE"; then aot+=("$(startup "$AOT_SERVER_IMAGE")"); fi
  done
  note "plain $(printf '%s ' "${plain[@]}")ms (median $(median "${plain[@]}") ms)"
  [ ${#aot[@]} -eq 0 ] || note "AOT   $(printf '%s ' "${aot[@]}")ms (median $(median "${aot[@]}") ms)"
}
