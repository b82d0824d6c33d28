#!/usr/bin/env bash
# The same seed gives the same trace hash whatever compiled dsim: every
# binary given must agree with the first on every (scenario, seed).
# Usage: cross_check.sh SOURCE_DIR REFERENCE_BINARY OTHER_BINARY...
set -euo pipefail
src=$1
shift
ref=$1
shift
scenarios=(tests/data/chaos_pingpong.json tests/data/counter_crashes.json)
for f in "$src"/scenarios/*/*.json; do scenarios+=("${f#$src/}"); done
# The trace hash of one run. The verdict does not matter here (a story's
# expectations are written for its own seed), only that the run happened.
hash_of() {
  local out
  out=$("$1" run "$src/$2" --seed="$3" --json 2>&1) || true
  out=$(sed -n 's/.*"trace_hash":"\([0-9a-f]*\)".*/\1/p' <<<"$out")
  if [ -z "$out" ]; then
    echo "FAIL: $2 seed $3: $1 reported no trace hash" >&2
    exit 1
  fi
  echo "$out"
}
checked=0
for scenario in "${scenarios[@]}"; do
  [[ $scenario == scenarios/schema.json ]] && continue
  for seed in 1 2 3 42; do
    want=$(hash_of "$ref" "$scenario" $seed)
    for bin in "$@"; do
      got=$(hash_of "$bin" "$scenario" $seed)
      if [ "$got" != "$want" ]; then
        echo "FAIL: $scenario seed $seed: $ref gives $want, $bin gives $got"
        echo "find the first difference with: dsim diff A.jsonl B.jsonl (run both with --trace)"
        exit 1
      fi
    done
    checked=$((checked + 1))
  done
done
echo "determinism: $checked (scenario, seed) runs agree across $(( $# + 1 )) builds"
