#!/usr/bin/env bash
# Makes the local Debian base image used by the example pipeline and the tests, without any registry:
# debootstrap a minimal bookworm with python3 (for Ansible) and openssh-server, then `docker import` it.
# The root filesystem tarball is cached, so a second run (or a CI re-run) only imports.
set -euo pipefail

IMAGE="${1:-${NX_BAKE_BASE_IMAGE:-nx-bake/debian:bookworm}}"
SUITE="${NX_BAKE_BASE_SUITE:-bookworm}"
MIRROR="${NX_BAKE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
CACHE_DIR="${NX_BAKE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/nx-bake}"
TARBALL="$CACHE_DIR/rootfs-$SUITE.tar"
PACKAGES="python3,openssh-server,sudo,ca-certificates,procps"

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "base image $IMAGE is present"
  exit 0
fi

mkdir -p "$CACHE_DIR"
if [ ! -s "$TARBALL" ]; then
  command -v debootstrap >/dev/null || { echo "debootstrap is missing: apt-get install debootstrap" >&2; exit 1; }
  ROOTFS="$(mktemp -d "$CACHE_DIR/rootfs.XXXXXX")"
  trap 'rm -rf "$ROOTFS"' EXIT
  echo "debootstrap $SUITE into $ROOTFS (a few minutes, once)"
  debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$ROOTFS" "$MIRROR" >"$CACHE_DIR/debootstrap.log" 2>&1 \
    || { tail -20 "$CACHE_DIR/debootstrap.log" >&2; exit 1; }
  # Package lists let provisioners `apt-get install` without an `apt-get update` of their own.
  chroot "$ROOTFS" apt-get update -qq >/dev/null 2>&1 || true
  chroot "$ROOTFS" apt-get clean
  mkdir -p "$ROOTFS/run/sshd"
  tar -C "$ROOTFS" --numeric-owner -cf "$TARBALL.tmp" .
  mv "$TARBALL.tmp" "$TARBALL"
fi

echo "docker import $TARBALL as $IMAGE"
docker import --change 'CMD ["/bin/bash"]' "$TARBALL" "$IMAGE" >/dev/null
echo "base image $IMAGE is ready"
