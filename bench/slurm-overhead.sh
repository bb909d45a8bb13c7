#!/usr/bin/env bash
# The Slurm row of make bench: Slurm's scheduling overhead per cell. The same sweep (bench/slurm-bench.yaml, 32
# cheap cells) runs locally with `--workers $(nproc)` and on the one-node cluster of scripts/slurm-local.sh with
# --cells-per-task 1, 4 and 16 (one CPU per task, so as many tasks at once as local workers). Each time is the whole
# job: submission to the end of the merge job, or the local command. Overhead per cell = (Slurm − local) / cells.
# Also checks that each Slurm sweep's merged files are byte-identical to the local one. Prints JSON lines.
set -euo pipefail
cd "$(dirname "$0")/.."
rnndyn=$(realpath "${RNNDYN:-.build/release/rnndyn}")
spec=bench/slurm-bench.yaml
export SLURM_CONF=${SLURM_CONF:-$(bash scripts/slurm-local.sh conf)}
if ! sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)$'; then
  echo "{\"bench\": \"slurm_overhead\", \"skipped\": \"no Slurm node up (start one: sudo scripts/slurm-local.sh start)\"}"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
start=$(now)
"$rnndyn" sweep "$spec" --out "$tmp/local" --workers "$(nproc)" >/dev/null
local_s=$(python3 -c "print($(now) - $start)")
cells=$(($(wc -l < "$tmp/local/sweep.csv") - 1))
echo "{\"bench\": \"slurm_overhead\", \"runner\": \"local\", \"workers\": $(nproc), \"cells\": $cells, \"seconds\": $local_s}"
for per in 1 4 16; do
  dir="$tmp/slurm$per"
  start=$(now)
  line=$("$rnndyn" sweep "$spec" --out "$dir" --slurm --cells-per-task "$per")
  jobs=$(grep -oE '(array|merge) [0-9]+' <<<"$line" | awk '{print $2}' | paste -sd, -)
  while [ -n "$(squeue -h -j "$jobs" 2>/dev/null)" ]; do sleep 0.05; done
  secs=$(python3 -c "print($(now) - $start)")
  identical=true
  for f in sweep.csv sweep.npz DATA.md figures/sweep.svg; do cmp -s "$tmp/local/$f" "$dir/$f" || identical=false; done
  tasks=$(( (cells + per - 1) / per ))
  echo "{\"bench\": \"slurm_overhead\", \"runner\": \"slurm\", \"cells_per_task\": $per, \"tasks\": $tasks, \"cells\": $cells, \"seconds\": $secs, \"overhead_per_cell_s\": $(python3 -c "print(($secs - $local_s) / $cells)"), \"merged_identical\": $identical}"
done
