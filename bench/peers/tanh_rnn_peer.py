#!/usr/bin/env python3
"""Peers for issue 14: one training step of a vanilla tanh RNN, and the autograd reference for rnndyn's parity check.

The problem (written by `rnndyn-bench --tanh-parity-inputs SIZE DIR` to DIR/tanh.npz): PyTorch `nn.RNN(N_in, N,
nonlinearity="tanh")` (both biases, h_0 = 0, batch_first=False) + `nn.Linear(N, N_out)` read out at every step,
inputs X [T, P, N_in] and targets Y [T, P, N_out] of a 3-bit flip-flop batch. One training step is: forward,
`nn.MSELoss()` (mean over T·P·N_out entries), backward, `clip_grad_norm_(max_norm)`, Adam (lr from the file,
betas 0.9/0.999, eps 1e-8).

Variants (--variants, comma-separated):
  torch-float64, torch-float32  the modules above and torch.optim.Adam (PyTorch's default CPU implementation),
                                eager; float32 converts the weights and data.
  jax-float64                   the same step jitted whole: the input projection for all steps as one product, the
                                recurrence in `lax.scan`, the readout on the stacked states, `value_and_grad`, global-norm
                                clipping as clip_grad_norm_ (coefficient min(1, max_norm/(norm + 1e-6))) and a
                                hand-written Adam with PyTorch's update p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps).
Timing: best of --repeats of the mean over a batch of steps long enough to take 0.25 s, after 3 warm-up steps (and
the JIT compile). One thread everywhere (peer_common); pin the process with taskset for one core.

--check DIR writes DIR/tanh_ref.npz, leaky_ref.npz and leaky_standard_ref.npz with PyTorch float64 autograd: the loss
and gradients at the start and the parameters after each of 3 steps of clip_grad_norm_ + torch.optim.Adam. leaky.npz
holds a µP leaky rate RNN (spec §2.2, written as a hand-made module here): h_1 = 0,
h <- h + alpha(-h + J tanh(h)/N + U x_t), y_t = W tanh(h)/(gamma N), the same MSELoss, clipping and Adam;
leaky_standard.npz the standard parameterization (gamma = 0 there): h <- h + alpha(-h + J tanh(h) + U x_t),
y_t = W tanh(h).
"""
from peer_common import get_jax, get_torch, pin_cpu, versions  # sets one BLAS thread before numpy is imported

import argparse
import json
import os
import time

import numpy as np

TANH_NAMES = ["W_ih", "W_hh", "b_ih", "b_hh", "W_out", "b_out"]
LEAKY_NAMES = ["U", "J", "W"]
ADAM_STEPS = 3


def load(path):
    with np.load(path) as d:
        return {k: d[k] for k in d.files}


def torch_tanh_model(d, dtype):
    """nn.RNN + nn.Linear holding the file's weights, in `dtype`."""
    torch = get_torch()
    n, nx = d["W_ih"].shape
    ny = d["W_out"].shape[0]
    rnn = torch.nn.RNN(nx, n, nonlinearity="tanh", bias=True).to(dtype)
    lin = torch.nn.Linear(n, ny).to(dtype)
    with torch.no_grad():
        for p, k in zip(list(rnn.parameters()) + list(lin.parameters()), TANH_NAMES):
            p.copy_(torch.from_numpy(np.ascontiguousarray(d[k])).to(dtype))
    return rnn, lin


def training_step(loss, params, d):
    """step(on_gradients=None): zero_grad, loss().backward(), on_gradients(params), clip_grad_norm_, Adam step."""
    torch = get_torch()
    opt = torch.optim.Adam(params, lr=float(d["lr"][0]))
    max_norm = float(d["max_norm"][0])

    def step(on_gradients=None):
        opt.zero_grad()
        value = loss()
        value.backward()
        if on_gradients:
            on_gradients(params)
        torch.nn.utils.clip_grad_norm_(params, max_norm)
        opt.step()
        return value

    return step


