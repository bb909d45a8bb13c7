#!/usr/bin/env bash
# The sweep row of make bench: wall time of one sweep (bench/sweep-bench.yaml, 2 axes × 5 seeds) with 2 worker
# processes against 1, on fresh directories, plus a byte comparison of the merged results. Prints JSON lines.
set -euo pipefail
cd "$(dirname "$0")/.."
rnndyn=${RNNDYN:-.build/release/rnndyn}
spec=bench/sweep-bench.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -A secs
for workers in 1 2; do
  start=$(date +%s.%N)
  "$rnndyn" sweep "$spec" --out "$tmp/w$workers" --workers "$workers" >/dev/null
  end=$(date +%s.%N)
  secs[$workers]=$(python3 -c "print($end - $start)")
done
identical=true
for f in sweep.csv sweep.npz DATA.md figures/sweep.svg; do cmp -s "$tmp/w1/$f" "$tmp/w2/$f" || identical=false; done
cells=$(($(wc -l < "$tmp/w1/sweep.csv") - 1))
cpu=$(python3 -c "import csv; print(sum(float(r['wall_time_seconds']) for r in csv.DictReader(open('$tmp/w1/timings.csv'))))")
echo "{\"bench\": \"sweep\", \"spec\": \"$spec\", \"cells\": $cells, \"cell_seconds_total\": $cpu, \"seconds_1_worker\": ${secs[1]}, \"seconds_2_workers\": ${secs[2]}, \"merged_identical\": $identical, \"cores\": $(nproc)}"
