#!/usr/bin/env bash
# deploy/slurm/campaign.sh on a real Slurm cluster: this test brings up a
# private one-node cluster (munged, slurmctld and slurmd from Debian's
# munge and slurm-wlm, on their own ports, sockets and spool under a
# temporary directory), submits the job array, waits, merges, and compares
# with a local run of the same range. Needs root (slurmd runs the tasks).
# Usage: slurm_test.sh DSIM
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/tests/deploy/lib.sh"
dsim=$(readlink -f "$1")
for tool in munged slurmctld slurmd sbatch; do
  command -v $tool >/dev/null || fail "$tool is not installed (tools/test installs munge and slurm-wlm)"
done
[ "$(id -u)" = 0 ] || fail "needs root to run slurmd"
work=$(mktemp -d /tmp/dsim-slurm.XXXXXX)
chmod 755 "$work"
export SLURM_CONF=$work/slurm.conf
stop() {
  scontrol shutdown >/dev/null 2>&1 || true
  for f in slurmctld slurmd munged; do
    [ -s "$work/$f.pid" ] && kill "$(cat "$work/$f.pid")" 2>/dev/null || true
  done
  sleep 1
  rm -rf "$work"
}
trap stop EXIT
mkdir -p "$work"/{state,spool,log,campaign}
head -c 1024 /dev/urandom >"$work/munge.key"
chmod 400 "$work/munge.key"
munged -f --socket="$work/munge.sock" --key-file="$work/munge.key" --log-file="$work/log/munged.log" \
  --pid-file="$work/munged.pid" --seed-file="$work/munged.seed"
host=$(hostname)
# Ports away from a system Slurm's 6817/6818, different on every run.
port=$((20000 + $$ % 20000))
cat >"$SLURM_CONF" <<CONF
ClusterName=dsimtest
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge.sock
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=dsim Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -i -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 1 60); do
  sinfo -h -o %t 2>/dev/null | grep -qx idle && break
  sleep 0.5
done
sinfo -h -o %t | grep -qx idle || fail "the node did not come up: $(tail -n 5 "$work"/log/*.log)"

scenario=$root/scenarios/paxos/bugs/lease_without_margin.json
range=1..150
local_summary "$dsim" "$scenario" "$range" "$work"
rc=0
DSIM=$dsim "$root/deploy/slurm/campaign.sh" "$scenario" "$range" 3 "$work/campaign" >"$work/recipe.txt" || rc=$?
[ $rc -le 1 ] || fail "the campaign exited $rc: $(cat "$work/recipe.txt") $(cat "$work"/campaign/*.log)"
expect_same_summary "$work/recipe.txt" "$work"
echo "ok: a 3-task Slurm array merges to the local run: $(sed -n 2p "$work/recipe.txt" | sed 's/^ *//')"
