# shellcheck shell=bash
# `clean`: the Applications (and the load balancer they made), the cluster, the fleet membership,
# the nodes' service account; the registry only with DELETE_REGISTRY=1. Sourced by tools/cluster/cluster.


# Its grants first (a deleted account would leave them behind as deleted:serviceAccount:...), then
# the account; each only if it is there, so a second clean finds nothing to do.
remove_node_service_account() {
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

no_load_balancer_left() {
  [ -z "$(k -n "$APP_NS" get services -o jsonpath='{.items[?(@.spec.type=="LoadBalancer")].metadata.name}' 2>/dev/null || true)" ]
}

# Applications first: their finalizer deletes what they made, the load balancer included, which
# deleting the cluster alone would leave behind (and billed). The local cluster's tests run this too.
delete_applications() {
  if k get crd applications.argoproj.io >/dev/null 2>&1; then
    say "Deleting the Argo CD Applications and the resources they made"
    k -n "$ARGOCD_NS" delete applications --all --wait=true --timeout="${WAIT_TIMEOUT}s"
  fi
  asm::wait::until "$WAIT_TIMEOUT" "no LoadBalancer Service in $APP_NS" no_load_balancer_left ||
    die "a LoadBalancer Service is still in $APP_NS after ${WAIT_TIMEOUT}s; cluster kept so it can be released"
}

cmd_clean() {
  check_prerequisites
  resolve_zone
  local what="cluster $CLUSTER ($ZONE) in project $PROJECT_ID with everything Argo CD deployed"
  [ "$DELETE_REGISTRY" = 1 ] && what="$what, and Artifact Registry repository $REGISTRY_REPO with its images"
  if [ "$YES" != 1 ]; then
    printf 'This deletes %s. Type yes to continue: ' "$what"
    local answer=
    read -r answer || true
    [ "$answer" = yes ] || die "nothing deleted"
  fi

  if [ -n "$(cluster_status)" ]; then
    get_credentials
    delete_applications
    say "Deleting cluster $CLUSTER"
    gcloud container clusters delete "$CLUSTER" --location="$ZONE" --project="$PROJECT_ID" --quiet
  else
    say "Cluster $CLUSTER does not exist in $ZONE"
  fi
  if membership_exists; then
    say "Deleting fleet membership $CLUSTER"
    gcloud container fleet memberships delete "$CLUSTER" --location="$REGION" --project="$PROJECT_ID" --quiet
  fi
  remove_node_service_account
  if [ "$DELETE_REGISTRY" = 1 ]; then
    if gcloud artifacts repositories describe "$REGISTRY_REPO" --location="$REGION" \
      --project="$PROJECT_ID" >/dev/null 2>&1; then
      say "Deleting Artifact Registry repository $REGISTRY_REPO"
      gcloud artifacts repositories delete "$REGISTRY_REPO" --location="$REGION" --project="$PROJECT_ID" --quiet
    fi
  else
    say "Kept Artifact Registry repository $REGISTRY_REPO (DELETE_REGISTRY=1 deletes it)"
  fi
  say "Clean."
}

