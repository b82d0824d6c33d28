#!/usr/bin/env bash
# Seeds-to-find for every planted bug, without and with swarm (dsim hunt),
# as the README's table. Usage: tools/bench/hunt.sh [DSIM] [STREAMS=20] [JOBS=2]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dsim=${1:-$root/build/bin/dsim} streams=${2:-20} jobs=${3:-2}
cd "$root"
echo "| bug scenario | median | worst | found | CPU per find (median / worst) | with --swarm: median | worst | found | CPU per find |"
echo "|---|---|---|---|---|---|---|---|---|"
grep -v '^#' tests/data/recorded_seeds.tsv | cut -f1 | grep '/bugs/' | while read -r scenario; do
  row="| \`${scenario#scenarios/}\`"
  for swarm in "" --swarm; do
    line=$("$dsim" hunt "$scenario" --streams="$streams" --jobs="$jobs" $swarm | sed -n 2p || true)
    found=$(grep -oE 'found in [0-9]+ of [0-9]+' <<<"$line" | cut -d' ' -f3,5 | tr ' ' /)
    median=$(grep -oE 'median [0-9]+,' <<<"$line" | grep -oE '[0-9]+')
    worst=$(grep -oE 'worst [0-9]+' <<<"$line" | head -n1 | grep -oE '[0-9]+')
    cpu=$(grep -oE 'CPU per find: median [0-9.]+ s, worst [0-9.]+ s' <<<"$line" | sed -E 's/CPU per find: median ([0-9.]+) s, worst ([0-9.]+) s/\1 \/ \2 s/')
    row="$row | $median | $worst | $found | $cpu"
  done
  echo "$row |"
done
