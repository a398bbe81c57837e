#!/bin/sh
# Regenerates the README's collective tables with `moesim collective` (nccl-tests-style sweeps, Markdown):
# all-reduce busbw per size on one DGX H100 node (8 GPUs) and on 8 nodes (64 GPUs) of the SuperPOD preset.
# Usage: scripts/collective-tables.sh [path/to/moesim]
set -e
moesim=${1:-build/cli/moesim}
scenario=$(mktemp --suffix=.yaml)
trap 'rm -f "$scenario"' EXIT
echo "cluster: {preset: dgx-h100-superpod}" > "$scenario"
for devices in 8 64; do
  echo "All-reduce on $devices H100 (dgx-h100-superpod, \`--group 0:$devices\`):"
  echo
  "$moesim" collective "$scenario" --op all-reduce --group 0:$devices -b 8B -e 8GiB -f 8 --markdown
  echo
done
