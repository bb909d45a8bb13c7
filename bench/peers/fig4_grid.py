#!/usr/bin/env python3
"""Peer benchmark: the whole Fig. 4 mode-ODE grid of Proca et al. (2025) in NumPy (float64, 1 thread).

Every grid point is one connectivity mode (a, b, c) trained by plain gradient descent on its energy
    E = 1/2 sum_k (S_k - u b^k)^2,   u = a c,   lag k = T - i,   S_k = s_{T-k}
i.e. explicit Euler steps of size lr of the mode flow (Proca et al. Eqs. 5-7):
    da/dt = c X,   db/dt = u Y,   dc/dt = a X
    X = sum_k b^k r_k,   Y = sum_{k>=1} k b^(k-1) r_k,   r_k = S_k - u b^k.
The points are vectorised as a NumPy user would: points with the same T and initial mode form one group,
each step is a handful of array operations over the group, and the loop over k runs over the T lags.
The arithmetic follows rnndyn's ModeFlow term by term, so both sides should agree to round-off.

Input (written by `rnndyn-bench --fig4 --grid-json PATH`):
    {"learning_rate": lr, "steps": S,
     "points": [{"s": [s_1, ..., s_T], "init": [a, b, c]}, ...]}
Output: one JSON line on stdout
    {"peer": "numpy", "what": "fig4-mode-grid", "seconds": best-of-repeats wall time for the whole grid,
     "grid_points": n, "steps": S, "groups": g, ...}
and, with --out PATH, the final (b, ac) of every point as float64 [n, 2] in point order (raw little-endian).

Usage:
    python bench/peers/fig4_grid.py --grid grid.json [--out numpy.f64] [--repeats 1]
"""
import os

for _v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
           "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse
import json
import platform
import sys
import time

import numpy as np


def descend(S_lag, init, lr, steps):
    """GD on a group of modes. S_lag: [T, G] with S_lag[k] = s_{T-k}; returns final a, b, c arrays."""
    T, G = S_lag.shape
    a = np.full(G, init[0])
    b = np.full(G, init[1])
    c = np.full(G, init[2])
    for _ in range(steps):
        u = a * c
        x = np.zeros(G)
        y = np.zeros(G)
        p = np.ones(G)
        p_prev = np.zeros(G)
        for k in range(T):
            r = S_lag[k] - u * p
            x = x + p * r
            if k >= 1:
                y = y + (k * p_prev) * r
            p_prev = p
            p = p * b
        da = c * x
        db = u * y
        dc = a * x
        a = a + lr * da
        b = b + lr * db
        c = c + lr * dc
    return a, b, c


def run_grid(points, lr, steps):
    groups = {}
    for idx, pt in enumerate(points):
        key = (len(pt["s"]), tuple(pt["init"]))
        groups.setdefault(key, []).append(idx)
    out = np.empty((len(points), 2))
    for (T, init), idx in groups.items():
        S = np.array([points[i]["s"] for i in idx], dtype=np.float64)   # [G, T]
        S_lag = np.ascontiguousarray(S[:, ::-1].T)                      # [T, G], row k = s_{T-k}
        a, b, c = descend(S_lag, init, lr, steps)
        out[idx, 0] = b
        out[idx, 1] = a * c
    return out, len(groups)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--grid", required=True, help="grid JSON written by rnndyn-bench --fig4")
    ap.add_argument("--out", help="write the final (b, ac) per point as raw float64 [n, 2]")
    ap.add_argument("--repeats", type=int, default=1)
    args = ap.parse_args()
    with open(args.grid) as f:
        spec = json.load(f)
    lr, steps, points = float(spec["learning_rate"]), int(spec["steps"]), spec["points"]
    best, result, ngroups = float("inf"), None, 0
    for _ in range(max(1, args.repeats)):
        t0 = time.perf_counter()
        result, ngroups = run_grid(points, lr, steps)
        best = min(best, time.perf_counter() - t0)
    if args.out:
        result.astype("<f8").tofile(args.out)
    print(json.dumps({
        "peer": "numpy", "what": "fig4-mode-grid", "seconds": best, "grid_points": len(points), "steps": steps,
        "learning_rate": lr, "groups": ngroups, "repeats": max(1, args.repeats),
        "versions": {"numpy": np.__version__, "python": platform.python_version()},
    }, sort_keys=True))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
