#!/usr/bin/env bash
# dsim fuzz stopped from outside, as a fleet stops it: SIGINT prints the
# summary so far and exits 130; SIGKILL leaves only whole lines; --resume
# then finishes the range, and the file holds what one uninterrupted run
# writes. Usage: fuzz_interrupted.sh DSIM SCENARIO
set -euo pipefail
dsim=$1 scenario=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
strip() { sed -E 's/,"wall_time_ms":[0-9.e+-]+//' "$1" | sort; }
whole_lines() {  # every line ends in a newline and is a JSON object
  [ ! -s "$1" ] || [ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ] || fail "$1 ends inside a line"
  if grep -qv '^{"scenario":.*}$' "$1"; then fail "$1 has a line that is not a whole result"; fi
}

# SIGINT: the workers stop, the summary says where, exit 130.
"$dsim" fuzz "$scenario" --seeds=1..1000000 --jobs=2 --out="$work/int.jsonl" >"$work/int.txt" 2>&1 &
pid=$!
sleep 1
kill -INT $pid
rc=0; wait $pid || rc=$?
[ $rc = 130 ] || fail "SIGINT: exit $rc, expected 130"
grep -q 'stopped by Interrupt; not run: ' "$work/int.txt" || fail "SIGINT: no summary: $(cat "$work/int.txt")"
ran=$(grep -oE '^ +[0-9]+ seeds in' "$work/int.txt" | grep -oE '[0-9]+')
[ "$(wc -l <"$work/int.jsonl")" = "$ran" ] || fail "SIGINT: $ran seeds in the summary, $(wc -l <"$work/int.jsonl") lines"
whole_lines "$work/int.jsonl"

# SIGKILL in the middle of a range, then --resume, equals one whole run.
"$dsim" fuzz "$scenario" --seeds=1..600 --jobs=2 --out="$work/kill.jsonl" >/dev/null 2>&1 &
pid=$!
sleep 0.7
kill -KILL $pid 2>/dev/null || true
wait $pid || true
whole_lines "$work/kill.jsonl"
before=$(wc -l <"$work/kill.jsonl")
[ "$before" -lt 600 ] || fail "SIGKILL came too late to test anything ($before seeds done)"
"$dsim" fuzz "$scenario" --seeds=1..600 --jobs=2 --out="$work/kill.jsonl" --resume >"$work/resume.txt"
grep -q "resumed: $before seeds were already in" "$work/resume.txt" || fail "resume: $(cat "$work/resume.txt")"
"$dsim" fuzz "$scenario" --seeds=1..600 --jobs=2 --out="$work/once.jsonl" >/dev/null
cmp <(strip "$work/kill.jsonl") <(strip "$work/once.jsonl") || fail "killed + resumed differs from one run"
echo "ok: SIGINT after $ran seeds; SIGKILL after $before of 600, resumed to the same 600 results"
