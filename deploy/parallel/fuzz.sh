#!/usr/bin/env bash
# One fuzz campaign over several hosts with GNU parallel, merged into the
# summary one machine would print.
#
#   deploy/parallel/fuzz.sh SCENARIO A..B SHARDS OUTDIR [HOSTS]
#
# HOSTS is parallel's --sshlogin list ("4/alice@h1,4/h2", ":" for this
# machine, the default). Each shard is `dsim fuzz --shard=K/SHARDS`; its
# results come back to OUTDIR/shard-K.jsonl (parallel --return) and
# `dsim merge` prints the campaign's summary. Every host needs dsim at the
# same path (DSIM, default: dsim on the PATH); the scenario file is copied to
# each host. SHARDS_PER_HOST (default 100%: one per core) caps how many
# shards a host runs at once; JOBS_PER_SHARD is each shard's --jobs.
# Rerunning the same command on this machine resumes: a shard whose file is
# complete runs nothing, a torn one continues.
set -euo pipefail
if [ $# -lt 4 ]; then sed -n '2,16p' "$0" >&2; exit 2; fi
scenario=$1 range=$2 shards=$3 outdir=$4 hosts=${5:-:}
dsim=${DSIM:-dsim}
jobs_per_shard=${JOBS_PER_SHARD:-1}
scenario=$(readlink -f "$scenario")
mkdir -p "$outdir"
cd "$outdir"
# --basefile puts the scenario at the same absolute path on every host, so
# the replay commands name the file you gave; --return brings each shard's
# results back. A shard that found failing seeds exits 1: not a job failure.
remote=()
[ "$hosts" = ":" ] || remote=(--basefile "$scenario" --return "shard-{}.jsonl")
seq 0 $((shards - 1)) | parallel --sshlogin "$hosts" "${remote[@]}" --jobs "${SHARDS_PER_HOST:-100%}" --halt never \
  "$dsim fuzz $scenario --seeds=$range --shard={}/$shards --jobs=$jobs_per_shard \
     --out=shard-{}.jsonl --resume --noprogress >/dev/null; rc=\$?; [ \$rc -le 1 ]"
files=()
for k in $(seq 0 $((shards - 1))); do files+=("shard-$k.jsonl"); done
exec "$dsim" merge "${files[@]}" --seeds="$range"
