#!/usr/bin/env bash
# Makes the Dockerfile's base image, node:20-bookworm-slim, from this machine's own Node.js and
# Debian packages, for an engine that cannot pull it (no registry is reachable here, as in CI):
#   DOCKER_HOST=unix:///... bash test/image/make-base-image.sh [IMAGE]
# The root filesystem holds what the Dockerfile's steps and the DaemonSet's command use: node
# (with the libraries it links), dash as /bin/sh, and coreutils (ln, sleep, env, ...), on
# Debian's merged /usr layout, plus root's and nobody's passwd entries. No npm: the offline build
# (test/image/build-image.sh) brings dist/ and node_modules/ in its context. An image of that name
# which this script did not make (a real one, pulled) is left alone.
set -euo pipefail
image=${1:-node:20-bookworm-slim}
label=io.rkecis.test.base
if docker image inspect "$image" >/dev/null 2>&1; then
  if [ "$(docker image inspect -f "{{index .Config.Labels \"$label\"}}" "$image")" = "" ]; then
    echo "make-base-image: $image exists and is not ours: using it as it is" >&2
  fi
  exit 0
fi
node=$(command -v node)
[ -x "$node" ] || { echo "make-base-image: node not found" >&2; exit 1; }
root=$(mktemp -d /tmp/rkecis-base-XXXXXX)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/usr/{bin,lib,lib64,sbin} "$root"/usr/local/{bin,sbin,lib} "$root"/{etc,tmp,root,home,var/tmp,run}
chmod 1777 "$root/tmp" "$root/var/tmp"
chmod 0700 "$root/root"
for d in bin lib lib64 sbin; do ln -s "usr/$d" "$root/$d"; done

binaries=("$node" /bin/dash)
while read -r f; do
  case "$f" in /bin/* | /usr/bin/* | /sbin/* | /usr/sbin/*) [ -f "$f" ] && binaries+=("$f") ;; esac
done < <(dpkg -L coreutils)

# Into the folder's real (merged /usr) path: /lib/x86_64-linux-gnu/libc.so.6 -> usr/lib/...
copy() {
  local dir
  dir=$(readlink -f "$(dirname "$1")")
  mkdir -p "$root$dir"
  cp -a "$1" "$root$dir/"
}
for b in "${binaries[@]}"; do
  copy "$b"
  # Every library it links, and the dynamic loader (resolving symlinks: libc.so.6 -> libc-2.36.so).
  for lib in $(ldd "$b" 2>/dev/null | grep -o '/[^ ]*'); do
    copy "$lib"
    real=$(readlink -f "$lib")
    [ "$real" = "$lib" ] || copy "$real"
  done
done
ln -s dash "$root/usr/bin/sh"
# The official image puts node in /usr/local/bin; both work with the default PATH.
ln -s /usr/bin/node "$root/usr/local/bin/node"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
cp /etc/os-release "$root/etc/os-release" 2>/dev/null || true

tar -C "$root" -c . | docker import \
  --change "LABEL $label=made-by-test/image/make-base-image.sh" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["node"]' \
  - "$image" >/dev/null
echo "make-base-image: made $image from $node ($("$node" --version))" >&2
