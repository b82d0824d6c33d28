#!/usr/bin/env bash
# Refactors keep behaviour: runs seeds 1..N of every scenario with two dsim
# binaries and compares trace hashes, verdicts, violation details and facts
# (everything in a fuzz line except wall time). Prints the scenarios that
# differ and exits 1 if any does.
# Usage: tools/compare_builds.sh OLD_DSIM NEW_DSIM [SEEDS=300] [JOBS=2]
# ONLY=REGEX limits it to the scenario paths that match (e.g. ONLY=paxos).
set -euo pipefail
old=$1 new=$2 seeds=${3:-300} jobs=${4:-2}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
strip() { sed -E 's/,"wall_time_ms":[0-9.e+-]+//' "$1" | sort; }
differ=0 total=0
for f in scenarios/*/*.json scenarios/*/*/*.json tests/data/*.json; do
  [[ $f == scenarios/schema.json ]] && continue
  [[ -n ${ONLY:-} && ! $f =~ $ONLY ]] && continue
  total=$((total + 1))
  "$old" fuzz "$f" --seeds=1.."$seeds" --jobs="$jobs" --out="$work/old.jsonl" >/dev/null 2>&1 || true
  "$new" fuzz "$f" --seeds=1.."$seeds" --jobs="$jobs" --out="$work/new.jsonl" >/dev/null 2>&1 || true
  if ! cmp -s <(strip "$work/old.jsonl") <(strip "$work/new.jsonl"); then
    differ=$((differ + 1))
    n=$(diff <(strip "$work/old.jsonl") <(strip "$work/new.jsonl") | grep -c '^>' || true)
    echo "DIFFERS: $f ($n of $seeds seeds)"
  fi
done
echo "compared $total scenarios x $seeds seeds: $differ differ"
[ "$differ" = 0 ]
