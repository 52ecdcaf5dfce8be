# shellcheck shell=bash
# Google Cloud: prerequisites, the project, zone, APIs, the registry, the nodes' service account and
# its grants, the cluster. Sourced by tools/cluster/cluster.

# --- prerequisites -------------------------------------------------------------------------

# Every missing piece is reported on its own line before anything is created.
check_prerequisites() {
  local missing=()
  command -v gcloud >/dev/null 2>&1 ||
    missing+=("gcloud is not on PATH: install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install)")
  command -v kubectl >/dev/null 2>&1 ||
    missing+=("kubectl is not on PATH: gcloud components install kubectl (or apt-get install kubectl)")
  command -v gke-gcloud-auth-plugin >/dev/null 2>&1 ||
    missing+=("gke-gcloud-auth-plugin is not on PATH (kubectl needs it for GKE): gcloud components install gke-gcloud-auth-plugin")
  if command -v gcloud >/dev/null 2>&1; then
    PROJECT_ID=$(asm::gcp::project || true)
    [ -n "$PROJECT_ID" ] ||
      missing+=("PROJECT_ID is not set and gcloud has no default project: export PROJECT_ID=<your project> (or gcloud config set project <id>)")
    [ -n "$(gcloud auth list --filter=status:ACTIVE --format='value(account)' 2>/dev/null || true)" ] ||
      missing+=("no active gcloud login: gcloud auth login")
  fi
  case "$MESH" in managed | none) ;; *) missing+=("MESH=$MESH is not valid: use MESH=managed or MESH=none") ;; esac
  if [ -n "$ISTIO_REV" ] && [ "$MESH" != none ]; then
    missing+=("ISTIO_REV=$ISTIO_REV only applies to your own Istio: set MESH=none with it")
  fi
  if { [ -n "$MIN_NODES" ] && [ -z "$MAX_NODES" ]; } || { [ -z "$MIN_NODES" ] && [ -n "$MAX_NODES" ]; }; then
    missing+=("MIN_NODES and MAX_NODES go together: set both to autoscale the node pool, or neither")
  fi
  if [ ${#NODE_SA_NAME} -gt 30 ]; then
    missing+=("CLUSTER=$CLUSTER is too long: its node service account $NODE_SA_NAME must be at most 30 characters")
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    printf 'missing: %s\n' "${missing[@]}" >&2
    exit 2
  fi
  export PROJECT_ID
  NODE_SA="$NODE_SA_NAME@$PROJECT_ID.iam.gserviceaccount.com"
}

# The locations (zones or regions) of the clusters named CLUSTER in the project, one a line.
cluster_locations() {
  gcloud container clusters list --project="$PROJECT_ID" --filter="name=$CLUSTER" --format='value(location)'
}

# The region of a zone (us-central1-a), or the location itself when it is a region.
region_of() { case "$1" in *-[a-z]) echo "${1%-*}" ;; *) echo "$1" ;; esac; }

# ZONE: where the cluster named CLUSTER is, found by name in any location of the project, so every
# command reaches the cluster `up` made, whatever REGION or ZONE it runs with now. Only `up` without
# such a cluster chooses a zone: ZONE, else the first zone of REGION (by name) that is UP; from then
# on the cluster's own location is the record of that choice, the same on every machine. REGION,
# unless given, follows the cluster; the fleet membership is in the cluster's region (CLUSTER_REGION).
# $1: create (up: choose when there is none), existing (stop when there is none), any (clean: none
# is fine, ZONE stays empty).
locate_cluster() {
  local want=$1 found
  found=$(cluster_locations) ||
    die "cannot list the clusters of project $PROJECT_ID (gcloud container clusters list); nothing changed"
  if [ -n "$found" ]; then
    if [ -n "$ZONE" ] && ! grep -qxF -- "$ZONE" <<<"$found"; then
      die "cluster $CLUSTER is in ${found//$'\n'/, } of project $PROJECT_ID, not in ZONE=$ZONE: unset ZONE to use it, or set CLUSTER=<another name>; nothing changed"
    fi
    if [ -z "$ZONE" ] && [ "$(grep -c . <<<"$found")" -gt 1 ]; then
      die "clusters named $CLUSTER are in ${found//$'\n'/ and } of project $PROJECT_ID: set ZONE=<one of them>; nothing changed"
    fi
    [ -n "$ZONE" ] || say "Cluster $CLUSTER is in $found"
    ZONE=${ZONE:-$found}
  else
    case "$want" in
      existing) die "no cluster named $CLUSTER in project $PROJECT_ID, in any location (make cluster creates it)" ;;
      create)
        # Needs the Compute Engine API, which enabling the GKE API turns on.
        if [ -z "$ZONE" ]; then
          ZONE=$(gcloud compute zones list --filter="region:$REGION AND status:UP" --format='value(name)' \
            --sort-by=name --limit=1 --project="$PROJECT_ID" 2>/dev/null || true)
          [ -n "$ZONE" ] ||
            die "no zone of REGION=$REGION is UP in project $PROJECT_ID (gcloud compute zones list); set REGION to a region, or ZONE=<zone>"
          say "Zone $ZONE (the first of $REGION; ZONE=<zone> picks another)"
        fi ;;
    esac
  fi
  if [ -n "$ZONE" ]; then
    CLUSTER_REGION=$(region_of "$ZONE")
    [ -n "$REGION_GIVEN" ] || REGION=$CLUSTER_REGION
  fi
  # shellcheck disable=SC2034 # the images' registry, for argocd.bash's check of the pins
  REGISTRY=${REGISTRY_GIVEN:-$REGION-docker.pkg.dev/$PROJECT_ID/$REGISTRY_REPO}
  KCTX="gke_${PROJECT_ID}_${ZONE}_${CLUSTER}"
}

