#!/usr/bin/env bash
# A dsim fuzz campaign on a Slurm cluster: a job array of N shards, then the
# merged summary.
#
#   deploy/slurm/campaign.sh SCENARIO A..B N OUTDIR [sbatch options...]
#
# OUTDIR must be on storage every node sees. Waits for the array (sbatch
# --wait), then prints `dsim merge` over the shards: the summary one
# machine would have printed, with the seeds no shard reported. Set DSIM to
# dsim's path on the nodes if it is not on their PATH. Exit codes are
# dsim merge's: 0 clean, 1 failing seeds, 3 seeds missing.
set -euo pipefail
if [ $# -lt 4 ]; then sed -n '2,11p' "$0" >&2; exit 2; fi
scenario=$(readlink -f "$1") range=$2 shards=$3 outdir=$(readlink -f "$4")
shift 4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$outdir"
sbatch --wait --array="0-$((shards - 1))" --output="$outdir/shard-%a.log" --export=ALL "$@" \
  "$here/fuzz.sbatch" "$scenario" "$range" "$shards" "$outdir" >&2 || true
files=()
for k in $(seq 0 $((shards - 1))); do
  [ -e "$outdir/shard-$k.jsonl" ] && files+=("$outdir/shard-$k.jsonl")
done
[ ${#files[@]} -gt 0 ] || { echo "campaign: no shard wrote results (see $outdir/shard-*.log)" >&2; exit 2; }
exec "${DSIM:-dsim}" merge "${files[@]}" --seeds="$range"
