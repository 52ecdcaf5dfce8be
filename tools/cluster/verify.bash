# shellcheck shell=bash
# `verify` (the tutorial's checks against the live system) and `status`. Sourced by tools/cluster/cluster.


FAILED=0
pass() { printf 'ok    %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; FAILED=$((FAILED + 1)); }

pods_table() {
  k -n "$APP_NS" get pods -o jsonpath='{range .items[*]}{.metadata.name}|{.status.phase}|{.status.conditions[?(@.type=="Ready")].status}|{.spec.containers[*].name} {.spec.initContainers[*].name}{"\n"}{end}'
}

container_of() {
  k -n "$APP_NS" get deployment "$1" -o jsonpath='{.spec.template.spec.containers[0].name}'
}

mesh_on() {
  local labels
  labels=$(k get namespace "$APP_NS" -o jsonpath='{.metadata.labels}' 2>/dev/null || true)
  case "$labels" in *'"istio-injection":"enabled"'* | *'"istio.io/rev"'*) return 0 ;; *) return 1 ;; esac
}

cmd_verify() {
  check_prerequisites
  command -v curl >/dev/null 2>&1 || die "curl is not on PATH (verify uses it to call helloserver)"
  locate_cluster existing
  get_credentials
  local table name phase ready containers bad=0 count=0
  table=$(pods_table)
  while IFS='|' read -r name phase ready containers; do
    [ -n "$name" ] || continue
    count=$((count + 1))
    if [ "$phase" = Running ] && [ "$ready" = True ]; then :; else
      fail "pod $name is $phase, Ready=$ready"
      bad=1
    fi
  done <<<"$table"
  if [ "$count" -eq 0 ]; then
    fail "no pods in namespace $APP_NS"
  elif [ "$bad" -eq 0 ]; then
    pass "$count pods in $APP_NS are Running and Ready"
  fi

  local logs container
  container=$(container_of loadgenerator 2>/dev/null || true)
  logs=$(k -n "$APP_NS" logs deployment/loadgenerator ${container:+-c "$container"} --tail=50 2>/dev/null || true)
  if grep -Eq '(^|[^0-9])[1-9][0-9]* request\(s\) complete' <<<"$logs"; then
    pass "loadgenerator's log shows completed requests"
  else
    fail "loadgenerator's log shows no completed requests (kubectl -n $APP_NS logs deployment/loadgenerator)"
  fi

  local ip body
  ip=$(external_ip)
  if [ -z "$ip" ]; then
    fail "service hellosvc has no external IP yet"
  else
    body=$(curl -sS --max-time 10 "http://$ip/" 2>&1 || true)
    if [ "$body" = "Hello World! /" ]; then
      pass "curl http://$ip/ answers: $body"
    else
      fail "curl http://$ip/ answered '$body', expected 'Hello World! /'"
    fi
  fi

  verify_scrapes

  if mesh_on; then
    verify_mesh "$table"
  else
    say "Namespace $APP_NS has no injection label: sidecar and mTLS checks skipped"
  fi

  if [ "$FAILED" -gt 0 ]; then
    echo "verify: $FAILED check(s) failed" >&2
    exit 1
  fi
  echo "verify: all checks passed"
}

