# shellcheck shell=bash
# `clean`: the Applications (and the load balancer they made), the cluster, its fleet membership and,
# once no membership is left, the fleet's mesh feature, the nodes' service account unless a cluster
# still runs as it; the registry only with DELETE_REGISTRY=1. Each wait is bounded: a broken Argo CD
# or load balancer is reported and worked around, never a reason to keep a billed cluster.
# Sourced by tools/cluster/cluster (and by tools/local-cluster, for delete_applications).

# What clean left behind that it would have deleted, and why (said at the end).
LEFT=()

# The clusters of the project (any location) whose node pools run as the node service account.
clusters_using_node_sa() {
  gcloud container clusters list --project="$PROJECT_ID" \
    --format='value(name,location,nodePools[].config.serviceAccount)' |
    awk -F'\t' -v sa="$NODE_SA" 'index($3, sa) { print $1 " (" $2 ")" }'
}

# Its grants first (a deleted account would leave them behind as deleted:serviceAccount:...), then
# the account; each only if it is there, so a second clean finds nothing to do. Never while a
# cluster still runs as it: its nodes would lose their logs, metrics and image pulls.
remove_node_service_account() {
  local users
  users=$(clusters_using_node_sa) ||
    die "cannot list the clusters of project $PROJECT_ID, so node service account $NODE_SA is kept (it may be in use)"
  if [ -n "$users" ]; then
    LEFT+=("node service account $NODE_SA and its grants: cluster ${users//$'\n'/, } still runs as it (make clean with ZONE=<its location> deletes that cluster first)")
    say "Kept node service account $NODE_SA: cluster ${users//$'\n'/, } still runs as it"
    return
  fi
  if gcloud artifacts repositories describe "$REGISTRY_REPO" --location="$REGION" \
    --project="$PROJECT_ID" >/dev/null 2>&1 && has_role registry "$REGISTRY_ROLE"; then
    say "Revoking $REGISTRY_ROLE on repository $REGISTRY_REPO from the nodes"
    gcloud artifacts repositories remove-iam-policy-binding "$REGISTRY_REPO" --location="$REGION" \
      --member="serviceAccount:$NODE_SA" --role="$REGISTRY_ROLE" --project="$PROJECT_ID" >/dev/null
  fi
  if has_role project "$NODE_ROLE"; then
    say "Revoking $NODE_ROLE on project $PROJECT_ID from the nodes"
    gcloud projects remove-iam-policy-binding "$PROJECT_ID" --member="serviceAccount:$NODE_SA" \
      --role="$NODE_ROLE" --condition=None >/dev/null
  fi
  if node_sa_exists; then
    say "Deleting node service account $NODE_SA"
    gcloud iam service-accounts delete "$NODE_SA" --project="$PROJECT_ID" --quiet
  fi
}

load_balancers() {
  k -n "$APP_NS" get services -o jsonpath='{.items[?(@.spec.type=="LoadBalancer")].metadata.name}' 2>/dev/null || true
}
no_load_balancer_left() { [ -z "$(load_balancers)" ]; }
applications() { k -n "$ARGOCD_NS" get applications -o name 2>/dev/null || true; }
no_application_left() { [ -z "$(applications)" ]; }

# Applications first: their finalizer deletes what they made, the load balancer included, which
# deleting the cluster alone would leave behind (and billed). If Argo CD does not finish within
# CLEAN_TIMEOUT (its controller down, a resource stuck), the finalizers are removed, so the
# Applications go without deleting anything, and the LoadBalancer Services are deleted directly:
# their controller, not Argo CD, releases the Google Cloud load balancer. A load balancer still
# there after that is reported, with how to find it. The local cluster's tests run this too.
delete_applications() {
  local app svc
  if k get crd applications.argoproj.io >/dev/null 2>&1; then
    say "Deleting the Argo CD Applications; their finalizer deletes what they made (waiting up to ${CLEAN_TIMEOUT}s)"
    k -n "$ARGOCD_NS" delete applications --all --wait=false ||
      say "Deleting the Applications failed (above); going on with their finalizers"
    if asm::wait::until "$CLEAN_TIMEOUT" "Argo CD deleting its Applications" no_application_left; then
      say "The Applications and what they made are deleted"
    else
      for app in $(applications); do
        say "Application ${app##*/} is still there after ${CLEAN_TIMEOUT}s (is Argo CD's application controller running? kubectl -n $ARGOCD_NS get pods); removing its finalizer: it goes, and leaves what it made to the cluster's deletion"
        k -n "$ARGOCD_NS" patch "$app" --type=merge -p '{"metadata":{"finalizers":null}}' ||
          LEFT+=("Argo CD ${app##*/}: its finalizer could not be removed (above)")
      done
    fi
  fi
  for svc in $(load_balancers); do
    say "Deleting LoadBalancer Service $svc, so its Google Cloud load balancer is released before the cluster goes"
    k -n "$APP_NS" delete service "$svc" --wait=false || say "Deleting Service $svc failed (above)"
  done
  if ! asm::wait::until "$CLEAN_TIMEOUT" "the LoadBalancer Services of $APP_NS deleted" no_load_balancer_left; then
    svc=$(load_balancers)
    LEFT+=("the load balancer of Service ${svc// /, } in $APP_NS was not released within ${CLEAN_TIMEOUT}s, and may outlive the cluster (billed): gcloud compute forwarding-rules list --filter='description~$APP_NS/' --project=$PROJECT_ID")
    say "LoadBalancer Service ${svc// /, } is still there after ${CLEAN_TIMEOUT}s; deleting the cluster anyway"
  fi
}

