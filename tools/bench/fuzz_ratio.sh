#!/usr/bin/env bash
# Fuzz speed of two dsim binaries, side by side in one run: for each
# scenario, alternates OLD and NEW for ROUNDS rounds over the same seeds with
# one job, and prints the best user+sys CPU time of each and the ratio
# (old/new: above 1 means NEW is faster). The best of several rounds is the
# figure least moved by the machine's neighbours.
# Usage: tools/bench/fuzz_ratio.sh OLD_DSIM NEW_DSIM [SEEDS=1..1000] [ROUNDS=3]
set -euo pipefail
old=$1 new=$2 seeds=${3:-1..1000} rounds=${4:-3}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
cpu() {  # user+sys seconds of one fuzz run
  local t
  t=$( { /usr/bin/time -f "%U %S" "$1" fuzz "$2" --seeds="$seeds" --jobs=1 --noprogress >/dev/null || true; } 2>&1 | tail -n 1)
  awk '{printf "%.3f", $1 + $2}' <<<"$t"
}
printf '%-40s %10s %10s %8s\n' scenario "old (s)" "new (s)" old/new
for f in scenarios/paxos/kv_nemesis.json scenarios/zab/kv_nemesis.json scenarios/commit/2pc_nemesis.json; do
  best_old=999999 best_new=999999
  for ((r = 0; r < rounds; r++)); do
    o=$(cpu "$old" "$f"); n=$(cpu "$new" "$f")
    best_old=$(awk -v a="$best_old" -v b="$o" 'BEGIN{print (b < a) ? b : a}')
    best_new=$(awk -v a="$best_new" -v b="$n" 'BEGIN{print (b < a) ? b : a}')
  done
  printf '%-40s %10s %10s %8.3f\n' "$f" "$best_old" "$best_new" "$(awk -v a="$best_old" -v b="$best_new" 'BEGIN{print a / b}')"
done
