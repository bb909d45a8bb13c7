"""Prints the rnndyn-vs-peers table from one bench run's JSON lines (see bench/run.sh)."""
import json
import sys

TARGETS = {"tiny": 20.0, "other": 1.3}  # required speed-up over fused JAX (issue 2)


def main(path):
    records = [json.loads(line) for line in open(path) if line.startswith("{")]
    rows = [r for r in records if "peer" in r]
    checks = [r for r in records if "check" in r]
    sizes = []
    for r in rows:
        key = (r["Nh"], r["Nx"], r["Ny"], r["T"], r["P"])
        if key not in sizes:
            sizes.append(key)
    print("| (N_h, N_x, N_y, T, P) | rnndyn BPTT s/step | rnndyn stats s/step | PyTorch eager | JAX jit loop | NumPy |"
          " JAX ÷ BPTT | JAX ÷ stats | PyTorch ÷ BPTT | rnndyn GFLOP/s | dgemm GFLOP/s (same shape) | target vs JAX |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for i, key in enumerate(sizes):
        by = {r["peer"]: r for r in rows if (r["Nh"], r["Nx"], r["Ny"], r["T"], r["P"]) == key}
        def t(peer):
            return by[peer]["seconds_per_step"] if peer in by else None
        def fmt(x):
            return "—" if x is None else f"{x:.3g}"
        def ratio(a, b):
            return None if a is None or b is None else a / b
        ours, stats = t("rnndyn-swift"), t("rnndyn-swift-stats")
        jax, torch, numpy = t("jax-jit-loop"), t("pytorch-eager"), t("numpy")
        need = TARGETS["tiny"] if i == 0 else TARGETS["other"]
        r_bptt = ratio(jax, ours)
        verdict = "—" if r_bptt is None else (f"≥{need:g}×: " + ("met" if r_bptt >= need else "missed") + " (BPTT)")
        r_stats = ratio(jax, stats)
        if r_stats is not None:
            verdict += f"; {'met' if r_stats >= need else 'missed'} (stats)"
        g = by.get("rnndyn-swift", {})
        print(f"| {key} | {fmt(ours)} | {fmt(stats)} | {fmt(torch)} | {fmt(jax)} | {fmt(numpy)} | "
              f"{fmt(r_bptt)}× | {fmt(r_stats)}× | {fmt(ratio(torch, ours))}× | {fmt(g.get('gflops'))} | "
              f"{fmt(g.get('dgemm_gflops_same_shape'))} | {verdict} |")
    losses = {(r["peer"], r["Nh"]): r.get("loss_after_10") for r in rows}
    bad = [(p, n) for (p, n), v in losses.items() if p.startswith("rnndyn") and v is not None
           and abs(v - losses.get(("rnndyn-swift", n), v)) > 1e-9 * abs(v)]
    print("\nrnndyn BPTT and sufficient-statistics paths agree on the loss after 10 steps:", "yes" if not bad else f"NO {bad}")
    for c in checks:
        print(f"rnndyn vs PyTorch autograd at {(c['Nh'], c['Nx'], c['Ny'], c['T'], c['P'])}: loss and gradients differ by "
              f"{c['max_relative_difference']:.2e} (relative) — {'agree' if c['agrees'] else 'DISAGREE'}")


if __name__ == "__main__":
    main(sys.argv[1])