def torch_tanh_step(d, dtype):
    """One training step of the PyTorch tanh RNN as a closure (and its parameters, in TANH_NAMES order)."""
    torch = get_torch()
    rnn, lin = torch_tanh_model(d, dtype)
    params = list(rnn.parameters()) + list(lin.parameters())
    X = torch.from_numpy(d["X"]).to(dtype)
    Y = torch.from_numpy(d["Y"]).to(dtype)
    loss_fn = torch.nn.MSELoss()

    def loss():
        out, _ = rnn(X)
        return loss_fn(lin(out), Y)

    return training_step(loss, params, d), params


def jax_tanh_step(d):
    """The jitted JAX step (float64) and its initial state."""
    jax = get_jax()
    jnp = jax.numpy
    p0 = {k: jnp.asarray(d[k]) for k in TANH_NAMES}
    X, Y = jnp.asarray(d["X"]), jnp.asarray(d["Y"])
    lr, max_norm = float(d["lr"][0]), float(d["max_norm"][0])
    b1, b2, eps = 0.9, 0.999, 1e-8
    P, n = X.shape[1], p0["W_hh"].shape[0]

    def loss_fn(p):
        drive = X @ p["W_ih"].T + p["b_ih"] + p["b_hh"]  # [T, P, N]

        def cell(h, u):
            h = jnp.tanh(u + h @ p["W_hh"].T)
            return h, h

        _, hs = jax.lax.scan(cell, jnp.zeros((P, n), X.dtype), drive)
        return jnp.mean((hs @ p["W_out"].T + p["b_out"] - Y) ** 2)

    @jax.jit
    def step(p, m, v, t):
        loss, g = jax.value_and_grad(loss_fn)(p)
        norm = jnp.sqrt(sum(jnp.sum(x * x) for x in jax.tree_util.tree_leaves(g)))
        coef = jnp.minimum(1.0, max_norm / (norm + 1e-6))
        t = t + 1
        m = jax.tree_util.tree_map(lambda m, g: b1 * m + (1 - b1) * coef * g, m, g)
        v = jax.tree_util.tree_map(lambda v, g: b2 * v + (1 - b2) * (coef * g) ** 2, v, g)
        step_size = lr / (1 - b1 ** t)
        root_c2 = jnp.sqrt(1 - b2 ** t)
        p = jax.tree_util.tree_map(lambda p, m, v: p - step_size * m / (jnp.sqrt(v) / root_c2 + eps), p, m, v)
        return p, m, v, t, loss

    zeros = jax.tree_util.tree_map(jnp.zeros_like, p0)
    return step, (p0, zeros, zeros, jnp.asarray(0.0, X.dtype))


def best_per_step(run, repeats):
    """Best of `repeats` mean seconds per call of run(k), k calibrated so one repeat takes ≥ 0.25 s."""
    k = 1
    while True:
        t0 = time.perf_counter()
        run(k)
        dt = time.perf_counter() - t0
        if dt > 0.25:
            break
        k *= 2
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        run(k)
        best = min(best, (time.perf_counter() - t0) / k)
    return best, k


def time_variant(name, d, repeats):
    if name.startswith("torch-"):
        torch = get_torch()
        step, _ = torch_tanh_step(d, torch.float64 if name == "torch-float64" else torch.float32)
        for _ in range(3):
            step()

        def run(k):
            for _ in range(k):
                step()

        return best_per_step(run, repeats)
    if name == "jax-float64":
        jax = get_jax()
        step, state = jax_tanh_step(d)
        holder = [state]
        for _ in range(3):
            holder[0] = step(*holder[0][:4])
        jax.block_until_ready(holder[0])

        def run(k):
            s = holder[0]
            for _ in range(k):
                s = step(*s[:4])
            jax.block_until_ready(s)
            holder[0] = s

        return best_per_step(run, repeats)
    raise SystemExit(f"unknown variant {name!r} (allowed: torch-float64, torch-float32, jax-float64)")


