#!/usr/bin/env bash
# deploy/parallel/fuzz.sh for real: GNU parallel with --sshlogin ":" (this
# machine; a list of hosts runs the same commands over ssh). The merged
# result must equal a local run of the same range.
# Usage: parallel_test.sh DSIM
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/tests/deploy/lib.sh"
dsim=$(readlink -f "$1")
command -v parallel >/dev/null || fail "GNU parallel is not installed (tools/test installs it)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scenario=$root/scenarios/paxos/bugs/lease_without_margin.json
range=1..120
local_summary "$dsim" "$scenario" "$range" "$work"
rc=0
DSIM=$dsim "$root/deploy/parallel/fuzz.sh" "$scenario" "$range" 4 "$work/campaign" : >"$work/recipe.txt" || rc=$?
[ $rc -le 1 ] || fail "the recipe exited $rc: $(cat "$work/recipe.txt")"
expect_same_summary "$work/recipe.txt" "$work"
[ "$(ls "$work/campaign"/shard-*.jsonl | wc -l)" = 4 ] || fail "expected 4 shard files"
# Run again: every shard is complete, so --resume runs nothing and the
# summary is the same.
DSIM=$dsim "$root/deploy/parallel/fuzz.sh" "$scenario" "$range" 4 "$work/campaign" : >"$work/again.txt" || true
expect_same_summary "$work/again.txt" "$work"
echo "ok: 4 shards over GNU parallel merge to the local run: $(sed -n 2p "$work/recipe.txt" | sed 's/^ *//')"