# The fleet memberships named CLUSTER, in any location, whose GKE cluster no longer exists (one
# "location" a line): a membership of a cluster kept elsewhere stays.
stale_memberships() {
  local remaining
  remaining=$(cluster_locations) || return 1
  remaining=${remaining//$'\n'/ }
  gcloud container fleet memberships list --project="$PROJECT_ID" \
    --format='value(name,endpoint.gkeCluster.resourceLink)' |
    awk -F'\t' -v name="$CLUSTER" -v remaining="$remaining" '
      BEGIN { n = split(remaining, r, " "); for (i = 1; i <= n; i++) alive["/locations/" r[i] "/clusters/" name] = 1 }
      $1 ~ "/memberships/" name "$" {
        link = $2; sub(/^.*\/projects\/[^\/]*/, "", link)
        if (!(link in alive)) { loc = $1; sub(/^.*\/locations\//, "", loc); sub(/\/.*/, "", loc); print loc }
      }'
}

# What `make cluster` turned on in the fleet: this cluster's membership and, when no membership is
# left in the fleet, the mesh feature (a fleet-wide setting other clusters may use).
remove_fleet_parts() {
  local stale location others
  stale=$(stale_memberships) || { LEFT+=("fleet membership $CLUSTER: the memberships could not be listed"); return; }
  for location in $stale; do
    say "Deleting fleet membership $CLUSTER in $location"
    gcloud container fleet memberships delete "$CLUSTER" --location="$location" --project="$PROJECT_ID" --quiet
  done
  gcloud container fleet mesh describe --project="$PROJECT_ID" --format='value(name)' >/dev/null 2>&1 || return 0
  others=$(gcloud container fleet memberships list --project="$PROJECT_ID" \
    --format='value(name,endpoint.gkeCluster.resourceLink)' | awk '{ print $1 }') ||
    { LEFT+=("the fleet's Cloud Service Mesh feature: the memberships could not be listed"); return; }
  if [ -n "$others" ]; then
    say "Kept the fleet's Cloud Service Mesh feature: memberships ${others//$'\n'/, } remain"
  else
    say "Disabling the fleet's Cloud Service Mesh feature (no membership is left)"
    gcloud container fleet mesh disable --project="$PROJECT_ID"
  fi
}

cmd_clean() {
  check_prerequisites
  locate_cluster any
  local what="cluster $CLUSTER ($ZONE) in project $PROJECT_ID with everything Argo CD deployed"
  [ -n "$ZONE" ] || what="what make cluster made for $CLUSTER in project $PROJECT_ID (no cluster of that name exists)"
  [ "$DELETE_REGISTRY" = 1 ] && what="$what, and Artifact Registry repository $REGISTRY_REPO with its images"
  if [ "$YES" != 1 ]; then
    printf 'This deletes %s. Type yes to continue: ' "$what"
    local answer=
    read -r answer || true
    [ "$answer" = yes ] || die "nothing deleted"
  fi

  if [ -n "$ZONE" ]; then
    if get_credentials; then
      delete_applications
    else
      LEFT+=("what Argo CD deployed: cluster $CLUSTER could not be reached, so a load balancer may outlive it: gcloud compute forwarding-rules list --project=$PROJECT_ID")
    fi
    say "Deleting cluster $CLUSTER in $ZONE"
    gcloud container clusters delete "$CLUSTER" --location="$ZONE" --project="$PROJECT_ID" --quiet
  else
    say "Cluster $CLUSTER does not exist in any location of project $PROJECT_ID"
  fi
  remove_fleet_parts
  remove_node_service_account
  if [ "$DELETE_REGISTRY" = 1 ]; then
    if gcloud artifacts repositories describe "$REGISTRY_REPO" --location="$REGION" \
      --project="$PROJECT_ID" >/dev/null 2>&1; then
      say "Deleting Artifact Registry repository $REGISTRY_REPO"
      gcloud artifacts repositories delete "$REGISTRY_REPO" --location="$REGION" --project="$PROJECT_ID" --quiet
    fi
  else
    say "Kept Artifact Registry repository $REGISTRY_REPO in $REGION with its images (DELETE_REGISTRY=1 deletes it)"
  fi
  local apis=(container.googleapis.com artifactregistry.googleapis.com iam.googleapis.com "${MESH_APIS[@]}")
  say "Kept the enabled APIs ${apis[*]}: other resources of the project may use them (gcloud services disable turns one off)"
  if [ ${#LEFT[@]} -gt 0 ]; then
    say "Clean, except:"
    printf '    %s\n' "${LEFT[@]}"
  else
    say "Clean."
  fi
}
