# shellcheck shell=bash
# `release`: push both images, then pin their tag and digest in clusters/asm-ready. Sourced by
# tools/cluster/cluster (and by tools/local-cluster, for pin_image).


# Rewrites newName/newTag/digest of one entry of the `images:` block, and nothing outside that block.
pin_image() {
  local name=$1 new_name=$2 new_tag=$3 digest=$4 file=$5
  awk -v name="$name" -v new_name="$new_name" -v new_tag="$new_tag" -v digest="$digest" '
    function flush() {
      if (entry && !wrote_name) print indent "  newName: " new_name
      if (entry && !wrote_tag) print indent "  newTag: \"" new_tag "\""
      if (entry && !wrote_digest) print indent "  digest: " digest
      entry = 0
    }
    /^images:/ { in_images = 1; print; next }
    in_images && /^[^ #-]/ { flush(); in_images = 0 }
    in_images && /^ *- / {
      flush()
      line = $0; sub(/-.*/, "", line); indent = line
      if ($0 ~ "^ *- +name: *\"?" name "\"? *(#.*)?$") { entry = 1; wrote_name = 0; wrote_tag = 0; wrote_digest = 0; found = 1 }
      print; next
    }
    entry && /^ +newName:/ { sub(/newName:.*/, "newName: " new_name); wrote_name = 1; print; next }
    entry && /^ +newTag:/ { sub(/newTag:.*/, "newTag: \"" new_tag "\""); wrote_tag = 1; print; next }
    entry && /^ +digest:/ { sub(/digest:.*/, "digest: " digest); wrote_digest = 1; print; next }
    { print }
    END { flush(); if (!found) exit 3 }
  ' "$file"
}

# The digest the registry holds for a pushed image: from tools/images' "pushed <image>:<tag> (sha256:...)"
# line, and for Artifact Registry also asked of the registry, which must agree (someone may have
# pushed the same tag meanwhile).
pushed_digest() {
  local image=$1 log=$2 digest registry
  digest=$(sed -n "s#^pushed $REGISTRY/$image:$TAG (\(sha256:[0-9a-f]\{64\}\))\$#\1#p" "$log" | tail -n 1)
  [ -n "$digest" ] ||
    die "tools/images printed no digest for $REGISTRY/$image:$TAG (expected a line 'pushed $REGISTRY/$image:$TAG (sha256:<64 hex digits>)'); nothing pinned"
  case "${REGISTRY%%/*}" in
    *-docker.pkg.dev)
      registry=$(gcloud artifacts docker images describe "$REGISTRY/$image:$TAG" \
        --format='value(image_summary.digest)') ||
        die "cannot read the digest of $REGISTRY/$image:$TAG from Artifact Registry; nothing pinned"
      [ "$registry" = "$digest" ] ||
        die "Artifact Registry holds $registry for $REGISTRY/$image:$TAG, but the push made $digest (was the tag pushed again meanwhile?); nothing pinned"
      ;;
  esac
  printf '%s\n' "$digest"
}

cmd_release() {
  [ -f "$KUSTOMIZATION" ] || die "${KUSTOMIZATION#"$ROOT"/} is missing"
  if [ -z "${REGISTRY:-}" ]; then
    PROJECT_ID=$(asm::gcp::project || true)
    [ -n "$PROJECT_ID" ] || die "set REGISTRY, or PROJECT_ID for the default $REGION-docker.pkg.dev/<project>/$REGISTRY_REPO"
    REGISTRY="$REGION-docker.pkg.dev/$PROJECT_ID/$REGISTRY_REPO"
  fi
  if [ -z "${TAG:-}" ]; then
    TAG=$("$ROOT/tools/image-tag")
    case "$TAG" in *-dirty) die "uncommitted changes: commit first so the tag ($TAG) names a commit, or set TAG" ;; esac
  fi
  REGISTRY=${REGISTRY%/}
  export REGISTRY TAG
  say "Pushing helloserver and loadgen to $REGISTRY with tag $TAG"
  # Edit a copy and replace the file only when both images are pinned: never half a release.
  local image digest pinned=()
  RELEASE_TMP=$(mktemp)
  trap 'rm -f "$RELEASE_TMP" "$RELEASE_TMP.next" "$RELEASE_TMP.push"' EXIT
  "$ROOT/tools/images" push | tee "$RELEASE_TMP.push"

  cp "$KUSTOMIZATION" "$RELEASE_TMP"
  for image in helloserver loadgen; do
    digest=$(pushed_digest "$image" "$RELEASE_TMP.push")
    pin_image "$image" "$REGISTRY/$image" "$TAG" "$digest" "$RELEASE_TMP" >"$RELEASE_TMP.next" ||
      die "no '- name: $image' entry in the images: block of ${KUSTOMIZATION#"$ROOT"/}; nothing pinned"
    mv "$RELEASE_TMP.next" "$RELEASE_TMP"
    pinned+=("$REGISTRY/$image:$TAG@$digest")
  done
  cp "$RELEASE_TMP" "$KUSTOMIZATION"
  say "Pinned ${pinned[*]} in ${KUSTOMIZATION#"$ROOT"/}"
  echo "Argo CD deploys them once you commit and push:"
  echo "  git commit -m \"Release $TAG\" -- clusters/asm-ready/kustomization.yaml && git push"
}

