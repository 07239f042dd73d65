#!/usr/bin/env bash
# Makes the local Debian base image used by the example pipeline and the tests, without any registry:
# debootstrap a minimal bookworm that can boot as a machine (systemd as PID 1, dbus, cloud-init) and has
# python3 and python3-apt (for Ansible) and openssh-server, then `docker import` it.
# The root filesystem tarball is cached per recipe, so a second run (or a CI re-run) only imports. The image
# carries the recipe's hash as a label: an image made from another recipe is stale and is replaced.
set -euo pipefail

IMAGE="${1:-${NX_BAKE_BASE_IMAGE:-nx-bake/debian:bookworm}}"
SUITE="${NX_BAKE_BASE_SUITE:-bookworm}"
MIRROR="${NX_BAKE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
CACHE_DIR="${NX_BAKE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/nx-bake}"
# python3-apt: Ansible's apt module re-execs itself to install it when it is missing, which Mitogen cannot follow.
PACKAGES="python3,python3-apt,openssh-server,sudo,ca-certificates,procps"
# Installed by apt in the debootstrapped root, not by debootstrap's --include: debootstrap configures an
# --include list in its own order, which fails on cloud-init's Python dependencies (python3-cryptography).
MACHINE_PACKAGES="systemd systemd-sysv dbus cloud-init"
RECIPE_LABEL="nx-bake.base-recipe"

# What is done to the root filesystem after debootstrap. Part of the recipe: its text enters the hash.
prepare_rootfs() {
  local root="$1"
  # Package lists let provisioners `apt-get install` without an `apt-get update` of their own.
  chroot "$root" apt-get update -qq >/dev/null
  # No service starts inside the chroot while packages are installed.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod +x "$root/usr/sbin/policy-rc.d"
  # shellcheck disable=SC2086 # a list of package names
  chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $MACHINE_PACKAGES \
    >"$root.apt.log" 2>&1 || { tail -20 "$root.apt.log" >&2; exit 1; }
  rm -f "$root.apt.log"
  rm -f "$root/usr/sbin/policy-rc.d"
  chroot "$root" apt-get clean
  mkdir -p "$root/run/sshd"
  # cloud-init looks for a NoCloud seed (/var/lib/cloud/seed/nocloud/, which the fake DigitalOcean writes)
  # or a config drive (DigitalOcean's own datasource). Two entries make ds-identify search (with one it
  # would trust it blindly): without a seed it finds nothing and cloud-init stays off, so a container
  # booted from this image for a Docker build is not reconfigured (no default user, no new host keys),
  # and no boot waits on a metadata service that is not there.
  mkdir -p "$root/etc/cloud/cloud.cfg.d"
  # C.UTF-8 is built into glibc: cloud-init's default (en_US.UTF-8) is not generated in a minimal root.
  printf 'datasource_list: [ NoCloud, ConfigDrive ]\nlocale: C.UTF-8\n' >"$root/etc/cloud/cloud.cfg.d/90-nx-bake.cfg"
  # Containers of this image share the host's network (builds and fake droplets alike): an sshd started
  # at boot would listen on the host's *:22. The fake DigitalOcean starts sshd on the droplet's address.
  chroot "$root" systemctl disable ssh.service >/dev/null 2>&1
  # A container has no consoles to log in on: the gettys would only fail and mark the system degraded.
  chroot "$root" systemctl mask getty@tty1.service console-getty.service >/dev/null
  # The image's identity must come from the machine booted from it, not from the image.
  : >"$root/etc/machine-id"
  rm -f "$root/var/lib/dbus/machine-id"
}

# The recipe: everything that decides the root filesystem's content (not where it is downloaded from).
RECIPE="suite=$SUITE packages=$PACKAGES machine-packages=$MACHINE_PACKAGES import=CMD [\"/bin/bash\"]
$(declare -f prepare_rootfs)"
RECIPE_HASH="$(printf '%s' "$RECIPE" | sha256sum | cut -c1-16)"
TARBALL="$CACHE_DIR/rootfs-$SUITE-$RECIPE_HASH.tar"

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  current="$(docker image inspect --format "{{ index .Config.Labels \"$RECIPE_LABEL\" }}" "$IMAGE" 2>/dev/null || true)"
  if [ "$current" = "$RECIPE_HASH" ]; then
    echo "base image $IMAGE is present (recipe $RECIPE_HASH)"
    exit 0
  fi
  echo "base image $IMAGE was made from recipe '${current:-none}', not $RECIPE_HASH: making it again"
  STALE_ID="$(docker image inspect --format '{{ .Id }}' "$IMAGE")"
fi

mkdir -p "$CACHE_DIR"
if [ ! -s "$TARBALL" ]; then
  command -v debootstrap >/dev/null || { echo "debootstrap is missing: apt-get install debootstrap" >&2; exit 1; }
  ROOTFS="$(mktemp -d "$CACHE_DIR/rootfs.XXXXXX")"
  trap 'rm -rf "$ROOTFS" "$TARBALL.tmp"' EXIT
  echo "debootstrap $SUITE into $ROOTFS (a few minutes, once per recipe)"
  debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$ROOTFS" "$MIRROR" >"$CACHE_DIR/debootstrap-$RECIPE_HASH.log" 2>&1 \
    || { tail -20 "$CACHE_DIR/debootstrap-$RECIPE_HASH.log" >&2; exit 1; }
  prepare_rootfs "$ROOTFS"
  tar -C "$ROOTFS" --numeric-owner -cf "$TARBALL.tmp" .
  mv "$TARBALL.tmp" "$TARBALL"
fi

echo "docker import $TARBALL as $IMAGE (recipe $RECIPE_HASH)"
docker import --change 'CMD ["/bin/bash"]' --change "LABEL $RECIPE_LABEL=$RECIPE_HASH" "$TARBALL" "$IMAGE" >/dev/null
# The stale image goes once untagged, unless a container or another image still uses it.
[ -z "${STALE_ID:-}" ] || docker rmi "$STALE_ID" >/dev/null 2>&1 || true
echo "base image $IMAGE is ready"