# Runs a command, keeping its output in LAST_OUTPUT instead of printing it: for wait_for, so that
# a call retried until it succeeds does not print every failure.
quietly() { LAST_OUTPUT=$("$@" 2>&1); }

# iam_try ROLE COMMAND...: one try of an IAM grant, for asm::wait::until. True once it succeeds,
# false when refused for a reason that passes (a new account is unknown to IAM for a moment); a
# PERMISSION_DENIED ends the script at once, since waiting does not give the caller ROLE.
iam_try() {
  local needed=$1
  shift
  "$@" && return 0
  case "$LAST_OUTPUT" in
    *PERMISSION_DENIED* | *"does not have permission"*)
      die "permission denied: your account needs $needed to grant the nodes their roles ($(tail -n 1 <<<"$LAST_OUTPUT"))" ;;
  esac
  return 1
}

# kubectl always against this cluster's context, whatever the user's current context is.
k() { kubectl --context="$KCTX" "$@"; }

project_number() {
  gcloud projects describe "$PROJECT_ID" --format='value(projectNumber)'
}


enable_apis() {
  local apis=(container.googleapis.com artifactregistry.googleapis.com iam.googleapis.com)
  [ "$MESH" != managed ] || apis+=("${MESH_APIS[@]}")
  say "Enabling APIs: ${apis[*]}"
  gcloud services enable "${apis[@]}" --project="$PROJECT_ID"
}

ensure_registry() {
  if gcloud artifacts repositories describe "$REGISTRY_REPO" --location="$REGION" \
    --project="$PROJECT_ID" >/dev/null 2>&1; then
    say "Artifact Registry repository $REGISTRY_REPO exists in $REGION"
    return
  fi
  say "Creating Artifact Registry repository $REGISTRY_REPO in $REGION"
  gcloud artifacts repositories create "$REGISTRY_REPO" --repository-format=docker \
    --location="$REGION" --description="asm-ready images (helloserver, loadgen)" \
    --project="$PROJECT_ID"
}

node_sa_exists() {
  gcloud iam service-accounts describe "$NODE_SA" --project="$PROJECT_ID" >/dev/null 2>&1
}

# Whether the node service account holds ROLE on the project (project) or on the repository (registry).
has_role() {
  local where=$1 role=$2 filter
  filter="bindings.role=$role AND bindings.members=serviceAccount:$NODE_SA"
  case "$where" in
    project)
      [ -n "$(gcloud projects get-iam-policy "$PROJECT_ID" --flatten='bindings[].members' \
        --filter="$filter" --format='value(bindings.role)' 2>/dev/null || true)" ] ;;
    registry)
      [ -n "$(gcloud artifacts repositories get-iam-policy "$REGISTRY_REPO" --location="$REGION" \
        --project="$PROJECT_ID" --flatten='bindings[].members' --filter="$filter" \
        --format='value(bindings.role)' 2>/dev/null || true)" ] ;;
  esac
}

