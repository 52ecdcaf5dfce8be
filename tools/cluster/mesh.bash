# shellcheck shell=bash
# The mesh: managed Cloud Service Mesh through the fleet (or your own Istio with MESH=none), then
# the sync of the mesh objects and the restart of pods without a sidecar. Sourced by tools/cluster/cluster.

# The cluster's fleet membership, in the cluster's region (where GKE registers it).
membership_exists() {
  gcloud container fleet memberships describe "$CLUSTER" --location="$CLUSTER_REGION" \
    --project="$PROJECT_ID" >/dev/null 2>&1
}

control_plane_state() {
  local key
  key="projects/$PROJECT_NUMBER/locations/$CLUSTER_REGION/memberships/$CLUSTER"
  gcloud container fleet mesh describe --project="$PROJECT_ID" \
    --format="value(membershipStates.\"$key\".servicemesh.controlPlaneManagement.state)" 2>/dev/null || true
}

control_plane_active() { [ "$(control_plane_state)" = ACTIVE ]; }

# Managed Cloud Service Mesh through the fleet API: register the cluster, enable the mesh
# feature, ask for automatic management, and wait for the fleet to report the control plane.
mesh_managed() {
  PROJECT_NUMBER=$(project_number)
  if membership_exists; then
    say "Cluster $CLUSTER is registered to the fleet of $PROJECT_ID"
  else
    say "Registering cluster $CLUSTER to the fleet of $PROJECT_ID"
    # No --location: for a GKE cluster gcloud puts the membership in the cluster's region (its
    # --help: the flag is "not supported for GKE clusters"), where describe and update look for it;
    # make clean finds memberships in any location.
    gcloud container fleet memberships register "$CLUSTER" --gke-cluster="$ZONE/$CLUSTER" \
      --enable-workload-identity --project="$PROJECT_ID"
  fi
  say "Enabling Cloud Service Mesh on the fleet"
  gcloud container fleet mesh enable --project="$PROJECT_ID"
  gcloud container fleet mesh update --management=automatic --memberships="$CLUSTER" \
    --location="$CLUSTER_REGION" --project="$PROJECT_ID"
  say "Waiting for the managed control plane (usually about 10 minutes)"
  asm::wait::until "$MESH_TIMEOUT" "the mesh control plane of $CLUSTER ACTIVE" control_plane_active ||
    die "the mesh control plane of $CLUSTER is '$(control_plane_state)' after ${MESH_TIMEOUT}s, not ACTIVE (gcloud container fleet mesh describe)"
}

mesh_kinds_exist() {
  k get crd peerauthentications.security.istio.io authorizationpolicies.security.istio.io >/dev/null 2>&1
}

# The operation `argocd app sync` would set: Argo CD's API server copies the Application's
# spec.syncPolicy.syncOptions and retry into it, and the controller reads only the operation's
# options. Without them this sync would run without PruneLast, RespectIgnoreDifferences, ...
sync_operation() {
  local policy options retry
  policy=$(k -n "$ARGOCD_NS" get application "$APP" -o 'jsonpath={.spec.syncPolicy.syncOptions}{"\n"}{.spec.syncPolicy.retry}') ||
    die "cannot read the sync policy of Application $APP in namespace $ARGOCD_NS"
  options=$(head -n 1 <<<"$policy")
  retry=$(sed -n 2p <<<"$policy")
  case "$options" in "" | "["*"]") ;; *) die "Application $APP has spec.syncPolicy.syncOptions '$options'; expected a JSON list" ;; esac
  case "$retry" in "" | "{"*"}") ;; *) die "Application $APP has spec.syncPolicy.retry '$retry'; expected a JSON object" ;; esac
  printf '{"operation":{"initiatedBy":{"username":"make-mesh"},"sync":{"prune":true%s}%s}}' \
    "${options:+,\"syncOptions\":$options}" "${retry:+,\"retry\":$retry}"
}

# The pod-template-hash of a Deployment's current ReplicaSet: the one of the Deployment's revision.
current_pod_hash() {
  local revision
  revision=$(k -n "$APP_NS" get deployment "$1" -o 'jsonpath={.metadata.annotations.deployment\.kubernetes\.io/revision}')
  k -n "$APP_NS" get replicasets -l "app=$1" \
    -o 'jsonpath={range .items[*]}{.metadata.annotations.deployment\.kubernetes\.io/revision}|{.metadata.labels.pod-template-hash}{"\n"}{end}' |
    awk -F'|' -v revision="$revision" '$1 == revision { print $2 }'
}

