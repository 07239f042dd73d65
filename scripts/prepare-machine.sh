#!/usr/bin/env bash
# Installs and starts what bakes and tests need on a fresh Debian machine: Docker engine, ansible (and ansible-mitogen),
# debootstrap, OpenSSH, docker-registry, awscli, python3-botocore and packer (the fake EC2's tests); the npm dependencies; the local Debian base image; a loopback registry and
# a second Docker engine (scripts/start-registry.sh, start-docker-b.sh). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "[prepare] $*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

needed=()
command -v dockerd >/dev/null || needed+=(docker.io)
command -v ansible-playbook >/dev/null || needed+=(ansible)
command -v debootstrap >/dev/null || needed+=(debootstrap)
command -v sshd >/dev/null || [ -x /usr/sbin/sshd ] || needed+=(openssh-server)
command -v ssh >/dev/null || needed+=(openssh-client)
command -v docker-registry >/dev/null || needed+=(docker-registry)
# The ansible provisioner's fast path (Mitogen's strategy) for the Python that runs ansible-playbook.
dpkg -s ansible-mitogen >/dev/null 2>&1 || needed+=(ansible-mitogen)
# The fake EC2's contract (botocore's EC2 model) and the official CLI its tests drive it with.
[ -x /usr/bin/aws ] || needed+=(awscli)
dpkg -s python3-botocore >/dev/null 2>&1 || needed+=(python3-botocore)
# HashiCorp Packer 1.6.6: a client of the fakes nobody here wrote (fake-ec2's tests), and the benchmarks' reference.
[ -x /usr/bin/packer ] || needed+=(packer)
if [ "${#needed[@]}" -gt 0 ]; then
  say "installing ${needed[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  say "starting dockerd"
  # No bridge network: builds use the host network, so nothing talks to an address outside loopback.
  as_root sh -c 'nohup dockerd --bridge=none --iptables=false >/var/log/nx-bake-dockerd.log 2>&1 &'
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { tail -20 /var/log/nx-bake-dockerd.log >&2; exit 1; }
fi

if [ ! -d node_modules/nx ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies"
  # Not `npm ci`: npm 11 records no entries for other platforms' optional packages (@nx/nx-darwin-*, ...)
  # in the lock file and then refuses it as out of sync. `npm install` follows the same lock file.
  npm install --no-audit --no-fund
else
  npm run --silent build
fi
# `npx nx-bake`: an install made while the bin pointed into dist/ (before dist was built) has no link.
[ -e node_modules/.bin/nx-bake ] || { say "linking the nx-bake command"; npm rebuild --silent nx-bake >/dev/null; }

bash scripts/make-base-image.sh

# The CI-fleet tests: a registry on loopback and a second, empty engine standing for another runner.
bash scripts/start-registry.sh
bash scripts/start-docker-b.sh
