#!/usr/bin/env bash
# The same seed gives the same trace hash, and the same trace, in two
# separate processes. Usage: two_processes.sh DSIM_BINARY SOURCE_DIR
set -euo pipefail
dsim=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for scenario in tests/data/chaos_pingpong.json tests/data/counter_crashes.json; do
  a=$("$dsim" run "$src/$scenario" --json --trace="$tmp/a.jsonl" | sed 's/.*"trace_hash":"\([0-9a-f]*\)".*/\1/')
  b=$("$dsim" run "$src/$scenario" --json --trace="$tmp/b.jsonl" | sed 's/.*"trace_hash":"\([0-9a-f]*\)".*/\1/')
  if [ "$a" != "$b" ] || [ ${#a} -ne 16 ]; then
    echo "FAIL: $scenario: trace hash $a in one process, $b in another"
    "$dsim" diff "$tmp/a.jsonl" "$tmp/b.jsonl" || true
    exit 1
  fi
  "$dsim" diff "$tmp/a.jsonl" "$tmp/b.jsonl" > /dev/null
  echo "ok: $scenario: $a in both processes ($(wc -l < "$tmp/a.jsonl") trace events)"
done
