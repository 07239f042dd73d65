#!/usr/bin/env bash
# Starts a second Docker engine for the tests, standing for another CI runner: its own data root, exec root,
# socket and pid file, no bridge and no iptables (builds use the host network), as the main engine runs.
# Safe to run again: an engine already answering on the socket is left as it is. Its images start EMPTY:
# what a bake there needs from another runner comes from the registry.
#
#   NX_BAKE_DOCKER_B   the engine's name in paths (nx-bake-docker-b): socket /run/<name>.sock
set -euo pipefail

name="${NX_BAKE_DOCKER_B:-nx-bake-docker-b}"
socket="/run/${name}.sock"
say() { echo "[docker-b] $*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

up() { DOCKER_HOST="unix://${socket}" docker info >/dev/null 2>&1; }
if up; then exit 0; fi

say "starting a second dockerd on ${socket}"
# A pid file of an engine that is gone would stop dockerd from starting.
if [ -f "/run/${name}.pid" ] && ! kill -0 "$(cat "/run/${name}.pid")" 2>/dev/null; then as_root rm -f "/run/${name}.pid"; fi
as_root mkdir -p "/var/lib/${name}" "/run/${name}"
as_root sh -c "nohup dockerd --data-root '/var/lib/${name}' --exec-root '/run/${name}' --host 'unix://${socket}' \
  --pidfile '/run/${name}.pid' --bridge=none --iptables=false >>'/var/log/${name}.log' 2>&1 &"
for _ in $(seq 1 60); do up && exit 0; sleep 1; done
tail -20 "/var/log/${name}.log" >&2
exit 1