# The running pods of a Deployment's current ReplicaSet that have no istio-proxy (a container or,
# native, an init container). Failed and evicted pods, terminating ones and those of an older
# ReplicaSet still scaling down do not count: a restart would not give them a sidecar, and
# counting them would restart the Deployment again on every run. The tutorial's Deployments select
# their pods by app=<name>.
pods_without_sidecar() {
  local hash selector="app=$1" name deleting containers
  hash=$(current_pod_hash "$1")
  [ -z "$hash" ] || selector="$selector,pod-template-hash=$hash"
  while IFS='|' read -r name deleting containers; do
    if [ -z "$name" ] || [ -n "$deleting" ]; then continue; fi
    case " $containers " in *" istio-proxy "*) ;; *) echo "$name" ;; esac
  done < <(k -n "$APP_NS" get pods -l "$selector" --field-selector=status.phase=Running \
    -o 'jsonpath={range .items[*]}{.metadata.name}|{.metadata.deletionTimestamp}|{.spec.containers[*].name} {.spec.initContainers[*].name}{"\n"}{end}')
}

# Once the mesh's kinds exist: sync now (rather than at the next retry), then restart the
# Deployments whose pods lack a sidecar, so they are recreated with one. The namespace's injection
# label alone changes no running pod; a Deployment whose pods all have theirs is left alone, so
# running this again restarts nothing.
mesh_sync_and_restart() {
  say "Waiting for the mesh's custom resource kinds"
  asm::wait::until "$WAIT_TIMEOUT" "the mesh's kinds in $CLUSTER" mesh_kinds_exist ||
    die "the mesh's kinds (PeerAuthentication, AuthorizationPolicy) do not exist in $CLUSTER: is a mesh installed?"
  local phase operation
  phase=$(k -n "$ARGOCD_NS" get application "$APP" -o jsonpath='{.status.operationState.phase}' 2>/dev/null || true)
  k -n "$ARGOCD_NS" annotate application "$APP" argocd.argoproj.io/refresh=hard --overwrite
  if [ "$phase" = Running ]; then
    say "A sync of $APP is already retrying; its next attempt applies the mesh objects"
  else
    say "Starting a sync of $APP to apply the mesh objects (with the Application's sync options)"
    operation=$(sync_operation)
    k -n "$ARGOCD_NS" patch application "$APP" --type=merge -p "$operation"
  fi
  wait_for_app
  local deployment ordered=("${SERVER_DEPLOYMENTS[@]}") missing
  for deployment in $(k -n "$APP_NS" get deployments -o name); do
    deployment=${deployment##*/}
    case " ${ordered[*]} " in *" $deployment "*) ;; *) ordered+=("$deployment") ;; esac
  done
  for deployment in "${ordered[@]}"; do
    missing=$(pods_without_sidecar "$deployment")
    if [ -z "$missing" ]; then
      say "Deployment $deployment: every pod has its sidecar; not restarted"
      continue
    fi
    say "Restarting deployment $deployment so its pods get the sidecar ($(grep -c . <<<"$missing") without)"
    k -n "$APP_NS" rollout restart "deployment/$deployment"
    k -n "$APP_NS" rollout status "deployment/$deployment" --timeout="${WAIT_TIMEOUT}s"
  done
}

cmd_mesh() {
  check_prerequisites
  locate_cluster existing
  get_credentials
  if [ "$MESH" = managed ]; then
    say "Enabling APIs: ${MESH_APIS[*]}"
    gcloud services enable "${MESH_APIS[@]}" --project="$PROJECT_ID"
    mesh_managed
  else
    say "MESH=none: using the Istio already installed in the cluster${ISTIO_REV:+ (revision $ISTIO_REV)}"
    if [ -n "$ISTIO_REV" ]; then
      k -n "$ARGOCD_NS" patch application "$APP" --type=merge -p "$(revision_patch)"
    fi
  fi
  mesh_sync_and_restart
}

