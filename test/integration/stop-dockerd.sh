#!/usr/bin/env bash
# Stops an engine started by start-dockerd.sh and removes its folder.
set -euo pipefail
dir=${1:-/tmp/rkecis-docker}
if [ -f "$dir/docker.pid" ]; then
  pid=$(cat "$dir/docker.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
fi
# dockerd leaves its network namespace mount behind even with --bridge=none.
for m in $(grep -o " $dir/[^ ]*" /proc/mounts | sort -r || true); do umount "$m" 2>/dev/null || umount -l "$m" || true; done
# containerd (dockerd's child) may still be writing its state for a moment after dockerd exits.
for _ in $(seq 1 20); do rm -rf "$dir" 2>/dev/null && break; sleep 0.5; done
[ ! -e "$dir" ] || { echo "stop-dockerd: could not remove $dir" >&2; exit 1; }
