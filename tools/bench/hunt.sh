#!/usr/bin/env bash
# Seeds-to-find for every planted bug (dsim hunt --find=CHECK, the check
# tests/data/recorded_seeds.tsv records), as the README's table.
# Usage: tools/bench/hunt.sh [DSIM] [STREAMS=20] [JOBS=2]
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dsim=${1:-$root/build/bin/dsim} streams=${2:-20} jobs=${3:-2}
cd "$root"
echo "| bug scenario | swarm | median | worst | found | CPU per find (median / worst) |"
echo "|---|---|---|---|---|---|"
grep -v '^#' tests/data/recorded_seeds.tsv | grep '/bugs/' | while IFS=$'\t' read -r scenario _ check _; do
  line=$("$dsim" hunt "$scenario" --streams="$streams" --jobs="$jobs" --find="$check" | sed -n 1,2p)
  swarm=no
  grep -q '  swarm' <<<"$line" && swarm="the file's"
  found=$(grep -oE 'found in [0-9]+ of [0-9]+' <<<"$line" | awk '{print $3 "/" $5}')
  median=$(grep -oE 'seeds to find: median [0-9]+' <<<"$line" | awk '{print $5}')
  worst=$(grep -oE 'median [0-9]+, worst [0-9]+' <<<"$line" | head -n 1 | awk '{print $4}')
  cpu=$(grep -oE 'CPU per find: median [0-9.]+ s, worst [0-9.]+ s' <<<"$line" | awk '{print $5 " / " $8 " s"}' | tr -d ,)
  echo "| \`${scenario#scenarios/}\` ($check) | $swarm | $median | $worst | $found | $cpu |"
done
