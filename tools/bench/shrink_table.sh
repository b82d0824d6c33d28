#!/usr/bin/env bash
# The shrink table in the README: every recorded failing seed of
# tests/data/recorded_seeds.tsv shrunk with `dsim shrink --find=CHECK`, one
# core, the default budget; faults, events and operations before and after,
# and the wall time. Every shrunk scenario is replayed: it must meet its own
# expect (the check still fails).
# Usage: tools/bench/shrink_table.sh [DSIM=build/bin/dsim]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dsim=${1:-$root/build/bin/dsim}
cd "$root"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "| scenario | seed | check | faults before | after | events before | after | ops before | after | runs | seconds |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
while IFS=$'\t' read -r file seed check _; do
  [[ -z $file || $file == \#* || $check == - ]] && continue
  out="$work/$(basename "$file")"
  start=$(date +%s.%N)
  "$dsim" shrink "$file" --seed="$seed" --find="$check" --out="$out" > "$work/log" 2>&1 ||
    { echo "| $file | $seed | $check | shrink failed: $(tail -n 1 "$work/log") |"; continue; }
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  "$dsim" run "$out" > /dev/null || { echo "| $file | $seed | $check | the shrunk scenario does not replay |"; exit 1; }
  read -r fb eb ob < <(sed -n 's/^before *\([0-9]*\) faults, \([0-9]*\) events, \([0-9]*\) operations.*/\1 \2 \3/p' "$work/log")
  read -r fa ea oa < <(sed -n 's/^after *\([0-9]*\) faults, \([0-9]*\) events, \([0-9]*\) operations.*/\1 \2 \3/p' "$work/log")
  runs=$(sed -n 's/^runs *\([0-9]*\) in.*/\1/p' "$work/log")
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.1f |\n' \
    "${file#scenarios/}" "$seed" "$check" "$fb" "$fa" "$eb" "$ea" "$ob" "$oa" "$runs" "$secs"
done < tests/data/recorded_seeds.tsv
