#!/usr/bin/env bash
# Runs one simulated RKE node's SSH server: meant to be started as
#   unshare -m --propagation private bash start-ssh-node.sh ROOT DOCKER_SOCK SSHD_CONFIG WORK
# In its own mount namespace, the node's planted files (ROOT, from plant-node.ts) appear at the
# real paths (/etc/kubernetes, /var/lib/etcd, /etc/cni, /var/lib/cni, /etc/passwd, /etc/group,
# /etc/hostname; passwd with sshd's user added) and its own Docker engine's socket at /var/run/docker.sock, so an SSH client sees
# that node and nothing of another. /etc and /var/lib get a private overlay (upper layer on a
# tmpfs at WORK) so mount points can be made without touching the machine; /run is a private
# tmpfs (sshd's privilege-separation folder and the socket). Then sshd runs in the foreground.
set -euo pipefail
root=$1
sock=$2
config=$3
work=$4

mount -t tmpfs -o mode=0700 tmpfs "$work"
# The node's own users, plus sshd's privilege-separation user (a real node has one too).
cat "$root/etc/passwd" >"$work/passwd"
grep '^sshd:' /etc/passwd >>"$work/passwd" || true
chmod 0644 "$work/passwd"
for layer in etc varlib; do mkdir -p "$work/$layer-upper" "$work/$layer-work"; done
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$work/etc-upper,workdir=$work/etc-work" /etc
mount -t overlay overlay -o "lowerdir=/var/lib,upperdir=$work/varlib-upper,workdir=$work/varlib-work" /var/lib

for dir in /etc/kubernetes /var/lib/etcd /etc/cni /var/lib/cni; do
  if [ -d "$root$dir" ]; then
    mkdir -p "$dir"
    mount --bind "$root$dir" "$dir"
  fi
done
mount --bind "$work/passwd" /etc/passwd
for file in /etc/group /etc/hostname; do
  if [ -f "$root$file" ]; then mount --bind "$root$file" "$file"; fi
done

mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -m 0755 /run/sshd
touch /run/docker.sock
mount --bind "$sock" /run/docker.sock

exec /usr/sbin/sshd -D -e -f "$config"