verify_mesh() {
  local table=$1 name phase ready containers without=()
  while IFS='|' read -r name phase ready containers; do
    [ -n "$name" ] || continue
    case " $containers " in *" istio-proxy "*) ;; *) without+=("$name") ;; esac
  done <<<"$table"
  if [ ${#without[@]} -eq 0 ]; then
    pass "every pod in $APP_NS has an istio-proxy sidecar"
  else
    fail "pods without an istio-proxy sidecar: ${without[*]} (make mesh restarts them)"
  fi

  # The sidecar in front of helloserver forwards the caller's mTLS identity in this header,
  # which helloserver logs with every request.
  # Text or JSON log lines alike (LOG_FORMAT=json may escape "/" as "\/").
  local container logs
  container=$(container_of helloserver 2>/dev/null || true)
  logs=$(k -n "$APP_NS" logs deployment/helloserver ${container:+-c "$container"} --tail=200 2>/dev/null || true)
  logs=${logs//'\/'/\/}
  if grep -i 'x-forwarded-client-cert' <<<"$logs" | grep -q "/ns/$APP_NS/sa/loadgenerator"; then
    pass "helloserver sees loadgenerator's mTLS identity (spiffe://.../ns/$APP_NS/sa/loadgenerator)"
  else
    fail "helloserver's log shows no x-forwarded-client-cert with loadgenerator's identity: traffic is not mTLS"
  fi

  # A client outside the mesh (no sidecar, so plaintext) may reach the admin port only for the metrics
  # scrape (the port is PERMISSIVE for the collector of Managed Service for Prometheus; the
  # AuthorizationPolicy admits plaintext there for GET of the metrics path only). A health endpoint
  # must answer each of its requests with the sidecar's 403: the check passes on that answer only,
  # never on requests that got none (a connection or DNS error proves nothing). The probe is the
  # loadgen image itself: already in the registry, and its summary counts the answers by status.
  local image out url sent completed denied others=0 count
  url="http://loadgensvc.$APP_NS.svc.cluster.local:$(asm::settings::pom asmready.admin.port)$(asm::settings::pom asmready.health.ready)"
  image=$(k -n "$APP_NS" get deployment loadgenerator -o jsonpath='{.spec.template.spec.containers[0].image}')
  k -n default delete pod asm-ready-mtls-probe --ignore-not-found >/dev/null 2>&1 || true
  out=$(k -n default run asm-ready-mtls-probe --image="$image" --restart=Never --rm --attach --quiet \
    --labels=sidecar.istio.io/inject=false --pod-running-timeout=2m \
    --env="SERVER_ADDR=$url" --env=REQUESTS_PER_SECOND=2 --env=DURATION_SECONDS=3 2>&1 || true)
  sent=$(sed -n 's/^Summary: sent=\([0-9]*\) .*/\1/p' <<<"$out" | tail -n 1)
  completed=$(sed -n 's/^Summary: .* completed=\([0-9]*\) .*/\1/p' <<<"$out" | tail -n 1)
  denied=$(sed -n 's/^  answered 403: \([0-9]*\)$/\1/p' <<<"$out" | tail -n 1)
  while read -r count; do
    [ -z "$count" ] || others=$((others + count))
  done < <(sed -n 's/^  answered [0-9]*: \([0-9]*\)$/\1/p' <<<"$out")
  others=$((completed - others))
  if [ -z "$completed" ] || [ -z "$sent" ]; then
    fail "the plaintext probe pod did not run: $(tail -n 1 <<<"$out")"
  elif [ "$others" -gt 0 ]; then
    fail "a plaintext client outside the mesh got $others 2xx answer(s) from $url: the admin port admits more than the metrics scrape ($(grep '^Summary: ' <<<"$out"))"
  elif [ "$sent" -gt 0 ] && [ "${denied:-0}" -eq "$sent" ]; then
    pass "a plaintext client outside the mesh gets the sidecar's 403 for all $sent health requests to loadgensvc's admin port (only the metrics scrape is admitted)"
  else
    fail "a plaintext client outside the mesh got ${denied:-0} of $sent answers 403 from $url, expected all: $((sent - completed)) got no answer at all, which proves nothing ($(grep '^Summary: ' <<<"$out"))"
  fi
}

# Managed Service for Prometheus scrapes both workloads: `up` is 1 for each PodMonitoring's job
# (the job is the PodMonitoring's name) in this cluster and namespace, asked of Cloud Monitoring's
# Prometheus API. The same query in Metrics Explorer (PromQL) shows it; a job missing there means
# no scrape arrived: `kubectl -n asm-ready describe podmonitoring <job>` shows the operator's view.
verify_scrapes() {
  local query answer job missing=()
  query="max by (job) (up{cluster=\"$CLUSTER\",namespace=\"$APP_NS\"})"
  answer=$(curl -sS --max-time 20 --get -H "Authorization: Bearer $(gcloud auth print-access-token 2>/dev/null)" --data-urlencode "query=$query" "https://monitoring.googleapis.com/v1/projects/$PROJECT_ID/location/global/prometheus/api/v1/query" 2>&1 || true)
  for job in helloserver loadgenerator; do
    grep -Eq "\"job\":\"$job\"\},\"value\":\[[0-9.]+,\"1\"\]" <<<"$answer" || missing+=("$job")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    pass "Managed Service for Prometheus scrapes helloserver and loadgenerator (PromQL $query is 1 for each)"
  else
    fail "Managed Service for Prometheus has no successful scrape of ${missing[*]} (PromQL $query, and kubectl -n $APP_NS describe podmonitoring ${missing[0]}): $(tr -d '\n' <<<"$answer" | head -c 300)"
  fi
}

# --- status --------------------------------------------------------------------------------

cmd_status() {
  check_prerequisites
  locate_cluster existing
  get_credentials >/dev/null 2>&1 || die "cannot reach cluster $CLUSTER in $ZONE (make cluster creates it)"
  echo "Application $APP: $(k -n "$ARGOCD_NS" get application "$APP" \
    -o jsonpath='{.status.sync.status} {.status.health.status} at {.status.sync.revision}' 2>/dev/null || echo 'not found')"
  k -n "$APP_NS" get pods -o wide 2>/dev/null || echo "No pods in $APP_NS yet"
  local ip
  ip=$(external_ip)
  echo "External IP: ${ip:-none yet}${ip:+ (curl http://$ip/)}"
}

