#!/usr/bin/env bash
# make bench: rnndyn vs PyTorch eager, JAX (whole loop jitted) and NumPy, one BLAS thread each, in one run:
# seconds per full-batch GD step (issue 2), seconds per empirical NTK evaluation (issue 4) and the wall time of a
# sweep on 2 worker processes against 1 (issue 10), the time to an exact loss when learning to integrate against
# NumPy/SciPy and PyTorch BPTT (issue 13), one training step of a tanh RNN against PyTorch and JAX with an autograd
# parity check (issue 14), the PIF weight distance against SciPy's FAQ and all-pairs DSA against dsa-metric with its
# parity check (issue 15; exits 1 if parity breaks), the same all-pairs DSA called from Python through rnndyn's library
# against dsa-metric in one interpreter (issue 17), and Slurm's overhead per cell on the local cluster (issue 12).
# Writes the raw JSON lines to bench/results/ and prints the comparison table (bench/compare.py).
# Usage: bash bench/run.sh [section ...] with sections gd, ntk, sweep, integrate, tanh, pif, dsa, python, slurm (default: all,
# in that order). TANH_SIZE (N,N_in,N_out,T,P; default 128,3,3,100,64) and BENCH_CPU (the core every pinned process
# runs on with taskset; default the last allowed one) tune the tanh and pif sections; DSA_PAIRS (default 10) sets how
# many pairs dsa-metric is timed on, PY_DSA_NETWORKS (default 6) how many networks the Python section compares.
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
SIZES=${SIZES:-"4,4,4,6,64;64,8,8,20,256;128,16,16,50,512"}
REPEATS=${REPEATS:-5}
NTK_SIZES=${NTK_SIZES:-"64,8,8,20,64"}
TANH_SIZE=${TANH_SIZE:-"128,3,3,100,64"}
SECTIONS=" ${*:-gd ntk sweep integrate tanh pif dsa python slurm} "
for s in $SECTIONS; do
  case $s in gd|ntk|sweep|integrate|tanh|pif|dsa|python|slurm) ;;
    *) echo "bench: unknown section '$s' (allowed: gd, ntk, sweep, integrate, tanh, pif, dsa, python, slurm)" >&2; exit 2 ;;
  esac
done
want() { [[ "$SECTIONS" == *" $1 "* ]]; }
mkdir -p bench/results
out="bench/results/lrnn_gd-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
: > "$out"
bash bench/setup_venv.sh >&2 || echo "bench: the Python peers could not be installed (see above); showing rnndyn alone" >&2

if want gd; then
echo "== rnndyn (Swift, release) =="
.build/release/rnndyn-bench --sizes "$SIZES" --repeats "$REPEATS" | tee -a "$out"

echo "== Python peers (bench/.venv) =="
if [ -x bench/.venv/bin/python ]; then
  bench/.venv/bin/python bench/peers/lrnn_gd.py --sizes "$SIZES" --repeats "$REPEATS" --json | tee -a "$out"
  echo "== correctness: rnndyn vs PyTorch autograd on identical inputs =="
  tmp=$(mktemp -d)
  for size in "4,4,4,6,64" "64,8,8,20,256"; do
    bench/.venv/bin/python bench/peers/lrnn_gd.py --dump-inputs "$tmp/in.npz" --sizes "$size" >/dev/null
    bench/.venv/bin/python bench/peers/lrnn_gd.py --check --from-npz "$tmp/in.npz" --grads-out "$tmp/grads.npz" >/dev/null
    .build/release/rnndyn-bench --check-against "$tmp/in.npz" "$tmp/grads.npz" | tee -a "$out"
  done
  rm -rf "$tmp"
fi
fi

if want ntk; then
echo "== NTK at $NTK_SIZES: rnndyn closed form and Jacobian route =="
.build/release/rnndyn-bench --ntk --sizes "$NTK_SIZES" --repeats "$REPEATS" | tee -a "$out"
if [ -x bench/.venv/bin/python ]; then
  echo "== NTK: JAX (jacrev + einsum, closed form; jit) and NumPy =="
  bench/.venv/bin/python bench/peers/ntk_peer.py --sizes "$NTK_SIZES" --repeats "$REPEATS" \
    --jacrev-variants vmap-scan,vmap-unroll --json | tee -a "$out"
  echo "== correctness: rnndyn NTK vs JAX jacrev on identical inputs =="
  tmp=$(mktemp -d)
  for size in "4,3,2,5,3" "16,4,4,8,12"; do
    bench/.venv/bin/python bench/peers/ntk_peer.py --dump "$tmp/ntk.npz" --sizes "$size" >/dev/null
    .build/release/rnndyn-bench --check-ntk "$tmp/ntk.npz" | tee -a "$out"
  done
  rm -rf "$tmp"
fi

fi

if want sweep; then
echo "== sweep: 2 worker processes against 1 on the same cells (bench/sweep-bench.yaml) =="
bash bench/sweep.sh | tee -a "$out"
fi

if want integrate; then
echo "== Learning to integrate (issue 13): exact impulse-response gradient and flow to loss 1e-4 at N = 200, sigma = 0.1, c* = 0.2 =="
.build/release/rnndyn-bench --impulse-response 50,100,200 | tee -a "$out"
tmp=$(mktemp -d)
.build/release/rnndyn-bench --impulse-flow 200 0.1 0.2 1e-4 "$tmp/flow0.npz" | tee -a "$out"
if [ -x bench/.venv/bin/python ]; then
  bench/.venv/bin/python bench/peers/integrate_peer.py --from-npz "$tmp/flow0.npz" --c 0.2 --sigma 0.1 --target 1e-4 \
    --variants schur,lyapunov --json | tee -a "$out"
  echo "== Learning to integrate: PyTorch BPTT + SGD on sampled white noise to the same exact loss (float32, then float64) =="
  for dtype in float32 float64; do
    bench/.venv/bin/python bench/peers/integrate_bptt_peer.py --from-npz "$tmp/flow0.npz" --c 0.2 --sigma 0.1 \
      --target 1e-4 --dtype "$dtype" --json | tee -a "$out"
  done
