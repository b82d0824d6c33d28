#!/usr/bin/env bash
# The engine's speed as ratios to the machine's own reference, measured in
# one run: ROUNDS rounds, each running the bare 4-ary heap (reference_bench)
# and then dsim's engine benchmarks, and for each figure the median over the
# rounds of (dsim's events/s) / (the reference's events/s in the same round,
# at the same number pending). A ratio moves far less than an absolute figure
# when the machine is busier or slower on another day.
# Usage: tools/bench/ratios.sh [BUILD_DIR=build] [ROUNDS=5] [MIN_TIME_S=0.5]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${1:-$root/build}/bin rounds=${2:-5} min_time=${3:-0.5}
for b in reference_bench engine_bench; do
  [ -x "$bin/$b" ] || { echo "no $bin/$b: build with -DDSIM_BUILD_BENCHMARKS=ON" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for ((r = 0; r < rounds; r++)); do
  "$bin/reference_bench" --benchmark_format=json --benchmark_min_time="$min_time" > "$work/ref.$r.json"
  "$bin/engine_bench" --benchmark_format=json --benchmark_min_time="$min_time" > "$work/dsim.$r.json"
done
python3 - "$work" "$rounds" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
def rates(path):
    return {b["name"]: b["items_per_second"] for b in json.load(open(path))["benchmarks"] if "items_per_second" in b}
ref = [rates(f"{work}/ref.{r}.json") for r in range(rounds)]
dsim = [rates(f"{work}/dsim.{r}.json") for r in range(rounds)]
# Each engine figure against the reference with the same number pending.
pairs = [
    ("BM_EventQueueHoldModel/1024", "BM_BareHeapHoldModel/1024"),
    ("BM_EventQueueHoldModel/65536", "BM_BareHeapHoldModel/65536"),
    ("BM_EventQueueHoldModel/1048576", "BM_BareHeapHoldModel/1048576"),
    ("BM_TimerEvents/1024", "BM_BareHeapHoldModel/1024"),
    ("BM_TimerEvents/65536", "BM_BareHeapHoldModel/65536"),
    ("BM_TimerEvents/1048576", "BM_BareHeapHoldModel/1048576"),
    ("BM_MessageDeliveries/1000", "BM_BareHeapHoldModel/1000"),
    ("BM_FiveNodeAllToAll", "BM_BareHeapHoldModel/1000"),
]
print(f"{'figure':34} {'events/s (median)':>18} {'reference':>12} {'ratio':>6} {'ratio range':>13}")
for name, against in pairs:
    got = [d.get(name) for d in dsim]
    base = [r.get(against) for r in ref]
    if None in got or None in base:
        continue
    ratios = [g / b for g, b in zip(got, base)]
    print(f"{name:34} {statistics.median(got) / 1e6:15.2f} M {statistics.median(base) / 1e6:10.2f} M "
          f"{statistics.median(ratios):6.2f} {min(ratios):6.2f}-{max(ratios):.2f}")
print(f"(reference: {against.split('/')[0]}, the same pending count; {rounds} rounds; this machine, this day)")
PY
