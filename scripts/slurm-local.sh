#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for developing and testing `rnndyn sweep --slurm`.
#
#   scripts/slurm-local.sh start    # munged (unless one already answers), slurmctld and slurmd; waits until idle
#   scripts/slurm-local.sh status   # the daemons' pids and `sinfo`
#   scripts/slurm-local.sh stop     # stops what start started, by the pids in its pid files (never by name)
#   scripts/slurm-local.sh conf     # prints the path of slurm.conf (export SLURM_CONF=$(scripts/slurm-local.sh conf))
#
# Uses Debian's slurm-wlm and munge (`apt-get install slurm-wlm munge`; `.ci/run` installs them). Everything the
# cluster writes (slurm.conf, state, spool, logs, pid files) lives in RNNDYN_SLURM_DIR (default /tmp/rnndyn-slurm);
# the only file written elsewhere is /etc/munge/munge.key, created when missing. The daemons run as root (slurmd must),
# with unprivileged ports 16817/16818, proctrack/linuxproc and task/none, and one node of $(nproc) CPUs.
set -euo pipefail

DIR=${RNNDYN_SLURM_DIR:-/tmp/rnndyn-slurm}
CONF=$DIR/slurm.conf
export SLURM_CONF=$CONF

say() { printf 'slurm-local: %s\n' "$*"; }
die() { printf 'slurm-local: %s\n' "$*" >&2; exit 1; }

# The pid in pid file $1 when that process is alive.
alive() { local p; [ -f "$1" ] && p=$(cat "$1" 2>/dev/null) && [ -n "$p" ] && kill -0 "$p" 2>/dev/null && echo "$p"; }

write_conf() {
  local host cpus mem
  host=$(hostname -s)
  cpus=$(nproc)
  # Memory the node offers to jobs (MB): 90 % of MemTotal, so `--mem` requests are checked against something real.
  mem=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
  mkdir -p "$DIR/state" "$DIR/spool" "$DIR/log"
  cat > "$CONF.tmp" <<EOF
# Written by rnndyn scripts/slurm-local.sh: a one-node cluster for tests (see that script).
ClusterName=rnndyn-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
KillWait=5
MinJobAge=300
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  mv "$CONF.tmp" "$CONF"
}

start_munge() {
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    say "munged already answers; using it"
    return
  fi
  if [ ! -s /etc/munge/munge.key ]; then
    say "creating /etc/munge/munge.key"
    mkdir -p /etc/munge
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
    chown munge:munge /etc/munge/munge.key 2>/dev/null || true
    chmod 400 /etc/munge/munge.key
  fi
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  chown munge:munge /run/munge /var/lib/munge /var/log/munge 2>/dev/null || true
  munged --force --pid-file="$DIR/munged.pid" --log-file="$DIR/log/munged.log" \
    || die "munged did not start (see $DIR/log/munged.log)"
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && return; sleep 0.1; done
  die "munged started but does not answer (see $DIR/log/munged.log)"
}

start() {
  [ "$(id -u)" = 0 ] || die "needs root (slurmd runs jobs as their user; a one-node test cluster runs as root)"
  for t in munged munge unmunge slurmctld slurmd sinfo sbatch squeue; do
    command -v "$t" >/dev/null 2>&1 || die "$t not found (install Debian's slurm-wlm and munge: apt-get install -y slurm-wlm munge)"
  done
  if [ -n "$(alive "$DIR/slurmctld.pid")" ] && [ -n "$(alive "$DIR/slurmd.pid")" ]; then
    say "already running (slurmctld $(cat "$DIR/slurmctld.pid"), slurmd $(cat "$DIR/slurmd.pid")); conf $CONF"
    return
  fi
  mkdir -p "$DIR"
  write_conf
  start_munge
  [ -n "$(alive "$DIR/slurmctld.pid")" ] || slurmctld -c || die "slurmctld did not start (see $DIR/log/slurmctld.log)"
  [ -n "$(alive "$DIR/slurmd.pid")" ] || slurmd -c || die "slurmd did not start (see $DIR/log/slurmd.log)"
  local state=""
  for _ in $(seq 150); do
    state=$(sinfo -h -o '%t' 2>/dev/null | head -1 || true)
    case "$state" in idle|mix|alloc) say "up: node $(hostname -s) $state, $(nproc) CPUs; export SLURM_CONF=$CONF"; return ;; esac
    sleep 0.2
  done
  die "the node did not come up (state '${state:-none}'; see $DIR/log/slurmctld.log and $DIR/log/slurmd.log)"
}

stop() {
  local name pid stopped=0
  for name in slurmd slurmctld munged; do
    pid=$(alive "$DIR/$name.pid") || continue
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    rm -f "$DIR/$name.pid"
    say "stopped $name ($pid)"
    stopped=1
  done
  [ "$stopped" = 1 ] || say "nothing to stop (no live daemon in $DIR)"
}

status() {
  local name pid any=0
  for name in munged slurmctld slurmd; do
    if pid=$(alive "$DIR/$name.pid"); then say "$name running (pid $pid)"; any=1; else say "$name not running (from $DIR)"; fi
  done
  [ "$any" = 1 ] && [ -f "$CONF" ] && sinfo 2>&1 | sed 's/^/  /' || true
  [ -n "$(alive "$DIR/slurmctld.pid")" ] && [ -n "$(alive "$DIR/slurmd.pid")" ]
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  conf) echo "$CONF" ;;
  *) echo "usage: $0 start|stop|status|conf" >&2; exit 2 ;;
esac