# The nodes run as their own service account with only what nodes need: GKE's node role on the
# project (logs, metrics, ...) and read access to this repository's images, nothing else.
ensure_node_service_account() {
  if node_sa_exists; then
    say "Node service account $NODE_SA exists"
  else
    say "Creating node service account $NODE_SA"
    gcloud iam service-accounts create "$NODE_SA_NAME" --display-name="$CLUSTER GKE nodes" \
      --project="$PROJECT_ID"
  fi
  # A new account takes a moment to be known to IAM everywhere: a grant may be refused meanwhile.
  if ! has_role project "$NODE_ROLE"; then
    say "Granting $NODE_ROLE on project $PROJECT_ID to the nodes"
    asm::wait::until "$WAIT_TIMEOUT" "$NODE_ROLE granted to $NODE_SA" \
      iam_try "roles/resourcemanager.projectIamAdmin on project $PROJECT_ID" quietly gcloud projects add-iam-policy-binding "$PROJECT_ID" \
      --member="serviceAccount:$NODE_SA" --role="$NODE_ROLE" --condition=None ||
      die "granting $NODE_ROLE to $NODE_SA failed for ${WAIT_TIMEOUT}s: $(tail -n 1 <<<"$LAST_OUTPUT")"
  fi
  if ! has_role registry "$REGISTRY_ROLE"; then
    say "Granting $REGISTRY_ROLE on repository $REGISTRY_REPO to the nodes"
    asm::wait::until "$WAIT_TIMEOUT" "$REGISTRY_ROLE granted to $NODE_SA" \
      iam_try "roles/artifactregistry.admin on repository $REGISTRY_REPO" quietly gcloud artifacts repositories add-iam-policy-binding "$REGISTRY_REPO" \
      --location="$REGION" --member="serviceAccount:$NODE_SA" --role="$REGISTRY_ROLE" --project="$PROJECT_ID" ||
      die "granting $REGISTRY_ROLE on $REGISTRY_REPO to $NODE_SA failed for ${WAIT_TIMEOUT}s: $(tail -n 1 <<<"$LAST_OUTPUT")"
  fi
}

cluster_status() {
  gcloud container clusters describe "$CLUSTER" --location="$ZONE" --project="$PROJECT_ID" \
    --format='value(status)' 2>/dev/null || true
}

cluster_running() { [ "$(cluster_status)" = RUNNING ]; }

# A cluster left in a state make cluster cannot continue from: say so before creating anything.
refuse_failed_cluster() {
  local status
  status=$(cluster_status)
  case "$status" in
    "" | RUNNING | DEGRADED | PROVISIONING | RECONCILING) ;;
    *) die "cluster $CLUSTER is $status; delete it (make clean) and run make cluster again" ;;
  esac
}

ensure_cluster() {
  local status
  status=$(cluster_status)
  case "$status" in
    RUNNING | DEGRADED)
      say "Cluster $CLUSTER exists in $ZONE ($status)"
      local runs_as
      runs_as=$(gcloud container clusters describe "$CLUSTER" --location="$ZONE" --project="$PROJECT_ID" \
        --format='value(nodeConfig.serviceAccount)' 2>/dev/null || true)
      if [ -n "$runs_as" ] && [ "$runs_as" != "$NODE_SA" ]; then
        say "Note: its nodes run as $runs_as, not $NODE_SA; a node pool keeps its account, so if pods cannot pull their images (ImagePullBackOff), make clean and make cluster again"
      fi
      ;;
    PROVISIONING | RECONCILING)
      say "Cluster $CLUSTER is $status; waiting for it"
      asm::wait::until "$WAIT_TIMEOUT" "cluster $CLUSTER RUNNING" cluster_running ||
        die "cluster $CLUSTER is $(cluster_status) after ${WAIT_TIMEOUT}s, not RUNNING"
      ;;
    "")
      local flags=(
        --location="$ZONE" --project="$PROJECT_ID"
        --machine-type="$MACHINE_TYPE" --num-nodes="$NUM_NODES"
        --release-channel="$RELEASE_CHANNEL"
        --workload-pool="$PROJECT_ID.svc.id.goog"
        --labels="mesh_id=proj-$(project_number)"
        --service-account="$NODE_SA"
        --enable-managed-prometheus
      )
      if [ -n "$MIN_NODES" ]; then
        flags+=(--enable-autoscaling --min-nodes="$MIN_NODES" --max-nodes="$MAX_NODES")
      fi
      say "Creating cluster $CLUSTER in $ZONE ($NUM_NODES x $MACHINE_TYPE; this takes several minutes)"
      gcloud container clusters create "$CLUSTER" "${flags[@]}"
      ;;
    *)
      die "cluster $CLUSTER is $status; delete it (make clean) and run make cluster again"
      ;;
  esac
}

get_credentials() {
  gcloud container clusters get-credentials "$CLUSTER" --location="$ZONE" --project="$PROJECT_ID"
}

