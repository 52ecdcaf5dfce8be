# asm-ready: every command a user needs, one target each. `make` alone lists them.
# Logic lives in tools/ (scripts with their own tests); this file only names and wires it.

SHELL := /bin/bash
.DEFAULT_GOAL := help
MVN := tools/mvn

# --- Settings a user changes (environment or `make VAR=value`); defaults live in the scripts ---
# PROJECT_ID (default: gcloud's current project)  REGION/ZONE (default: the cluster's, else us-central1 and its first zone UP)  CLUSTER=asm-ready
# MACHINE_TYPE=e2-standard-4  NUM_NODES=4  MIN_NODES/MAX_NODES (node autoscaling)  REGISTRY=$REGION-docker.pkg.dev/$PROJECT_ID/asm-ready
# TAG=<version>-<git rev>  BASE_IMAGE=<Java 25 JRE image>  MESH=managed|none  ISTIO_REV=<revision>
# AOT=0|1 (Java AOT caches: make run trains them on JDK 25+, images where podman runs; 0 = none, 1 = insist)  REVISION=<git rev for the OCI label>
# YES=1 (no prompts)  DELETE_REGISTRY=1  RPS=5 (make run's rate)  SCHEMAS_DIR=<pinned schemas>
export PROJECT_ID REGION ZONE CLUSTER MACHINE_TYPE NUM_NODES MIN_NODES MAX_NODES REGISTRY TAG BASE_IMAGE MESH ISTIO_REV \
       YES DELETE_REGISTRY RPS SCHEMAS_DIR AOT REVISION

.PHONY: help
help: ## List the targets (this text)
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2} /^##@/ {printf "\n%s\n", substr($$0, 5)}' $(MAKEFILE_LIST)

##@ Local (no cluster needed)
.PHONY: run run-server run-loadgen build test lint unit e2e drills bench clean-build
run: build ## Run helloserver on :8080 and loadgen at 5 req/s (RPS=...) against it; Ctrl-C stops both
	@tools/run-local both

run-server: build ## Run helloserver alone on :8080, health and metrics on :9090 (PORT, ADMIN_PORT)
	@tools/run-local server

run-loadgen: build ## Run loadgen alone (SERVER_ADDR, REQUESTS_PER_SECOND; health and metrics on ADMIN_PORT=9091)
	@tools/run-local loadgen

build: ## Compile and package both services (tests skipped)
	@$(MVN) -q package -DskipTests

test: ## The whole test suite: shellcheck, the shell library, unit, manifests on a real API server, make run, cluster scripts, images, quick drills
	@tools/prereqs
	@tools/shellcheck
	@bats tools/lib/lib.bats
	@# The pinned kubectl/kustomize/istioctl/... first on PATH (built from source on the first run).
	@bin=$$(tools/gotools/build) && PATH=$$bin:$$PATH $(MVN) verify
	@bats tools/tests/run-local.bats
	@tools/cluster/test
	@tools/local-cluster/test
	@tools/e2e/run
	@tools/drills/run quick

unit: ## Java tests only (both services and the manifest checks)
	@$(MVN) verify

lint: ## Render and validate clusters/, argocd/ and skaffold.yaml against their schemas; shellcheck every shell script in tools/
	@$(MVN) -pl tools/lint -am verify -Dsurefire.failIfNoSpecifiedTests=false
	@tools/shellcheck

e2e: ## Build both images offline and run them with podman
	@tools/e2e/run

drills: ## Fault drills: rolling restart, server down and hung, hostile input, soak
	@tools/drills/run all

bench: ## Benchmarks against nginx, a plain Helidon hello and wrk; targets met/not met on screen, JSON under target/bench
	@tools/bench/run

clean-build: ## Remove build output (target/ folders)
	@$(MVN) -q clean
	@$(MVN) -q -f tools/bench/plain-hello/pom.xml clean

##@ Local cluster (real Kubernetes, containerd, Istio and Argo CD programs built from source, offline)
.PHONY: tools local-cluster local-clean
tools: ## Build the pinned Kubernetes, containerd, CoreDNS, etcd, kwok, istioctl, kustomize, Argo CD and Skaffold once per machine
	@tools/gotools/build >/dev/null && tools/gotools/build --list

local-cluster: ## Start a control plane and one real node (root), Argo CD syncing a release of this tree; prints the env file to source
	@tools/local-cluster/local-cluster up

local-clean: ## Stop the local cluster, remove its state and put the host back as it was
	@tools/local-cluster/local-cluster down

##@ Images
.PHONY: images push
images: ## Build both images as tarballs under apps/*/target (no daemon; BASE_IMAGE=tarball: no registry either)
	@tools/images tar

push: ## Push both images to REGISTRY (Artifact Registry by default) tagged TAG
	@tools/images push

##@ Inner loop
.PHONY: dev
dev: ## skaffold dev against your current kube context (namespace asm-ready-dev)
	@command -v skaffold >/dev/null || { echo "error: skaffold is not installed; see https://skaffold.dev/docs/install/" >&2; exit 1; }
	@# Skaffold's Jib builder runs ./mvnw with the caller's JAVA_HOME: give it a JDK 21+.
	@# No unit tests on a rebuild: skaffold.yaml's Jib artifacts pass -Dmaven.test.skip=true themselves.
	JAVA_HOME=$$(tools/find-jdk) skaffold dev $(SKAFFOLD_FLAGS)

##@ Cluster (GKE + Argo CD + Cloud Service Mesh)
.PHONY: cluster mesh verify status release clean
cluster: ## Create the GKE cluster, install Argo CD and the mesh, sync clusters/asm-ready
	@tools/cluster/cluster up

mesh: ## Enable managed Cloud Service Mesh, then let the mesh objects sync
	@tools/cluster/cluster mesh

verify: ## Check the live system as the tutorial does (pods, logs, curl, sidecars, mTLS)
	@tools/cluster/cluster verify

status: ## Show Argo CD sync state, pods and the external IP
	@tools/cluster/cluster status

release: ## Push images, then pin their tags in clusters/asm-ready for Argo CD to pick up
	@tools/cluster/cluster release

clean: ## Delete the Applications, then the cluster (YES=1 skips the prompt, DELETE_REGISTRY=1 the images too)
	@tools/cluster/cluster clean
