#!/usr/bin/env bash
# Starts a private Docker engine for the integration tests (root only) and prints the line to
# eval:   eval "$(test/integration/start-dockerd.sh [DIR [DOCKERD-ARGS...]])"   ->  RKECIS_TEST_DOCKER_HOST=unix://DIR/docker.sock
# DOCKERD-ARGS are added to dockerd's (a TLS listener: --tlsverify ... -H tcp://127.0.0.1:PORT).
# Everything it owns lives under DIR (default /tmp/rkecis-docker): socket, data, exec root, pid, log.
# vfs storage and no bridge/iptables, so it runs in a plain container or VM and touches no host networking.
set -euo pipefail
dir=${1:-/tmp/rkecis-docker}
shift || true
dockerd=$(command -v dockerd || true)
[ -n "$dockerd" ] || dockerd=/usr/sbin/dockerd
[ -x "$dockerd" ] || { echo "start-dockerd: dockerd not found (apt-get install docker.io)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "start-dockerd: dockerd must run as root" >&2; exit 1; }
command -v docker >/dev/null || { echo "start-dockerd: docker CLI not found" >&2; exit 1; }
mkdir -p "$dir"
host="unix://$dir/docker.sock"
if ! DOCKER_HOST=$host docker version >/dev/null 2>&1; then
  # setsid: the engine outlives this script and is not killed with the caller's process group.
  setsid "$dockerd" --storage-driver=vfs --iptables=false --ip6tables=false --bridge=none \
    --host "$host" --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/docker.pid" \
    "$@" >"$dir/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 120); do
    DOCKER_HOST=$host docker version >/dev/null 2>&1 && break
    sleep 0.5
  done
  if ! DOCKER_HOST=$host docker version >/dev/null 2>&1; then
    echo "start-dockerd: the engine did not answer on $host within 60s; last lines of $dir/dockerd.log:" >&2
    tail -n 20 "$dir/dockerd.log" >&2 || true
    exit 1
  fi
fi
echo "export RKECIS_TEST_DOCKER_HOST=$host"
