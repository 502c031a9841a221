#!/usr/bin/env bash
# Checks `rssviz-cli experiment --shard I/K` and `experiment merge` against a real Slurm:
# installs Debian's slurm-wlm and munge when they are missing (apt-get; needs root and
# the Debian mirror), starts a private one-node cluster on localhost (munged, slurmctld
# and slurmd with their configuration, sockets, state and logs in a temporary folder;
# the system's /etc/slurm and /etc/munge are not touched), submits the experiment as a
# job array of K shards, waits for it, merges the shards, and checks that the merged
# file equals an unsharded run of the same experiment (the two timing columns aside).
# Stops only the daemons it started (by their pid files). Exit 0 = merged == unsharded,
# 77 = skipped (not root, or a machine where slurm-wlm and munge cannot be installed or
# their daemons cannot start: nothing of rssviz ran). The test suite runs it
# (ctest -R slurm_check).
#
#   scripts/slurm_check.sh [path/to/rssviz-cli]      (SHARDS=K, default 4)
set -euo pipefail

CLI=$(realpath "${1:-build/release/app/cli/rssviz-cli}")
SHARDS=${SHARDS:-4}
[ -x "$CLI" ] || { echo "slurm_check: $CLI is not an executable (build rssviz-cli first)" >&2; exit 2; }
# A small experiment (40 runs of a few hundred milliseconds): the point is the plumbing.
EXPERIMENT="experiment objects --from 3 --to 12 --models esn,bow --units 200 --seeds 2 -q"

if [ "$(id -u)" -ne 0 ]; then
  echo "slurm_check: needs root (to install slurm-wlm and munge and run the daemons); skipped" >&2
  exit 77
fi
start=$(date +%s)
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null ||
   ! command -v munged >/dev/null; then
  echo "== installing slurm-wlm and munge (Debian)"
  if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends slurm-wlm munge; }; then
    echo "slurm_check: cannot install slurm-wlm and munge here; skipped" >&2
    exit 77
  fi
fi
echo "== $(slurmctld -V), $(munged --version 2>&1 | awk '{print $1; exit}')"

W=$(mktemp -d /tmp/rssviz-slurm.XXXXXX)
chmod 700 "$W"
mkdir -p "$W/munge" "$W/state" "$W/spool" "$W/out"
cleanup() {
  for p in "$W/slurmd.pid" "$W/slurmctld.pid" "$W/munge/munged.pid"; do
    if [ -s "$p" ]; then kill "$(cat "$p")" 2>/dev/null || true; fi
  done
  sleep 1
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT

echo "== munged (key and socket in $W/munge)"
dd if=/dev/urandom of="$W/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$W/munge/munge.key"
if ! munged --force --key-file="$W/munge/munge.key" --socket="$W/munge/munge.socket" \
  --pid-file="$W/munge/munged.pid" --log-file="$W/munge/munged.log" --seed-file="$W/munge/munged.seed"; then
  # The machine cannot run the daemons (a container without what munged needs): nothing
  # of rssviz was tested, so the check is skipped, loudly.
  echo "slurm_check: munged does not start on this machine; skipped" >&2
  tail -5 "$W/munge/munged.log" >&2 || true
  exit 77
fi

# Two free ports, so that two checks (or a real Slurm) on one machine do not collide.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
CTLD_PORT=0 SLURMD_PORT=0
for _ in $(seq 1 50); do
  p=$((20000 + RANDOM % 20000))
  if port_free "$p" && port_free "$((p + 1))"; then CTLD_PORT=$p SLURMD_PORT=$((p + 1)); break; fi
done
[ "$CTLD_PORT" != 0 ] || { echo "slurm_check: no free port pair found" >&2; exit 1; }
CPUS=$(nproc)
cat > "$W/slurm.conf" <<CONF
ClusterName=rssvizcheck
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$W/munge/munge.socket
StateSaveLocation=$W/state
SlurmdSpoolDir=$W/spool
SlurmctldPidFile=$W/slurmctld.pid
SlurmdPidFile=$W/slurmd.pid
SlurmctldLogFile=$W/slurmctld.log
SlurmdLogFile=$W/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
NodeName=localhost NodeHostname=localhost NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=check Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$W/slurm.conf"

echo "== slurmctld + slurmd on localhost (ports $CTLD_PORT, $SLURMD_PORT)"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF" -N localhost
for _ in $(seq 1 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then break; fi
  sleep 1
done
if ! sinfo -h -o '%T' | grep -qE '^(idle|mixed|allocated)'; then
  echo "slurm_check: the node did not come up on this machine (skipped); slurmctld and slurmd logs:" >&2
  tail -20 "$W/slurmctld.log" "$W/slurmd.log" >&2 || true
  exit 77
fi
sinfo

echo "== job array of $SHARDS shards"
cat > "$W/shards.sbatch" <<JOB
#!/bin/bash
#SBATCH --job-name=rssviz-objects
#SBATCH --array=0-$((SHARDS - 1))
#SBATCH --cpus-per-task=1
#SBATCH --output=$W/out/shard-%a.log
# One shard per array task; one run at a time with one thread (the task's one CPU).
exec "$CLI" $EXPERIMENT --jobs 1 --threads 1 \\
  --shard "\${SLURM_ARRAY_TASK_ID}/\${SLURM_ARRAY_TASK_COUNT}" --out "$W/out/shard-\${SLURM_ARRAY_TASK_ID}.tsv"
JOB
timeout 900 sbatch --wait "$W/shards.sbatch"
sacct >/dev/null 2>&1 || true
for i in $(seq 0 $((SHARDS - 1))); do
  echo "-- shard $i: $(($(wc -l < "$W/out/shard-$i.tsv") - 2)) rows; log: $(tr '\n' ' ' < "$W/out/shard-$i.log")"
done

echo "== merge"
"$CLI" experiment merge "$W"/out/shard-*.tsv --out "$W/merged.tsv"

echo "== the same experiment unsharded, on this machine"
"$CLI" $EXPERIMENT --out "$W/whole.tsv"

strip() { awk -F'\t' 'BEGIN { OFS = "\t" } /^#/ { print; next } { NF -= 2; print }' "$1"; }
strip "$W/merged.tsv" > "$W/merged.cut"
strip "$W/whole.tsv" > "$W/whole.cut"
if diff "$W/merged.cut" "$W/whole.cut" > "$W/diff"; then
  echo "== PASS: merged shards == unsharded run ($(($(wc -l < "$W/merged.tsv") - 2)) rows, timing columns aside) in $(($(date +%s) - start)) s"
else
  echo "== FAIL: merged shards differ from the unsharded run:" >&2
  head -20 "$W/diff" >&2
  KEEP=1
  exit 1
fi
