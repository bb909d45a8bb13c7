"""rnndyn from Python, end to end (issue 17):

1. reproduce one paper figure (Proca et al. 2025, Fig. A1: larger and later singular values are learned first) with
   ``rnndyn.run``, load it back and re-plot its loss curves with matplotlib;
2. train a few small tanh RNNs on rnndyn's 3-bit flip-flop trials (``rnndyn.tasks``) with PyTorch, when it is
   installed (otherwise simulate random tanh RNNs in NumPy), and compare their hidden dynamics by all-pairs DSA with
   ``rnndyn.dsa``, then their recurrent weights with ``rnndyn.pif``.

Run from the repository root after ``make python`` (or with ``PYTHONPATH=python`` and a built library):

    python examples/python/reproduce_and_plot.py [--out runs/python-example] [--networks 4] [--steps 300]

matplotlib and torch are optional: without matplotlib the plot is skipped with a message; without torch the
networks are random (untrained) tanh RNNs driven by the same task inputs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

try:
    import rnndyn
except ImportError:  # a source checkout without `pip install ./python`
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))
    import rnndyn


def reproduce_figure(out: Path) -> rnndyn.Run:
    """Fig. A1 at the quick preset, then a re-plot of its simulated loss curves."""
    run = rnndyn.run("proca2025.figA1", preset="quick", seed=0, out=out / "figA1", force=True)
    print(f"reproduced {run.config['paper_figure']} in {run.path} (figure: {', '.join(map(str, run.figures.values()))})")
    for check in run.checks:
        print(f"  claim check [{check['outcome']}]: {check['claim']}")
    print(f"  arrays: {', '.join(f'{k} {run.arrays[k].shape}' for k in list(run.arrays)[:6])}, …")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("  matplotlib is not installed: skipping the re-plot (pip install matplotlib)")
        return run
    fig, ax = plt.subplots(figsize=(5, 3.2))
    step = run.arrays["step"]
    for colour in ("orange", "blue"):
        ax.semilogy(step, run.arrays[f"loss_sim_{colour}"], color=colour, label=f"{colour} (simulation)")
    ax.set_xlabel("gradient step")
    ax.set_ylabel("loss")
    ax.set_title("Proca et al. 2025, Fig. A1, from results.npz", fontsize=10)
    ax.legend()
    fig.tight_layout()
    path = out / "figA1_replot.png"
    fig.savefig(path, dpi=120)
    print(f"  re-plotted: {path}")
    return run


def hidden_states_torch(networks: int, steps: int, hidden: int, probe: rnndyn.tasks.TaskTrials) -> tuple[list, list]:
    """Trains ``networks`` small ``nn.RNN`` tanh networks (different seeds) on fresh flip-flop trials; returns their
    hidden states on the probe trials, ``[trials, time, units]`` each, and their recurrent matrices."""
    import torch

    torch.set_num_threads(1)
    states, weights = [], []
    x_probe = torch.from_numpy(probe.inputs)
    for k in range(networks):
        torch.manual_seed(k)
        rnn = torch.nn.RNN(probe.inputs.shape[2], hidden, nonlinearity="tanh", dtype=torch.float64)
        readout = torch.nn.Linear(hidden, probe.targets.shape[2], dtype=torch.float64)
        optimizer = torch.optim.Adam([*rnn.parameters(), *readout.parameters()], lr=1e-2)
        for step in range(steps):
            x, y, mask = (torch.from_numpy(a) for a in rnndyn.tasks.flip_flop(32, seed=1000 * k + step, trial_length=40))
            h, _ = rnn(x)
            loss = ((readout(h) - y) ** 2 * mask).sum() / mask.sum()
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_([*rnn.parameters(), *readout.parameters()], 1.0)
            optimizer.step()
        with torch.no_grad():
            h, _ = rnn(x_probe)  # [T, B, N], time first
        states.append(h.numpy().transpose(1, 0, 2).copy())  # [trials, time, units]
        weights.append(rnn.weight_hh_l0.detach().numpy().copy())
        print(f"  network {k}: masked MSE {loss.item():.4f} after {steps} Adam steps")
    return states, weights


def hidden_states_numpy(networks: int, hidden: int, probe: rnndyn.tasks.TaskTrials) -> tuple[list, list]:
    """Random tanh RNNs (gains 0.6 … 1.2) driven by the probe inputs: the fallback without torch."""
    rng = np.random.default_rng(0)
    states, weights = [], []
    x = probe.inputs  # [T, B, d]
    for k in range(networks):
        gain = 0.6 + 0.6 * k / max(networks - 1, 1)
        w = rng.standard_normal((hidden, hidden)) * gain / np.sqrt(hidden)
        u = rng.standard_normal((hidden, x.shape[2]))
        h = np.zeros((x.shape[1], hidden))
        out = np.empty((x.shape[1], x.shape[0], hidden))
        for t in range(x.shape[0]):
            h = np.tanh(h @ w.T + x[t] @ u.T)
            out[:, t] = h
        states.append(out)
        weights.append(w)
    return states, weights


def compare_networks(networks: int, steps: int, hidden: int) -> None:
    probe = rnndyn.tasks.flip_flop(16, seed=123, trial_length=40)
    try:
        import torch  # noqa: F401

        print(f"training {networks} tanh RNNs ({hidden} units) on 3-bit flip-flop with PyTorch …")
        states, weights = hidden_states_torch(networks, steps, hidden, probe)
    except ImportError:
        print(f"torch is not installed: simulating {networks} random tanh RNNs in NumPy instead")
        states, weights = hidden_states_numpy(networks, hidden, probe)
    labels = [f"net{k}" for k in range(networks)]
    start = time.perf_counter()
    d, info = rnndyn.dsa(states, n_delays=5, rank=10, score="angular", labels=labels, info=True)
    seconds = time.perf_counter() - start
    print(f"all-pairs angular DSA of {networks} networks ({len(info['pairs'])} pairs) in {seconds:.2f} s:")
    print(np.array2string(d, precision=3, suppress_small=True))
    print(f"  MDS coordinates (first two axes):\n{np.array2string(info['arrays']['mds_coordinates'], precision=3)}")
    p = rnndyn.pif(weights, labels=labels)
    print("permutation-invariant weight distance (PIF) of the recurrent matrices:")
    print(np.array2string(p, precision=3, suppress_small=True))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="runs/python-example", help="directory for the reproduced figure and the plot")
    ap.add_argument("--networks", type=int, default=4, help="networks to train and compare")
    ap.add_argument("--steps", type=int, default=300, help="Adam steps per network (PyTorch)")
    ap.add_argument("--hidden", type=int, default=24, help="hidden units per network")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(f"rnndyn {rnndyn.version()} ({rnndyn.library_path()})")
    reproduce_figure(out)
    compare_networks(args.networks, args.steps, args.hidden)


if __name__ == "__main__":
    main()
