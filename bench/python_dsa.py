"""All-pairs DSA from Python: rnndyn (in-process, through libRNNDynC) against dsa-metric 2.0.2, in one interpreter,
on the same trajectories — the comparison a user would make in a notebook (issue 17).

Data (issue 15's bench, generated here in NumPy): 20 noise-driven random tanh RNNs h_t = tanh(W h_{t−1} + 0.3 ξ_t),
h_0 = 0.3 ξ_0, W = g J / √128 with J standard normal and gains g = 0.5 … 0.95, 32 trials × 100 steps of 128 units
each, from numpy.random.default_rng(SEED). Settings on both sides: n_delays 5, rank 20, ridge 1e-8, angular score,
2000 iterations. rnndyn runs its defaults, the lab's practice (≥ 2 fits per pair, up to 6 while the angle is above
0.15), and once more with one fit per pair (restarts=1); dsa-metric runs
`DSA(X, n_delays=5, rank=20, lamb=1e-8, score_method="angular", iters=2000, lr=5e-3).fit_score()` (one Adam fit per
pair, float32, its own precision). One BLAS/torch thread everywhere.

Prints both wall times, the speed-up, the max and mean off-diagonal distances of both, and on how many pairs rnndyn's
angle is ≤ dsa-metric's + 1e-3 (the parity of issue 15); exits 1 when parity breaks on any pair, or when dsa-metric,
torch or rnndyn cannot be imported (run `bash bench/setup_venv.sh` first). dsa-metric takes about 7.5 s per pair at
the full size (190 pairs ≈ 24 min on one core): `--networks N` shrinks the set, `--quick` runs a small smoke test.

Usage (repository root, release library):
    PYTHONPATH=python RNNDYN_LIBRARY=.build/release/libRNNDynC.so bench/.venv/bin/python bench/python_dsa.py \
        [--networks 20] [--quick] [--json]
"""

from __future__ import annotations

import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
              "NUMEXPR_NUM_THREADS"):
    os.environ[_name] = "1"  # before numpy, torch or the rnndyn library load their BLAS

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from typing import NoReturn  # noqa: E402


def fail(message: str) -> NoReturn:
    print(f"python_dsa: {message}", file=sys.stderr)
    sys.exit(1)


try:
    import numpy as np
except ImportError:
    fail(f"numpy is not importable in {sys.executable}; use bench/.venv/bin/python (created by bash bench/setup_venv.sh)")


def trajectories(networks: int, units: int, trials: int, steps: int, seed: int) -> np.ndarray:
    """``[networks, trials, steps, units]`` states of noise-driven random tanh RNNs with gains 0.5 … 0.95."""
    rng = np.random.default_rng(seed)
    out = np.empty((networks, trials, steps, units))
    for k in range(networks):
        gain = 0.5 + 0.45 * k / max(networks - 1, 1)
        w = rng.standard_normal((units, units)) * (gain / np.sqrt(units))
        h = 0.3 * rng.standard_normal((trials, units))
        out[k, :, 0] = h
        for t in range(1, steps):
            h = np.tanh(h @ w.T + 0.3 * rng.standard_normal((trials, units)))
            out[k, :, t] = h
    return out


