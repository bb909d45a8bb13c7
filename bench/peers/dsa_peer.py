"""dsa-metric 2.0.2 on the trajectories rnndyn wrote (issue 15): timing and parity for all-pairs angular DSA.

Reads DIR/dsa_data.npz (X [networks, trials, steps, units], float64) and rnndyn's results DIR/dsa_rnndyn.npz
(operators, eig_real/eig_imag, distances). For every network it fits dsa-metric's `DMD(n_delays, rank)` twice:

* in float64 (torch default dtype switched to float64 for the fit) — its eigenvalues must match rnndyn's to
  1e-6 relative (matched by an optimal assignment);
* in float32, the package's own precision — timed, and its `A_v` is what PAVF compares.

PAVF is timed on a documented subset of pairs: `--pairs K` pairs evenly spaced through the lexicographic list of
the i < j pairs (indices round(k·P/K), k = 0 … K−1). Each runs one `SimilarityTransformDist(iters, 'angular', lr)
.fit_score` (two Adam runs: a random rotation and the reflected problem) — the package's whole cost for one pair;
the lab's practice of ≥ 2 fits per pair (up to 6 while angular > 0.15) costs at least twice that. The all-pairs
time is extrapolated as the float32 DMD fits + (seconds per pair) × P, and × 2 for the lab's practice (a lower
bound). rnndyn's angular DSA (lab practice) must be ≤ dsa-metric's + 1e-3 on every timed pair; its single-fit score
is reported beside it. Prints one JSON line; exits 1 when parity breaks.
"""
import argparse
import json
import sys
import time

import peer_common  # noqa: F401  (one thread everywhere; must precede numpy/torch)
import numpy as np
from scipy.optimize import linear_sum_assignment


def spectrum_mismatch(ours, theirs):
    """Largest |λ_ours − λ_theirs| / |λ_theirs| after an optimal matching."""
    cost = np.abs(ours[:, None] - theirs[None, :])
    rows, cols = linear_sum_assignment(cost)
    return float(np.max(cost[rows, cols] / np.maximum(np.abs(theirs[cols]), 1e-300)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--pairs", type=int, default=10)
    ap.add_argument("--iters", type=int, default=2000)
    ap.add_argument("--lr", type=float, default=5e-3)
    ap.add_argument("--n-delays", type=int, default=5)
    ap.add_argument("--rank", type=int, default=20)
    ap.add_argument("--cpu", default="init", help="see peer_common.pin_cpu")
    args = ap.parse_args()

    peer_common.pin_cpu(args.cpu, need_torch=True, need_jax=False)
    torch = peer_common.get_torch()
    import importlib.metadata as md
    from DSA import DMD, SimilarityTransformDist

    data = np.load(f"{args.dir}/dsa_data.npz")["X"]
    ours = np.load(f"{args.dir}/dsa_rnndyn.npz")
    networks = data.shape[0]
    torch.manual_seed(0)

    worst_eig = 0.0
    operators32 = []
    dmd_seconds = []
    for k in range(networks):
        torch.set_default_dtype(torch.float64)
        d64 = DMD(data[k], n_delays=args.n_delays, rank=args.rank)
        d64.fit()
        theirs = np.linalg.eigvals(d64.A_v.numpy())
        mine = ours["eig_real"][k] + 1j * ours["eig_imag"][k]
        worst_eig = max(worst_eig, spectrum_mismatch(mine, theirs))
        torch.set_default_dtype(torch.float32)
        start = time.perf_counter()
        d32 = DMD(data[k], n_delays=args.n_delays, rank=args.rank)
        d32.fit()
        dmd_seconds.append(time.perf_counter() - start)
        operators32.append(d32.A_v.detach().clone())

    all_pairs = [(i, j) for i in range(networks) for j in range(i + 1, networks)]
    chosen = sorted({round(k * len(all_pairs) / args.pairs) for k in range(args.pairs)})
    rows = []
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for idx in chosen:
        i, j = all_pairs[idx]
        sim = SimilarityTransformDist(iters=args.iters, score_method="angular", lr=args.lr)
        start = time.perf_counter()
        score = float(sim.fit_score(operators32[i].clone(), operators32[j].clone()))
        seconds = time.perf_counter() - start
        mine = float(ours["distances"][i, j])
        rows.append({"i": i, "j": j, "dsa_metric": score, "rnndyn": mine, "seconds": seconds,
                     "rnndyn_one_fit": float(ours["distances_one_fit"][i, j]),
                     "rnndyn_minus_dsa_metric": mine - score})
    cpu_per_wall = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    per_pair = float(np.mean([r["seconds"] for r in rows]))
    worst_gap = max(r["rnndyn_minus_dsa_metric"] for r in rows)
    parity = worst_eig <= 1e-6 and worst_gap <= 1e-3
    out = {
        "bench": "dsa", "peer": "dsa-metric", "networks": networks, "pairs_timed": len(rows),
        "pair_indices": chosen, "iters": args.iters, "lr": args.lr, "n_delays": args.n_delays, "rank": args.rank,
        "seconds_dmd_mean": float(np.mean(dmd_seconds)), "seconds_per_pair": per_pair,
        "seconds_total_extrapolated": float(np.sum(dmd_seconds)) + per_pair * len(all_pairs),
        "seconds_total_extrapolated_two_fits": float(np.sum(dmd_seconds)) + 2 * per_pair * len(all_pairs),
        "angular_rnndyn_one_fit_minus_dsa_metric_max": max(r["rnndyn_one_fit"] - r["dsa_metric"] for r in rows),
        "pairs_total": len(all_pairs), "cpu_per_wall": cpu_per_wall,
        "eigenvalue_max_relative_difference": worst_eig, "angular_rnndyn_minus_dsa_metric_max": worst_gap,
        "angular_dsa_metric_mean": float(np.mean([r["dsa_metric"] for r in rows])),
        "angular_rnndyn_mean_same_pairs": float(np.mean([r["rnndyn"] for r in rows])),
        "pairs": rows, "parity": parity,
        "versions": {**peer_common.versions(), "dsa-metric": md.version("dsa-metric")},
    }
    print(json.dumps(out, sort_keys=True))
    if not parity:
        print(f"dsa parity FAILED: eigenvalues differ by {worst_eig:.2e} relative (limit 1e-6); "
              f"rnndyn − dsa-metric angular up to {worst_gap:.2e} (limit 1e-3)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
