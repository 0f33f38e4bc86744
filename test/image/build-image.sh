#!/usr/bin/env bash
# Builds the repository's Dockerfile where no registry can be reached (CI here):
#   DOCKER_HOST=unix:///... bash test/image/build-image.sh TAG
# The base image is made from this machine's Node.js (make-base-image.sh), and the build context
# holds what `npm run build` made here: dist/, and node_modules/ with only the production
# dependencies (npm ls --omit=dev), built for this machine's Node.js and glibc, which the base
# image shares. The Dockerfile builds with --build-arg PREBUILT=1 and no network.
set -euo pipefail
tag=${1:?usage: build-image.sh TAG}
cd "$(dirname "$0")/../.."
[ -f dist/bundle/main.js ] || { echo "build-image: run npm run build first" >&2; exit 1; }
bash test/image/make-base-image.sh node:20-bookworm-slim
ctx=$(mktemp -d /tmp/rkecis-image-ctx-XXXXXX)
trap 'rm -rf "$ctx"' EXIT
cp -a Dockerfile package.json package-lock.json bin dist profiles schemas "$ctx/"
# Hard links: the context is read, never written. (npm ls exits 1 for a problem it still lists
# around, such as an optional native dependency that did not build; the Dockerfile checks that
# node_modules/ arrived.)
{ npm ls --omit=dev --all --parseable 2>/dev/null || true; } | sed -n "s|^$PWD/||p" | grep '^node_modules/' | sort -u |
  while read -r dir; do
    mkdir -p "$ctx/$(dirname "$dir")"
    [ -e "$ctx/$dir" ] || cp -al "$dir" "$ctx/$dir"
  done
# The legacy builder: the private engine has no BuildKit plugin, and it builds the same Dockerfile.
DOCKER_BUILDKIT=0 docker build --network none --build-arg PREBUILT=1 -t "$tag" "$ctx" >&2
