#!/usr/bin/env bash
# The main job: bake the example pipeline (three layered images) on the local Docker engine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prepare-machine.sh
NX_DAEMON=false npx nx run images:bake "$@"
