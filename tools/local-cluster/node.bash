# One real node for the local cluster: containerd (with Debian's runc and CNI plugins), the kubelet,
# kube-proxy (nftables mode), CoreDNS, metrics-server, a registry on loopback and a load-balancer
# address allocator, all plain processes of the pinned builds. Sourced by local-cluster; uses its $state, $bin,
# $kubeconfig, $pki and the lib's helpers.
#
# Every address the node uses lives on links it creates: the bridge asmr0 carries the node's address
# (the pod range's first address, also the pods' gateway) and, through veths, the pods' own
# namespaces. Pods get no default route (only the pod and Service ranges), nothing is masqueraded
# and CoreDNS has no `forward`, so neither packets nor names leave the machine. containerd sends
# every image pull, whatever registry the image names, to the registry on loopback.
#
# What the node changes on the host, and `down` puts back: the sysctls the kubelet and the CNI
# bridge set (node_sysctls), the bridge and veths, kube-proxy's nftables table and the kubelet's
# KUBE-* iptables chains, the cgroups under /asm-ready, mounts under the state folder, and
# /run/containerd, /var/lib/cni, /var/lib/kubelet and /var/log/containers when they were not there.
# shellcheck shell=bash disable=SC2154  # $state, $root, $bin, $pki, $kubeconfig: set by local-cluster

