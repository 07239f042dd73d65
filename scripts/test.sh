#!/usr/bin/env bash
# Runs every test against real parts: Docker engine, ansible-playbook, sshd (installed and started here).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prepare-machine.sh
NX_DAEMON=false npm test