def torch_leaky_reference(d):
    """PyTorch float64 autograd on the leaky rate RNN (spec §2.2; µP or standard), as the closure torch_tanh_step returns."""
    torch = get_torch()
    f64 = torch.float64
    params = [torch.nn.Parameter(torch.from_numpy(np.ascontiguousarray(d[k])).to(f64)) for k in LEAKY_NAMES]
    U, J, W = params
    X, Y = torch.from_numpy(d["X"]).to(f64), torch.from_numpy(d["Y"]).to(f64)
    alpha, gamma = float(d["alpha"][0]), float(d["gamma"][0])
    n = J.shape[0]
    # µP (gamma > 0): J tanh(h)/N and W tanh(h)/(gamma N); standard parameterization (gamma = 0): no multipliers.
    m_j, m_w = (1.0 / n, 1.0 / (gamma * n)) if gamma > 0 else (1.0, 1.0)
    loss_fn = torch.nn.MSELoss()

    def loss():
        h = torch.zeros(X.shape[1], n, dtype=f64)
        outs = []
        for t in range(X.shape[0]):
            h = h + alpha * (-h + m_j * (torch.tanh(h) @ J.T) + X[t] @ U.T)
            outs.append(m_w * (torch.tanh(h) @ W.T))
        return loss_fn(torch.stack(outs), Y)

    return training_step(loss, params, d), params


def write_reference(step, params, names, path):
    """Runs ADAM_STEPS steps, keeping the first loss and gradients (before clipping) and the parameters after each."""
    out = {}
    for s in range(ADAM_STEPS):
        grads = []
        loss = step(lambda ps: grads.extend(p.grad.detach().clone() for p in ps))
        if s == 0:
            out["loss"] = np.array([loss.item()])
            for k, g in zip(names, grads):
                out[f"grad_{k}"] = g.numpy()
        for k, p in zip(names, params):
            out[f"adam{s + 1}_{k}"] = p.detach().numpy().copy()
    tmp = path + ".tmp.npz"
    np.savez(tmp, **out)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from-npz", help="tanh.npz from rnndyn-bench --tanh-parity-inputs (timing)")
    ap.add_argument("--variants", default="torch-float64,torch-float32,jax-float64")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--check", metavar="DIR", help="write DIR/tanh_ref.npz, leaky_ref.npz and leaky_standard_ref.npz (PyTorch float64)")
    ap.add_argument("--cpu", default="init", help="see peer_common.pin_cpu")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if a.check:
        torch = get_torch()
        step, params = torch_tanh_step(load(os.path.join(a.check, "tanh.npz")), torch.float64)
        write_reference(step, params, TANH_NAMES, os.path.join(a.check, "tanh_ref.npz"))
        for model in ("leaky", "leaky_standard"):
            step, params = torch_leaky_reference(load(os.path.join(a.check, f"{model}.npz")))
            write_reference(step, params, LEAKY_NAMES, os.path.join(a.check, f"{model}_ref.npz"))
        print(f"wrote {a.check}/tanh_ref.npz, leaky_ref.npz and leaky_standard_ref.npz")
        return
    if not a.from_npz:
        raise SystemExit("need --from-npz FILE (timing) or --check DIR (parity reference)")
    variants = [v.strip() for v in a.variants.split(",") if v.strip()]
    pin_cpu(a.cpu, any(v.startswith("torch") for v in variants), any(v.startswith("jax") for v in variants))
    d = load(a.from_npz)
    T, P, nx = d["X"].shape
    n, ny = d["W_hh"].shape[0], d["W_out"].shape[0]
    for v in variants:
        seconds, k = time_variant(v, d, a.repeats)
        rec = {"bench": "tanh_step", "peer": v, "N": n, "N_in": nx, "N_out": ny, "T": T, "P": P,
               "ms_per_step": 1e3 * seconds, "steps_timed": k, "versions": versions(with_torch=v.startswith("torch"))}
        print(json.dumps(rec, sort_keys=True) if a.json else f"{v}: {1e3 * seconds:.3f} ms per step", flush=True)


if __name__ == "__main__":
    main()
