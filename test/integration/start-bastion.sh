#!/usr/bin/env bash
# One connection of the test bastion: started (by ssh-node.ts startBastion) as
#   nsenter --net=NETNS unshare -m --propagation private bash start-bastion.sh SSHD_CONFIG
# with the client's connection as stdin and stdout. /run is a private tmpfs here, for sshd's
# privilege-separation folder, so nothing of the machine's own /run is used; then sshd serves
# the one connection in inetd mode, in the nodes' network namespace.
set -euo pipefail
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -m 0755 /run/sshd
exec /usr/sbin/sshd -i -e -f "$1"