node_dir() { echo "$state/node"; }
node_bridge=asmr0
pod_cidr=${LOCAL_CLUSTER_POD_CIDR:-10.244.0.0/24}
service_cidr=${LOCAL_CLUSTER_SERVICE_CIDR:-10.96.0.0/24}
# The node's address, and the range (top of the pod range) LoadBalancer Services get addresses from.
node_ip() { local p=${pod_cidr%/*}; echo "${p%.*}.1"; }
lb_first() { local p=${pod_cidr%/*}; echo "${p%.*}.200"; }
dns_ip() { local s=${service_cidr%/*}; echo "${s%.*}.10"; }
node_name=asm-ready-node
# The OCI runtime containerd runs the containers with (Debian's runc by default).
runc_bin=${LOCAL_CLUSTER_RUNC:-$(command -v runc || echo /usr/sbin/runc)}
cgroup_root=/asm-ready
pause_image=registry.k8s.io/pause:3.10.2
# The host settings the node's programs change: read before start, written back by node_down.
node_sysctls=(vm.overcommit_memory kernel.panic kernel.panic_on_oops net.ipv4.ip_forward
              net.bridge.bridge-nf-call-iptables net.ipv4.conf.all.route_localnet)
# Host folders they create by fixed path (containerd's shim sockets, CNI's result cache, the
# kubelet's device-plugin folder and container log links).
node_host_dirs=(/run/containerd /var/lib/cni /var/lib/kubelet /var/log/containers)

# --- preflight: one line for what the host lacks, before anything starts -------------------------
node_preflight() {
  [ "$(id -u)" -eq 0 ] || asm::log::die "a real node needs root (containerd, runc, network namespaces); run as root, or LOCAL_CLUSTER_RUNTIME=kwok for fake nodes"
  [ -x "$runc_bin" ] ||
    asm::log::die "runc is missing ($runc_bin): containerd runs the pods' containers with it (apt-get install runc, or LOCAL_CLUSTER_RUNC=<path>)"
  local p
  for p in ip nft iptables cc; do
    command -v "$p" >/dev/null 2>&1 || [ -x "/usr/sbin/$p" ] ||
      asm::log::die "$p is missing; tools/prereqs installs what the local cluster needs (apt-get install iproute2 nftables iptables gcc)"
  done
  if [ ! -x /usr/lib/cni/bridge ] || [ ! -x /usr/lib/cni/host-local ]; then
    asm::log::die "the CNI plugins are missing from /usr/lib/cni (apt-get install containernetworking-plugins)"
  fi
  command -v docker-registry >/dev/null || asm::log::die "docker-registry is missing (apt-get install docker-registry)"
  local c
  for c in memory cpu pids; do
    [ -d "/sys/fs/cgroup/$c" ] || [ -f /sys/fs/cgroup/cgroup.controllers ] ||
      asm::log::die "the $c cgroup controller is not mounted under /sys/fs/cgroup; the kubelet needs it"
  done
  if ip link show "$node_bridge" >/dev/null 2>&1; then
    asm::log::die "the link $node_bridge exists: another local cluster with a real node runs on this machine ('make local-clean' stops it)"
  fi
  local route
  route=$(ip -4 route show to match "$(node_ip)" | grep -v '^default' || true)
  [ -z "$route" ] || asm::log::die "the pod range $pod_cidr is already routed on this host ($route); set LOCAL_CLUSTER_POD_CIDR to a free range"
  for p in 10250 10256; do
    ! asm::net::port_taken "$p" || asm::log::die "port $p (the node's kubelet / kube-proxy) is taken on this host"
  done
}

# --- host state ------------------------------------------------------------------------------
node_save_host() {
  local d; d=$(node_dir)
  local k
  for k in "${node_sysctls[@]}"; do
    [ -e "/proc/sys/${k//.//}" ] && printf '%s=%s\n' "$k" "$(cat "/proc/sys/${k//.//}")"
  done >"$d/host-sysctls"
  for k in "${node_host_dirs[@]}"; do [ -e "$k" ] || echo "$k"; done >"$d/host-new-dirs"
  nft list tables 2>/dev/null >"$d/host-nft-tables" || true
}

node_restore_host() {
  local d; d=$(node_dir)
  local line
  if [ -f "$d/host-sysctls" ]; then
    while IFS= read -r line; do
      echo "${line#*=}" >"/proc/sys/$(tr . / <<<"${line%%=*}")" 2>/dev/null || true
    done <"$d/host-sysctls"
  fi
  if [ -f "$d/host-new-dirs" ]; then
    while IFS= read -r line; do rm -rf "$line"; done <"$d/host-new-dirs"
  fi
  # The kubelet's own iptables chains, in both families: the canaries it watches for a flush, and
  # KUBE-FIREWALL (drops non-loopback packets to 127.0.0.0/8), with the jumps to it.
  local cmd table chain
  for cmd in iptables ip6tables; do
    command -v "$cmd" >/dev/null || continue
    for chain in INPUT OUTPUT; do
      while "$cmd" -w -t filter -D "$chain" -j KUBE-FIREWALL 2>/dev/null; do :; done
    done
    for table in mangle nat filter; do
      for chain in KUBE-KUBELET-CANARY KUBE-IPTABLES-HINT KUBE-FIREWALL; do
        "$cmd" -w -t "$table" -F "$chain" 2>/dev/null && "$cmd" -w -t "$table" -X "$chain" 2>/dev/null
      done
    done
  done
  # iptables-nft leaves the tables it made for those chains, empty: drop the empty ones that were
  # not there before.
  if [ -f "$d/host-nft-tables" ]; then
    local t
    while IFS= read -r t; do
      grep -qxF "$t" "$d/host-nft-tables" && continue
      # shellcheck disable=SC2086  # "table FAMILY NAME": three words for nft
      [ "$(nft list $t 2>/dev/null | grep -cvE '^\s*(table |chain |type |\}|$)')" = 0 ] && nft delete $t 2>/dev/null
    done < <(nft list tables 2>/dev/null)
  fi
}

# --- the node's processes --------------------------------------------------------------------
node_start() { # NAME COMMAND...
  local d; d=$(node_dir)
  local name=$1; shift
  asm::proc::start "$d/$name.pid" "$d/$name.log" "$@"
}
node_alive_or_die() { # NAME
  local d; d=$(node_dir)
  asm::proc::alive "$(cat "$d/$1.pid" 2>/dev/null)" ||
    { sed 's/^/  /' "$d/$1.log" | tail -n 15 >&2; asm::log::die "$1 exited at start (log: $d/$1.log)"; }
}

node_registry() {
  local d; d=$(node_dir)
  registry_port=$(asm::net::free_port)
  mkdir -p "$d/registry/data"
  cat >"$d/registry/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $d/registry/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$registry_port
  secret: asm-ready-local-cluster
EOF
  echo "127.0.0.1:$registry_port" >"$d/registry/address"
  node_start registry docker-registry serve "$d/registry/config.yml"
  # shellcheck disable=SC2317  # called through asm::wait::until
  registry_up() { curl -fs -o /dev/null "http://127.0.0.1:$registry_port/v2/"; }
  asm::wait::until 30 "the registry on 127.0.0.1:$registry_port" registry_up || node_alive_or_die registry
}

node_containerd() {
  local d; d=$(node_dir)
  local c=$d/containerd
  mkdir -p "$c/certs.d/_default" "$d/cni/net.d"
  # Every registry an image names is served by the one on loopback, over plain HTTP on 127.0.0.1.
  cat >"$c/certs.d/_default/hosts.toml" <<EOF
server = "http://127.0.0.1:$registry_port"
[host."http://127.0.0.1:$registry_port"]
  capabilities = ["pull", "resolve"]
EOF
  cat >"$c/config.toml" <<EOF
version = 3
root = "$c/root"
state = "$c/state"
[grpc]
  address = "$c/containerd.sock"
[plugins.'io.containerd.internal.v1.opt']
  path = "$c/opt"
[plugins.'io.containerd.grpc.v1.cri']
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
[plugins.'io.containerd.cri.v1.runtime']
  # Root here lacks CAP_SYS_RESOURCE: no process may lower its oom_score_adj, runc included.
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  [plugins.'io.containerd.cri.v1.runtime'.containerd]
    default_runtime_name = "runc"
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
        BinaryName = "$runc_bin"
        Root = "$c/runc"
        SystemdCgroup = false
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["/usr/lib/cni"]
    conf_dir = "$d/cni/net.d"
[plugins.'io.containerd.cri.v1.images']
  snapshotter = "overlayfs"
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = "$pause_image"
  [plugins.'io.containerd.cri.v1.images'.registry]
    config_path = "$c/certs.d"
EOF
  # The pods' network: a bridge that is the pods' gateway and carries the node's address. Routes to
  # the pod and Service ranges only; addresses from .200 up are left to LoadBalancer Services.
  local p=${pod_cidr%/*}
  cat >"$d/cni/net.d/10-asm-ready.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "asm-ready",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$node_bridge",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$d/cni/ipam",
        "ranges": [[{"subnet": "$pod_cidr", "gateway": "$(node_ip)", "rangeStart": "${p%.*}.2", "rangeEnd": "${p%.*}.199"}]],
        "routes": [{"dst": "$service_cidr"}]
      }
    }
  ]
}
EOF
  # The bridge exists before the first pod: the kubelet and CoreDNS listen on its address.
  ip link add "$node_bridge" type bridge
  ip addr add "$(node_ip)/${pod_cidr#*/}" dev "$node_bridge"
  ip link set "$node_bridge" up
  node_start containerd "$bin/containerd" --config "$c/config.toml"
  # shellcheck disable=SC2317  # called through asm::wait::until
  containerd_up() { "$bin/ctr" --address "$c/containerd.sock" version >/dev/null 2>&1; }
  asm::wait::until 30 "containerd's socket" containerd_up || node_alive_or_die containerd
  "$root/tools/local-cluster/pause-image" "$d/pause.tar" "$pause_image" ||
    asm::log::die "could not build the pod sandbox image"
  "$bin/ctr" --address "$c/containerd.sock" -n k8s.io images import "$d/pause.tar" >"$d/pause-import.log" 2>&1 ||
    asm::log::die "containerd could not import the pod sandbox image (log: $d/pause-import.log)"
}