def upper(d: np.ndarray) -> np.ndarray:
    return d[np.triu_indices(d.shape[0], 1)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--networks", type=int, default=None, help="networks (default 20; 4 with --quick)")
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: 4 networks of 16 units, 8 trials × 30 steps, rank 8, 200 iterations")
    ap.add_argument("--seed", type=int, default=0, help="seed of the data (numpy default_rng)")
    ap.add_argument("--json", action="store_true", help="also print one JSON line with every number")
    args = ap.parse_args()

    if args.quick:
        units, trials, steps, rank, iters = 16, 8, 30, 8, 200
        networks = args.networks or 4
    else:
        units, trials, steps, rank, iters = 128, 32, 100, 20, 2000
        networks = args.networks or 20
    if networks < 2:
        fail("--networks must be at least 2")
    n_delays, ridge, lr = 5, 1e-8, 5e-3

    try:
        import torch
    except ImportError:
        fail(f"torch is not importable in {sys.executable}; run `bash bench/setup_venv.sh` and use bench/.venv/bin/python")
    try:
        import importlib.metadata as md
        from DSA import DSA
        dsa_version = md.version("dsa-metric")
    except Exception as error:  # noqa: BLE001
        fail(f"dsa-metric is not importable in {sys.executable} ({error}); run `bash bench/setup_venv.sh` and use "
             "bench/.venv/bin/python")
    try:
        import rnndyn
        library = rnndyn.library_path()
    except Exception as error:  # noqa: BLE001
        fail(f"rnndyn is not usable ({error}); run with PYTHONPATH=python and "
             "RNNDYN_LIBRARY=.build/release/libRNNDynC.so (swift build -c release --product RNNDynC)")
    torch.set_num_threads(1)
    torch.manual_seed(0)

    start = time.perf_counter()
    x = trajectories(networks, units, trials, steps, args.seed)
    data_seconds = time.perf_counter() - start
    pairs = networks * (networks - 1) // 2
    print(f"data: {networks} noise-driven tanh RNNs × {trials} trials × {steps} steps × {units} units "
          f"(numpy, {data_seconds:.1f} s); {pairs} pairs; n_delays {n_delays}, rank {rank}, angular, {iters} iterations")
    print(f"rnndyn {rnndyn.version()} ({library}); dsa-metric {dsa_version}; torch {torch.__version__}; one thread",
          flush=True)

    start = time.perf_counter()
    d_rnndyn, info = rnndyn.dsa(x, n_delays=n_delays, rank=rank, ridge=ridge, score="angular", iters=iters, seed=0,
                                threads=1, info=True)
    rnndyn_seconds = time.perf_counter() - start
    start = time.perf_counter()
    d_one = rnndyn.dsa(x, n_delays=n_delays, rank=rank, ridge=ridge, score="angular", iters=iters, restarts=1, seed=0,
                       threads=1)
    rnndyn_one_seconds = time.perf_counter() - start
    print(f"rnndyn.dsa (lab practice: ≥ 2 fits, up to 6 while > 0.15): {rnndyn_seconds:.2f} s; "
          f"one fit per pair: {rnndyn_one_seconds:.2f} s", flush=True)

    start = time.perf_counter()
    sims = DSA(list(x), n_delays=n_delays, rank=rank, lamb=ridge, score_method="angular", iters=iters, lr=lr,
               device="cpu", n_jobs=1).fit_score()
    dsa_seconds = time.perf_counter() - start
    d_dsa = np.asarray(sims, dtype=np.float64).reshape(networks, networks)
    print(f"dsa-metric DSA(...).fit_score() (one fit per pair, float32): {dsa_seconds:.1f} s", flush=True)

    ours, theirs, ours_one = upper(d_rnndyn), upper(d_dsa), upper(d_one)
    at_or_below = int(np.sum(ours <= theirs + 1e-3))
    at_or_below_one = int(np.sum(ours_one <= theirs + 1e-3))
    fits = [p.get("fits") for p in info.get("pairs", []) if isinstance(p, dict)]
    print()
    print(f"| all {pairs} pairs | wall time | mean angle | max angle |")
    print("|---|---|---|---|")
    print(f"| rnndyn, lab practice | {rnndyn_seconds:.2f} s | {ours.mean():.4f} | {ours.max():.4f} |")
    print(f"| rnndyn, one fit per pair | {rnndyn_one_seconds:.2f} s | {ours_one.mean():.4f} | {ours_one.max():.4f} |")
    print(f"| dsa-metric, one fit per pair | {dsa_seconds:.1f} s | {theirs.mean():.4f} | {theirs.max():.4f} |")
    print()
    print(f"speed-up: {dsa_seconds / rnndyn_seconds:.0f}× (rnndyn's lab practice against dsa-metric's single fit), "
          f"{dsa_seconds / rnndyn_one_seconds:.0f}× (one fit each)")
    print(f"parity: rnndyn ≤ dsa-metric + 1e-3 on {at_or_below} of {pairs} pairs (one fit: {at_or_below_one}); "
          f"largest rnndyn − dsa-metric {np.max(ours - theirs):+.2e}")
    if args.json:
        print(json.dumps({
            "bench": "python_dsa", "networks": networks, "units": units, "trials": trials, "steps": steps,
            "n_delays": n_delays, "rank": rank, "iters": iters, "pairs": pairs,
            "seconds_rnndyn": rnndyn_seconds, "seconds_rnndyn_one_fit": rnndyn_one_seconds,
            "seconds_dsa_metric": dsa_seconds, "speedup": dsa_seconds / rnndyn_seconds,
            "speedup_one_fit": dsa_seconds / rnndyn_one_seconds,
            "mean_rnndyn": float(ours.mean()), "max_rnndyn": float(ours.max()),
            "mean_rnndyn_one_fit": float(ours_one.mean()), "max_rnndyn_one_fit": float(ours_one.max()),
            "mean_dsa_metric": float(theirs.mean()), "max_dsa_metric": float(theirs.max()),
            "pairs_at_or_below_dsa_metric_plus_1e-3": at_or_below,
            "pairs_at_or_below_one_fit": at_or_below_one,
            "largest_rnndyn_minus_dsa_metric": float(np.max(ours - theirs)),
            "mean_fits": float(np.mean(fits)) if fits and all(isinstance(f, (int, float)) for f in fits) else None,
            "versions": {"rnndyn": rnndyn.version(), "dsa-metric": dsa_version, "torch": torch.__version__,
                         "numpy": np.__version__},
        }, sort_keys=True))
    if at_or_below < pairs:
        print(f"python_dsa: parity broken on {pairs - at_or_below} pairs (rnndyn's angle above dsa-metric's + 1e-3)",
              file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