fi
rm -rf "$tmp"
fi

if want tanh; then
echo "== Tanh RNN (issue 14): one training step (forward, MSE, backward, clip_grad_norm 1, Adam) at $TANH_SIZE, one core =="
cpu=${BENCH_CPU:-$(taskset -pc $$ | sed 's/.*: //' | tr ',' '\n' | tail -1 | sed 's/.*-//')}
pin() { taskset -c "$cpu" "$@"; }
tmp=$(mktemp -d)
.build/release/rnndyn-bench --tanh-parity-inputs "$TANH_SIZE" "$tmp"
pin .build/release/rnndyn-bench --tanh-step "$TANH_SIZE" "$REPEATS" | tee -a "$out"
if [ -x bench/.venv/bin/python ]; then
  pin bench/.venv/bin/python bench/peers/tanh_rnn_peer.py --from-npz "$tmp/tanh.npz" --repeats "$REPEATS" \
    --variants torch-float64,torch-float32,jax-float64 --json | tee -a "$out"
  echo "== Tanh RNN parity: rnndyn vs PyTorch float64 autograd + clip_grad_norm_ + Adam (TanhRNN, LeakyRateRNN µP and standard) =="
  bench/.venv/bin/python bench/peers/tanh_rnn_peer.py --check "$tmp" >/dev/null
  .build/release/rnndyn-bench --tanh-check "$tmp" | tee -a "$out"
fi
rm -rf "$tmp"
fi

if want pif; then
echo "== PIF distance (issue 15): rnndyn FAQ + starts + 2-opt vs scipy.optimize.quadratic_assignment(method=faq) at n = 128, one core =="
cpu=${BENCH_CPU:-$(taskset -pc $$ | sed 's/.*: //' | tr ',' '\n' | tail -1 | sed 's/.*-//')}
pin() { taskset -c "$cpu" "$@"; }
tmp=$(mktemp -d)
pin .build/release/rnndyn-bench --pif 128 "$tmp/pif.npz" 5 | tee "$tmp/pif.jsonl" | tee -a "$out"
if [ -x bench/.venv/bin/python ]; then
  pin bench/.venv/bin/python bench/peers/pif_peer.py --from-npz "$tmp/pif.npz" --repeats 5 --rnndyn "$tmp/pif.jsonl" \
    --json | tee -a "$out"
fi
rm -rf "$tmp"
fi

if want dsa; then
echo "== DSA (issue 15): all pairs of 20 noise-driven tanh RNNs (128 units, 32 trials × 100 steps), n_delays 5, rank 20, angular, 2000 iterations; one pinned core =="
tmp=$(mktemp -d)
cpu=$(python3 -c "import os; print(sorted(os.sched_getaffinity(0))[-1])")
pin=(); command -v taskset >/dev/null 2>&1 && pin=(taskset -c "$cpu")
"${pin[@]}" .build/release/rnndyn-bench --dsa "$tmp" | tee -a "$out"
if [ -x bench/.venv/bin/python ] && bench/.venv/bin/python -c "import DSA" >/dev/null 2>&1; then
  echo "== DSA: dsa-metric 2.0.2 on the same trajectories (${DSA_PAIRS:-10} pairs timed), eigenvalue and angular parity =="
  if ! "${pin[@]}" bench/.venv/bin/python bench/peers/dsa_peer.py --dir "$tmp" --pairs "${DSA_PAIRS:-10}" --iters 2000 \
      --cpu none | tee -a "$out"; then
    rm -rf "$tmp"
    echo "bench: DSA parity against dsa-metric FAILED (see above)" >&2
    exit 1
  fi
else
  echo "bench: dsa-metric is not installed in bench/.venv; DSA parity not checked" >&2
fi
rm -rf "$tmp"
fi

if want python; then
echo "== Python (issue 17): all-pairs DSA through rnndyn's library against dsa-metric in one interpreter (${PY_DSA_NETWORKS:-6} networks, 128 units, 32 trials × 100 steps, n_delays 5, rank 20, angular, 2000 iterations); one pinned core =="
cpu=$(python3 -c "import os; print(sorted(os.sched_getaffinity(0))[-1])")
pin=(); command -v taskset >/dev/null 2>&1 && pin=(taskset -c "$cpu")
if [ -x bench/.venv/bin/python ]; then
  PYTHONPATH=python RNNDYN_LIBRARY=.build/release/libRNNDynC.so "${pin[@]}" bench/.venv/bin/python bench/python_dsa.py \
    --networks "${PY_DSA_NETWORKS:-6}" --json | tee -a "$out" || { echo "bench: the Python DSA section FAILED (see above)" >&2; exit 1; }
else
  echo "bench: bench/.venv is missing; the Python DSA section needs it (bash bench/setup_venv.sh)" >&2
fi
fi

if want slurm; then
echo "== Slurm: scheduling overhead per cell on the one-node cluster against local workers (bench/slurm-bench.yaml) =="
bash bench/slurm-overhead.sh | tee -a "$out"
fi

echo "== comparison ($out) =="
python3 bench/compare.py "$out"