node_kubelet() {
  local d; d=$(node_dir)
  local k=$d/kubelet
  mkdir -p "$k/root" "$k/pods-logs"
  # The kubelet puts its pods' cgroups under cgroupRoot, which must exist in every hierarchy.
  local h
  for h in /sys/fs/cgroup/*/; do
    [ -f "$h/cgroup.procs" ] && mkdir -p "$h${cgroup_root#/}"
  done
  cat >"$k/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# This host has cgroup v1 only; the kubelet refuses it unless told otherwise.
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: $cgroup_root
containerRuntimeEndpoint: unix://$d/containerd/containerd.sock
address: $(node_ip)
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 0
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $pki/ca.crt}
authorization: {mode: Webhook}
clusterDomain: cluster.local
clusterDNS: [$(dns_ip)]
# Pods with dnsPolicy Default get an empty resolv.conf: the host's resolver is never theirs.
resolvConf: ""
podLogsDir: $k/pods-logs
failSwapOn: false
# A disk shared with builds: evict only when it is really full, and keep the images.
evictionHard: {memory.available: 100Mi, nodefs.available: 2%, imagefs.available: 2%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
EOF
  node_start kubelet "$bin/kubelet" --config "$k/config.yaml" --kubeconfig "$kubeconfig" \
    --root-dir "$k/root" --cert-dir "$k/pki" --node-ip "$(node_ip)" --hostname-override "$node_name" --v=1
}

node_kube_proxy() {
  local d; d=$(node_dir)
  mkdir -p "$d/kube-proxy"
  cat >"$d/kube-proxy/config.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: nftables
clientConnection: {kubeconfig: $kubeconfig}
hostnameOverride: $node_name
clusterCIDR: $pod_cidr
bindAddress: $(node_ip)
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:$(asm::net::free_port)
# Leave the host's conntrack settings as they are.
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
nodePortAddresses: [$(node_ip)/32]
EOF
  node_start kube-proxy "$bin/kube-proxy" --config "$d/kube-proxy/config.yaml"
}

node_coredns() {
  local d; d=$(node_dir)
  mkdir -p "$d/coredns"
  coredns_ready_port=$(asm::net::free_port)
  # The cluster's names only; any other name gets REFUSED (no forward: nothing is asked of the host).
  cat >"$d/coredns/Corefile" <<EOF
cluster.local:53 in-addr.arpa:53 ip6.arpa:53 {
    bind $(node_ip)
    errors
    ready 127.0.0.1:$coredns_ready_port
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $kubeconfig
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    cache 5
}
EOF
  node_start coredns "$bin/coredns" -conf "$d/coredns/Corefile"
  # The Service pods' resolv.conf names (kubelet clusterDNS), backed by CoreDNS on the node's address.
  node_service kube-dns "$(dns_ip)" dns:53:53:UDP dns-tcp:53:53:TCP
}

# node_service NAME CLUSTER-IP PORT...: a Service in kube-system for a program that runs on the
# node itself, not in a pod: no selector, one EndpointSlice with the node's address. Each PORT is
# NAME:SERVICE-PORT:NODE-PORT:PROTOCOL; an empty CLUSTER-IP lets the API server choose one.
node_service() {
  local name=$1 cluster_ip=$2 port service_ports=() slice_ports=() n sp np proto; shift 2
  for port in "$@"; do
    IFS=: read -r n sp np proto <<<"$port"
    service_ports+=("{name: $n, port: $sp, targetPort: $np, protocol: $proto}")
    slice_ports+=("{name: $n, port: $np, protocol: $proto}")
  done
  local IFS=,
  "$bin/kubectl" apply -f - >/dev/null <<EOF
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: $name, namespace: kube-system, labels: {k8s-app: $name}}
    spec: {${cluster_ip:+clusterIP: $cluster_ip, }ports: [${service_ports[*]}]}
  - apiVersion: discovery.k8s.io/v1
    kind: EndpointSlice
    metadata:
      name: $name-node
      namespace: kube-system
      labels: {kubernetes.io/service-name: $name, endpointslice.kubernetes.io/managed-by: asm-ready.local}
    addressType: IPv4
    endpoints: [{addresses: ["$(node_ip)"], conditions: {ready: true}}]
    ports: [${slice_ports[*]}]
EOF
}

# metrics-server reads each kubelet's resource metrics (by InternalIP, the kubelet's self-signed
# serving certificate accepted) and serves metrics.k8s.io through the API server's aggregation
# layer: the HorizontalPodAutoscaler's and `kubectl top`'s source, as on GKE.
node_metrics_server() {
  local d; d=$(node_dir)
  local port; port=$(asm::net::free_port)
  mkdir -p "$d/metrics-server"
  node_start metrics-server "$bin/metrics-server" --secure-port "$port" --bind-address "$(node_ip)" \
    --cert-dir "$d/metrics-server" --kubeconfig "$kubeconfig" --authentication-kubeconfig "$kubeconfig" \
    --authorization-kubeconfig "$kubeconfig" --kubelet-preferred-address-types InternalIP \
    --kubelet-insecure-tls --kubelet-use-node-status-port --metric-resolution 15s
  node_service metrics-server "" "https:443:$port:TCP"
  "$bin/kubectl" apply -f - >/dev/null <<EOF
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.metrics.k8s.io, labels: {k8s-app: metrics-server}}
spec:
  service: {name: metrics-server, namespace: kube-system, port: 443}
  group: metrics.k8s.io
  version: v1beta1
  insecureSkipTLSVerify: true
  groupPriorityMinimum: 100
  versionPriority: 100
EOF
}

node_up() {
  local d; d=$(node_dir)
  mkdir -p "$d"
  node_save_host
  say "starting the node: registry, containerd, kubelet, kube-proxy, CoreDNS, metrics-server"
  node_registry
  node_containerd
  node_kubelet
  node_kube_proxy
  node_coredns
  node_metrics_server
  node_start load-balancer "$root/tools/local-cluster/load-balancer" "$kubeconfig" "$bin/kubectl" "$(lb_first)"
  local n
  for n in containerd kubelet kube-proxy coredns metrics-server load-balancer; do node_alive_or_die "$n"; done
  # shellcheck disable=SC2317  # called through asm::wait::until
  node_ready() { [ "$("$bin/kubectl" get node "$node_name" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]; }
  asm::wait::until 120 "the node $node_name Ready" node_ready ||
    { sed 's/^/  /' "$d/kubelet.log" | grep -E '^  E' | tail -n 10 >&2; asm::log::die "the kubelet did not register a Ready node within 120 s (log: $d/kubelet.log)"; }
  # shellcheck disable=SC2317  # called through asm::wait::until
  coredns_ready() { curl -fs -o /dev/null "http://127.0.0.1:$coredns_ready_port/ready"; }
  asm::wait::until 60 "CoreDNS ready" coredns_ready || asm::log::die "CoreDNS did not turn ready within 60 s (log: $d/coredns.log)"
}

# Stops what node_up started, in the order that lets each part clean up after the one before, and
# puts the host back as node_save_host found it. Safe to run on a half-started node.
node_down() {
  local d; d=$(node_dir)
  [ -d "$d" ] || return 0
  asm::proc::stop "$d/load-balancer.pid" 2
  asm::proc::stop "$d/kubelet.pid" 10
  # Every container and sandbox: SIGKILL their tasks through containerd while it still runs.
  local c=$d/containerd id
  local ctr=("$bin/ctr" --address "$c/containerd.sock" -n k8s.io)
  if [ -S "$c/containerd.sock" ] && [ -x "$bin/ctr" ]; then
    for id in $("${ctr[@]}" tasks list -q 2>/dev/null); do "${ctr[@]}" tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
  fi
  asm::proc::stop "$d/containerd.pid" 10
  # The shims outlive containerd; each is found by the socket in its command line.
  local pids
  pids=$(pgrep -f -- "-address $c/containerd.sock" || true)
  # shellcheck disable=SC2086
  [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
  asm::proc::stop "$d/metrics-server.pid" 5
  asm::proc::stop "$d/coredns.pid" 5
  asm::proc::stop "$d/kube-proxy.pid" 5
  if [ -x "$bin/kube-proxy" ]; then
    "$bin/kube-proxy" --cleanup --config "$d/kube-proxy/config.yaml" >/dev/null 2>&1 || true
  fi
  asm::proc::stop "$d/registry.pid" 5
  # Mounts under the state folder (pod volumes, container root file systems, network namespaces),
  # deepest first.
  local m
  while read -r m; do umount -l "$m" 2>/dev/null || true; done < <(awk -v s="$d/" 'index($2, s) == 1 {print $2}' /proc/self/mounts | sort -r)
  ip link del "$node_bridge" 2>/dev/null || true
  # Veths whose pod namespace is gone go with it; any left on the bridge went with the bridge's ports.
  local cg
  for cg in /sys/fs/cgroup/*"$cgroup_root"; do
    [ ! -d "$cg" ] || find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  node_restore_host
}
