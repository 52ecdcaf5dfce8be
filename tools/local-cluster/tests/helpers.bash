# Shared by the local-cluster suites: one real control plane per file (started in setup_file,
# stopped in teardown_file), on a free loopback port, with its state in the file's temp folder.

SRC=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)
LC=$SRC/tools/local-cluster/local-cluster
# shellcheck source=tools/lib/lib.bash
source "$SRC/tools/lib/lib.bash"

free_port() { asm::net::free_port; }

start_cluster() {
  export LOCAL_CLUSTER_NAME=asm-ready-test-$$
  # Fake nodes unless a suite asks for the real one: these suites judge objects, not containers.
  export LOCAL_CLUSTER_RUNTIME=${LOCAL_CLUSTER_RUNTIME:-kwok}
  LOCAL_CLUSTER_PORT=$(free_port)
  export LOCAL_CLUSTER_PORT
  export LOCAL_CLUSTER_DIR=$BATS_FILE_TMPDIR/cluster
  local envfile
  envfile=$("$LC" up) || return 1
  # shellcheck disable=SC1090
  source "$envfile"
  export KUBECONFIG PATH
}

stop_cluster() { "$LC" down >/dev/null 2>&1 || true; }

# render DIR: kustomize's output for a folder of this repository (the built, pinned kustomize).
render() { kustomize build "$1"; }

# apply_checked DIR: what the API server makes of DIR, first as a server-side dry run, then for
# real; fails with the server's own message. A warning fails too: Pod Security admission only warns
# about a Deployment whose pods it will refuse. A dry run cannot create namespaces, so the
# Namespace objects are dry-run and created first (as Argo CD's CreateNamespace does), then the rest.
apply_checked() {
  local manifest namespaces
  manifest=$(render "$1") || return 1
  namespaces=$(kubectl create --dry-run=client -o json -f - <<<"$manifest" 2>/dev/null |
    jq -c 'if .kind == "List" then .items else [.] end | map(select(.kind == "Namespace"))
           | select(length > 0) | {apiVersion: "v1", kind: "List", items: .}')
  if [ -n "$namespaces" ]; then
    kubectl apply --warnings-as-errors --server-side --validate=strict --dry-run=server -f - <<<"$namespaces" || return 1
    kubectl apply --warnings-as-errors --server-side --validate=strict -f - <<<"$namespaces" || return 1
  fi
  kubectl apply --warnings-as-errors --server-side --validate=strict --dry-run=server -f - <<<"$manifest" || return 1
  kubectl apply --warnings-as-errors --server-side --validate=strict -f - <<<"$manifest"
}

# wait_for SECONDS COMMAND...: retries COMMAND until it succeeds or the deadline passes.
wait_for() { local seconds=$1; shift; asm::wait::until "$seconds" "$*" "$@"; }

# endpoints_match NAMESPACE SERVICE: the Service's EndpointSlices list exactly the Ready pods its
# selector picks, and at least one. Prints both sets when they differ.
endpoints_match() {
  local ns=$1 svc=$2 selector want got
  selector=$(kubectl -n "$ns" get service "$svc" -o json |
    jq -r '.spec.selector // {} | to_entries | map("\(.key)=\(.value)") | join(",")')
  [ -n "$selector" ] || { echo "service $ns/$svc has no selector" >&2; return 1; }
  want=$(kubectl -n "$ns" get pods -l "$selector" -o json |
    jq -r '.items[] | select(.status.conditions // [] | any(.type == "Ready" and .status == "True")) | .metadata.name' | sort)
  got=$(kubectl -n "$ns" get endpointslices -l "kubernetes.io/service-name=$svc" -o json |
    jq -r '.items[].endpoints // [] | .[] | select(.conditions.ready) | .targetRef.name' | sort)
  if [ -z "$want" ] || [ "$want" != "$got" ]; then
    echo "service $ns/$svc: selector $selector picks ready pods [${want//$'\n'/ }], EndpointSlices list [${got//$'\n'/ }]" >&2
    return 1
  fi
}

# copy_tree DIR: the working tree as it is (uncommitted changes and .git included), without build
# output, at DIR: suites that edit sources or run skaffold work there, never in the tree itself.
copy_tree() {
  mkdir -p "$1"
  tar -C "$SRC" --exclude=target -cf - . | tar -C "$1" -xf -
}

# host_state: what a real node may change on the host, one fact a line, for a before/after diff:
# links, addresses and routes, nftables and iptables rules, sysctls (less the counters that move on
# their own), mount points, cgroups and the folders the node's programs create by fixed path.
host_state() {
  echo "## links"; ip -o link show | awk '{print $2}' | sort
  echo "## addresses"; ip -o addr show | awk '{print $2, $3, $4}' | sort
  echo "## routes"; { ip -4 route show table all; ip -6 route show table all; } | grep -v ' fe80::' | sort
  echo "## nftables"; nft list ruleset 2>/dev/null | grep -v '^\s*#' | sed 's/counter packets [0-9]* bytes [0-9]* //'
  echo "## iptables"; { iptables-save; ip6tables-save; } 2>/dev/null | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
  echo "## sysctls"
  sysctl -a 2>/dev/null | grep -vE '^(kernel\.random\.|kernel\.ns_last_pid|kernel\.pty\.nr|fs\.(dentry-state|inode-nr|inode-state|file-nr|aio-nr|quota\.)|net\.netfilter\.nf_conntrack_count|vm\.stat_|kernel\.sched_|net\.ipv[46]\.(conf|neigh)\.(veth|asmr))'
  echo "## mounts"; awk '{print $5}' /proc/self/mountinfo | sort
  echo "## cgroups"; find /sys/fs/cgroup -mindepth 1 -maxdepth 2 -type d | sort
  echo "## folders"; ls -d /run/containerd /run/netns /var/lib/cni /var/lib/kubelet /var/log/containers /var/log/pods /opt/containerd /etc/cni 2>/dev/null || true
}

# dns_query SERVER NAME: asks SERVER (UDP 53) for NAME's A record; prints the answer's code
# (NOERROR, NXDOMAIN, REFUSED, ...) and then each address, one a line.
dns_query() {
  python3 - "$1" "$2" <<'PY'
import random, socket, struct, sys
server, name = sys.argv[1], sys.argv[2]
qid = random.randrange(65536)
query = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
query += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0" + struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.sendto(query, (server, 53))
reply = s.recv(4096)
codes = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}
print(codes.get(reply[3] & 0xF, reply[3] & 0xF))
answers = struct.unpack(">H", reply[6:8])[0]
pos = len(query)
for _ in range(answers):
    while reply[pos] not in (0,) and reply[pos] < 0xC0:
        pos += reply[pos] + 1
    pos += 2 if reply[pos] >= 0xC0 else 1
    rtype, _, _, length = struct.unpack(">HHIH", reply[pos:pos + 10])
    pos += 10
    if rtype == 1:
        print(socket.inet_ntoa(reply[pos:pos + length]))
    pos += length
PY
}

# to_bytes QUANTITY: a Kubernetes memory quantity (448Mi, 1Gi, 500M, 1024) in bytes.
to_bytes() {
  local q=$1
  case $q in
    *Ki) echo $((${q%Ki} * 1024)) ;; *Mi) echo $((${q%Mi} * 1024 ** 2)) ;; *Gi) echo $((${q%Gi} * 1024 ** 3)) ;;
    *k) echo $((${q%k} * 1000)) ;; *M) echo $((${q%M} * 1000 ** 2)) ;; *G) echo $((${q%G} * 1000 ** 3)) ;;
    *) echo "$q" ;;
  esac
}
