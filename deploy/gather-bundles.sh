#!/bin/sh
# Copies each collector pod's bundle into DIR as <node>.json, for `rkecis cluster --bundles DIR`.
#   sh deploy/gather-bundles.sh DIR        (RKECIS_NAMESPACE overrides the namespace "rkecis")
# A pod that has no bundle yet (still collecting, or its collection failed) is named on stderr
# and the script goes on; compare with `rkecis cluster --bundles DIR --config cluster.yml`,
# whose coverage lists every node without a bundle.
set -eu
dir=${1:?usage: gather-bundles.sh DIR}
ns=${RKECIS_NAMESPACE:-rkecis}
mkdir -p "$dir"
pods=$(kubectl -n "$ns" get pods -l app.kubernetes.io/part-of=rkecis \
  -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.spec.nodeName}{"\n"}{end}')
status=0
echo "$pods" | {
missing=0
while read -r pod node; do
  [ -n "$pod" ] || continue
  case "$node" in */*|.*|'') echo "gather-bundles: $pod: unexpected node name '$node'" >&2; continue ;; esac
  if kubectl -n "$ns" exec "$pod" -- cat "/bundles/$node.json" >"$dir/.$node.json.tmp" 2>/dev/null; then
    mv "$dir/.$node.json.tmp" "$dir/$node.json"
    echo "gather-bundles: $node"
  else
    rm -f "$dir/.$node.json.tmp"
    echo "gather-bundles: no bundle from pod $pod (node $node); see: kubectl -n $ns logs $pod" >&2
    missing=1
  fi
done
exit "$missing"
} || status=1
exit "$status"
