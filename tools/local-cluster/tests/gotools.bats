# tools/gotools/build: the field's programs built from their pinned Go modules, once per machine.

load helpers

BUILD=$SRC/tools/gotools/build

setup_file() { export BIN; BIN=$("$BUILD"); }

# pinned TOOL: the version its wrapper go.mod pins (tools/gotools/build --list)
pinned() { "$BUILD" --list | awk -v t="$1" '$1 == t { print $3 }'; }

@test "a second run builds nothing and prints the same bin folder" {
  run "$BUILD"
  [ "$status" -eq 0 ]
  [ "$output" = "$BIN" ]
}

@test "every binary reports the version its wrapper pins (kwokctl reads them)" {
  k8s=$(pinned kubernetes)
  for b in kube-apiserver kube-controller-manager kube-scheduler; do
    [ "$("$BIN/$b" --version)" = "Kubernetes $k8s" ]
  done
  "$BIN/kubectl" version --client -o json | jq -e --arg v "$k8s" '.clientVersion.gitVersion == $v'
  [ "$("$BIN/etcd" --version | head -n 1)" = "etcd Version: $(pinned etcd | sed 's/^v//')" ]
  [[ $("$BIN/kwokctl" --version) == "kwokctl version $(pinned kwok) "* ]]
  [ "$("$BIN/kustomize" version)" = "$(pinned kustomize)" ]
  [ "$("$BIN/skaffold" version)" = "$(pinned skaffold)" ]
  [[ $("$BIN/argocd" version --client --short) == "argocd: $(pinned argocd)+"* ]]
  release=$(sed -n 's|^// release: *||p' "$SRC/tools/gotools/istioctl/go.mod")
  [ "$("$BIN/istioctl" version --remote=false)" = "client version: $release" ]
}

@test "a failed build names the tool and version in its last line and installs nothing" {
  cache=$BATS_TEST_TMPDIR/tools
  # An impossible target: go build fails at once, as it would on a broken module or toolchain.
  run env ASMREADY_TOOLS="$cache" GOARCH=nonsense "$BUILD" kustomize
  echo "$output"
  [ "$status" -eq 1 ]
  [ "${lines[-1]}" = "error: building kustomize $(pinned kustomize) failed (output above); nothing was installed" ]
  [ -z "$(find "$cache" -mindepth 1 -not -name '.*.lock')" ]
}
