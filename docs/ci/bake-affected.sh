#!/usr/bin/env bash
# Affected-only bake on a CI runner: what docs/ci/github-actions.yml and docs/ci/gitlab-ci.yml run.
#
#   NX_BASE, NX_HEAD                   the commits to compare (the PR's base and head, or the last green main)
#   REGISTRY, REGISTRY_USERNAME,       the registry the docker builder pushes to and pulls bases from;
#   REGISTRY_PASSWORD                  `docker login` stores the credentials in $DOCKER_CONFIG (or ~/.docker)
#   NX_SELF_HOSTED_REMOTE_CACHE_SERVER, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN   Nx's remote cache
#   BAKE_ONLY                          builders to bake with (--only), default: the pipeline's default_builders
#   BAKE_VAR_repository                where the images go, e.g. "$REGISTRY/team/images"
set -euo pipefail
: "${NX_BASE:?set NX_BASE to the base commit}" "${NX_HEAD:?set NX_HEAD to the head commit}"

if [ -n "${REGISTRY:-}" ]; then
  printf '%s' "${REGISTRY_PASSWORD:?}" | docker login --username "${REGISTRY_USERNAME:?}" --password-stdin "$REGISTRY"
fi
only=()
if [ -n "${BAKE_ONLY:-}" ]; then only=(--only="$BAKE_ONLY"); fi
npx nx affected -t bake --base="$NX_BASE" --head="$NX_HEAD" "${only[@]}" --output-style=static
