#!/usr/bin/env bash
# A recorded failing seed still fails, and the expected check catches it.
# Usage: recorded_seed.sh DSIM SCENARIO SEED CHECK
set -uo pipefail
dsim=$1 scenario=$2 seed=$3 check=$4
out=$("$dsim" run "$scenario" --seed="$seed" --json)
rc=$?
if [ $rc -ne 1 ]; then
  echo "FAIL: $scenario seed $seed: exit $rc, expected 1 (a violation)"
  echo "$out"
  exit 1
fi
if ! grep -q "\"check\":\"$check\"" <<<"$out"; then
  echo "FAIL: $scenario seed $seed failed, but not check $check:"
  echo "$out"
  exit 1
fi
echo "ok: $scenario seed $seed: $check violated, as recorded"
