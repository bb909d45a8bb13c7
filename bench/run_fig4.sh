#!/usr/bin/env bash
# Fig. 4 benchmark (issue 3): the whole Proca et al. Fig. 4 grid timed in rnndyn (mode-ODE grid on 1 and 2 threads,
# and the whole experiment: grid + full-matrix simulations + theory), with the same mode-ODE grid run by a NumPy
# implementation (bench/peers/fig4_grid.py) as the peer. Checks that both give the same converged (b, ac) at every
# grid point to 1e-9 and prints the speed ratio. Raw JSON lines go to bench/results/fig4-<time>.jsonl.
#
#   bash bench/run_fig4.sh                 # full preset (the paper's ranges, fine grids)
#   PRESET=quick bash bench/run_fig4.sh    # coarse grid
#   BUILD_DIR=.build-x bash bench/run_fig4.sh
#   BENCH_BIN=path/to/rnndyn-bench bash bench/run_fig4.sh   # use an existing release binary, skip the build
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
PRESET=${PRESET:-full}
REPEATS=${REPEATS:-3}
NUMPY_REPEATS=${NUMPY_REPEATS:-1}
BUILD_DIR=${BUILD_DIR:-.build}
PY=bench/.venv/bin/python
mkdir -p bench/results
out="bench/results/fig4-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -z "${BENCH_BIN:-}" ]; then
  echo "== building rnndyn-bench (release) =="
  swift build -c release --product rnndyn-bench --scratch-path "$BUILD_DIR" >&2
  BENCH_BIN="$BUILD_DIR/release/rnndyn-bench"
fi

echo "== rnndyn (Swift, release), preset $PRESET =="
"$BENCH_BIN" --fig4 --preset "$PRESET" --repeats "$REPEATS" \
  --grid-json "$tmp/grid.json" --results "$tmp/swift.f64" | tee "$out"

echo "== NumPy peer (bench/.venv) =="
if [ ! -x "$PY" ]; then bash bench/setup_venv.sh >&2; fi
"$PY" bench/peers/fig4_grid.py --grid "$tmp/grid.json" --out "$tmp/numpy.f64" --repeats "$NUMPY_REPEATS" | tee -a "$out"

echo "== comparison ($out) =="
"$PY" - "$out" "$tmp/swift.f64" "$tmp/numpy.f64" <<'PYEOF'
import json, sys
import numpy as np
records = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
swift = np.fromfile(sys.argv[2], dtype="<f8").reshape(-1, 2)
peer = np.fromfile(sys.argv[3], dtype="<f8").reshape(-1, 2)
grid1 = next(r for r in records if r["peer"] == "rnndyn-swift" and r["what"] == "fig4-mode-grid" and r["threads"] == 1)
grid2 = next(r for r in records if r["peer"] == "rnndyn-swift" and r["what"] == "fig4-mode-grid" and r["threads"] == 2)
whole = next(r for r in records if r["what"] == "fig4-experiment")
numpy_rec = next(r for r in records if r["peer"] == "numpy")
n, steps = grid1["grid_points"], grid1["steps"]
assert swift.shape == peer.shape == (n, 2), (swift.shape, peer.shape, n)
diff = np.abs(swift - peer)
worst = float(diff.max())
identical = int(np.sum(np.all(swift == peer, axis=1)))
print(f"grid: {n} points x {steps} GD steps (lr {grid1['learning_rate']})")
print(f"  rnndyn mode grid, 1 thread : {grid1['seconds']:.3f} s")
print(f"  rnndyn mode grid, 2 threads: {grid2['seconds']:.3f} s")
print(f"  NumPy mode grid (1 thread) : {numpy_rec['seconds']:.3f} s")
print(f"  rnndyn whole Fig. 4 (grid + {whole['networks']} full-matrix networks / {whole['simulated_modes']} modes + theory), "
      f"2 threads: {whole['seconds']:.3f} s (grid {whole['grid_seconds']:.3f} s, networks {whole['simulation_seconds']:.3f} s); "
      f"claim checks hold: {whole['checks_hold']}")
print(f"  speed-up vs NumPy: {numpy_rec['seconds'] / grid1['seconds']:.1f}x (1 thread), "
      f"{numpy_rec['seconds'] / grid2['seconds']:.1f}x (2 threads); whole experiment vs NumPy grid alone: "
      f"{numpy_rec['seconds'] / whole['seconds']:.1f}x")
print(f"  agreement: max |Δ(b, ac)| = {worst:.3e} over {n} points; bit-identical points: {identical}/{n}")
if not worst <= 1e-9:
    bad = np.argsort(-diff.max(axis=1))[:5]
    for i in bad:
        print(f"    point {i}: swift (b, ac) = {swift[i]}, numpy = {peer[i]}")
    print("FAIL: rnndyn and NumPy disagree by more than 1e-9")
    sys.exit(1)
print("OK: rnndyn and NumPy agree to 1e-9 at every grid point")
PYEOF
