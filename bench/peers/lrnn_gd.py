#!/usr/bin/env python3
"""Peer benchmark: ONE full-batch gradient-descent step of a linear RNN (float64, 1 thread).

Model (the Swift side implements the same):
  parameters  W_x [N_h, N_x], W_h [N_h, N_h], W_y [N_y, N_h]; no biases, no nonlinearity
  data        X [T, N_x, P] (inputs), Y [N_y, P] (targets)
  forward     h_1 = 0;  h_{t+1} = W_h h_t + W_x x_t  (t = 1..T, batched over the P columns)
              Yhat = W_y h_{T+1}
  loss        L = 1/(2P) * sum_{p, i} (Y - Yhat)_{ip}^2
  step        W <- W - lr * dL/dW  for all three, lr = 0.01

Every peer computes the input projections of all steps at once (U = W_x @ X, one
batched op) and starts the recurrence at h_2 = U_1 (W_h h_1 = 0 is not computed).

Data (peer-vs-peer only; the Swift side uses its own random data):
  rng = numpy.random.default_rng(0), drawn in this order:
  W_x = N(0,1)[N_h,N_x] * 0.3/sqrt(N_x);  W_h = N(0,1)[N_h,N_h] * 0.3/sqrt(N_h);
  W_y = N(0,1)[N_y,N_h] * 0.3/sqrt(N_h);  X = N(0,1)[T,N_x,P];  Y = N(0,1)[N_y,P]

Peers:
  pytorch-eager  torch autograd: loss.backward(), then in-place updates under no_grad
  jax-jit-loop   the whole training loop is one jax.jit: train(params, X, Y, n_steps)
                 = lax.fori_loop over jax.grad steps; recurrence as lax.scan or as a
                 Python loop unrolled over T (both measured, the faster is reported;
                 key "forward")
  numpy          hand-written forward + exact BPTT backward

Usage:
  python bench/peers/lrnn_gd.py --sizes "4,4,4,6,64;64,8,8,20,256" [--steps N] [--repeats R] --json
  python bench/peers/lrnn_gd.py --check --from-npz in.npz --grads-out grads.npz
  python bench/peers/lrnn_gd.py --dump-inputs in.npz --sizes "4,4,4,6,64"
Sizes are N_h,N_x,N_y,T,P separated by ';'.
"""
import os

# peer_common sets one thread everywhere on import, so it comes before numpy / torch / jax.
from peer_common import get_jax, get_torch, make_data, parse_sizes, pin_cpu, versions

import argparse
import json
import sys
import time

import numpy as np

LR = 0.01
DEFAULT_SIZES = "4,4,4,6,64;64,8,8,20,256;128,16,16,50,512"
PEERS = ("pytorch-eager", "jax-jit-loop", "numpy")

# Default step counts per (size, peer), chosen so one measurement takes ~1-3 s on
# this project's 2-core machines (measured with bench/.venv). Sizes not listed
# here are calibrated at run time to TARGET_SECONDS.
DEFAULT_STEPS = {
    (4, 4, 4, 6, 64):       {"pytorch-eager": 5000, "jax-jit-loop": 70000, "numpy": 20000},
    (64, 8, 8, 20, 256):    {"pytorch-eager": 200, "jax-jit-loop": 300, "numpy": 250},
    (128, 16, 16, 50, 512): {"pytorch-eager": 12, "jax-jit-loop": 15, "numpy": 15},
}
TARGET_SECONDS = 1.5

# ---------------------------------------------------------------- data

# ---------------------------------------------------------------- numpy (hand-written BPTT)

def np_loss(Wx, Wh, Wy, X, Y):
    U = np.matmul(Wx, X)
    h = U[0]
    for t in range(1, X.shape[0]):
        h = Wh @ h + U[t]
    E = Y - Wy @ h
    return float(np.sum(E * E) / (2 * X.shape[2]))


def np_loss_and_grads(Wx, Wh, Wy, X, Y):
    T, _, P = X.shape
    Nh = Wh.shape[0]
    # States and adjoints live in [Nh, T, P] buffers: column block t is H[:, t, :], and
    # the [Nh, T*P] view gives the weight gradients as single GEMMs without copies.
    H = np.empty((Nh, T, P))                  # H[:, t] = h_{t+2} (0-based t); h_1 = 0
    D = np.empty((Nh, T, P))                  # D[:, t] = dL/dh_{t+2}
    np.matmul(Wx, X, out=H.transpose(1, 0, 2))   # H[:, t] = U_t = W_x x_t
    for t in range(1, T):
        H[:, t, :] += Wh @ H[:, t - 1, :]
    hT = H[:, T - 1, :]
    E = Wy @ hT - Y                           # Yhat - Y
    loss = float(np.sum(E * E) / (2 * P))
    G = E / P                                 # dL/dYhat
    dWy = G @ hT.T
    D[:, T - 1, :] = Wy.T @ G
    WhT = Wh.T
    for t in range(T - 1, 0, -1):
        D[:, t - 1, :] = WhT @ D[:, t, :]
    Dm, Hm = D.reshape(Nh, T * P), H.reshape(Nh, T * P)
    dWh = Dm[:, P:] @ Hm[:, :(T - 1) * P].T   # sum_{t>=1} D[:, t] H[:, t-1]^T
    dWx = np.tensordot(D, X, axes=([1, 2], [0, 2]))   # sum_t D[:, t] X[t]^T
    return loss, dWx, dWh, dWy


class NumpyPeer:
    name = "numpy"

    def __init__(self, d):
        self.d = d
        self.X, self.Y = d["X"], d["Y"]
        self.reset()

    def reset(self):
        self.Wx, self.Wh, self.Wy = (self.d[k].copy() for k in ("Wx", "Wh", "Wy"))

    def run(self, n):
        X, Y = self.X, self.Y
        for _ in range(n):
            _, dWx, dWh, dWy = np_loss_and_grads(self.Wx, self.Wh, self.Wy, X, Y)
            self.Wx -= LR * dWx
            self.Wh -= LR * dWh
            self.Wy -= LR * dWy

    def loss(self):
        return np_loss(self.Wx, self.Wh, self.Wy, self.X, self.Y)


# ---------------------------------------------------------------- PyTorch eager

def torch_loss(Wx, Wh, Wy, X, Y):
    torch = get_torch()
    # [T, Nh, P] as one batched op; unbind (one backward node) rather than U[t]
    # indexing, whose T backward nodes would each materialize a [T, Nh, P] zero grad.
    U = torch.matmul(Wx, X).unbind(0)
    h = U[0]
    for t in range(1, X.shape[0]):
        h = torch.addmm(U[t], Wh, h)          # W_h h + W_x x_t
    E = Y - Wy @ h
    return (E * E).sum() / (2 * X.shape[2])


class TorchPeer:
    name = "pytorch-eager"

    def __init__(self, d):
        torch = get_torch()
        self.d = d
        self.X = torch.from_numpy(d["X"].copy())
        self.Y = torch.from_numpy(d["Y"].copy())
        self.reset()

    def reset(self):
        torch = get_torch()
        self.params = [torch.tensor(self.d[k], dtype=torch.float64, requires_grad=True)
                       for k in ("Wx", "Wh", "Wy")]

    def run(self, n):
        torch = get_torch()
        Wx, Wh, Wy = self.params
        X, Y = self.X, self.Y
        for _ in range(n):
            for p in self.params:
                p.grad = None
            loss = torch_loss(Wx, Wh, Wy, X, Y)
            loss.backward()
            with torch.no_grad():
                for p in self.params:
                    if p.grad is not None:        # None only for W_h when T = 1
                        p.sub_(p.grad, alpha=LR)

    def loss(self):
        torch = get_torch()
        with torch.no_grad():
            return float(torch_loss(*self.params, self.X, self.Y))


# ---------------------------------------------------------------- JAX (whole loop in one jit)

def make_jax_train(forward):
    jax = get_jax()
    jnp = jax.numpy
    lax = jax.lax

    def loss_fn(params, X, Y):
        Wx, Wh, Wy = params
        U = jnp.matmul(Wx, X)                 # [T, Nh, P]
        if forward == "scan":
            def cell(h, u):
                return Wh @ h + u, None
            h, _ = lax.scan(cell, U[0], U[1:])
        else:                                 # "unroll": Python loop, unrolled at trace time
            # split (transposes to one concatenate) rather than U[t] indexing (T pads + adds)
            Us = [u[0] for u in jnp.split(U, X.shape[0], axis=0)]
            h = Us[0]
            for t in range(1, X.shape[0]):
                h = Wh @ h + Us[t]
        E = Y - Wy @ h
        return jnp.sum(E * E) / (2 * X.shape[2])

    grad_fn = jax.grad(loss_fn)

    def train(params, X, Y, n_steps):
        def body(_, p):
            g = grad_fn(p, X, Y)
            return tuple(pi - LR * gi for pi, gi in zip(p, g))
        return lax.fori_loop(0, n_steps, body, params)

    # n_steps is a traced argument: compiled once, reused for every n.
    return jax.jit(train), jax.jit(loss_fn)


class JaxPeer:
    name = "jax-jit-loop"

    def __init__(self, d, forward):
        jax = get_jax()
        self.forward = forward
        self.train, self.loss_fn = make_jax_train(forward)
        self.X = jax.device_put(d["X"])
        self.Y = jax.device_put(d["Y"])
        self.p0 = tuple(jax.device_put(d[k]) for k in ("Wx", "Wh", "Wy"))
        t0 = time.perf_counter()
        jax.block_until_ready(self.train(self.p0, self.X, self.Y, 1))   # compile + warm-up
        self.compile_seconds = time.perf_counter() - t0
        self.reset()

    def reset(self):
        self.params = self.p0

    def run(self, n):
        self.params = self.train(self.params, self.X, self.Y, n)
        get_jax().block_until_ready(self.params)

    def loss(self):
        return float(self.loss_fn(self.params, self.X, self.Y))


# ---------------------------------------------------------------- measurement

def make_peer(name, d, forward="scan"):
    if name == "numpy":
        return NumpyPeer(d)
    if name == "pytorch-eager":
        return TorchPeer(d)
    if name == "jax-jit-loop":
        return JaxPeer(d, forward)
    raise ValueError(name)


def loss_after(peer, n=10):
    peer.reset()
    peer.run(n)
    val = peer.loss()
    peer.reset()
    return val


def calibrate(peer):
    n = 1
    while True:
        peer.reset()
        t0 = time.perf_counter()
        peer.run(n)
        dt = time.perf_counter() - t0
        if dt > 0.2 or n >= 10**7:
            return max(1, int(round(n * TARGET_SECONDS / dt)))
        n *= 4


def measure(peer, steps, repeats):
    """Best-of-repeats wall time; also the process CPU time of the best repeat."""
    best, best_cpu = float("inf"), 0.0
    for _ in range(repeats):
        peer.reset()
        c0, t0 = time.process_time(), time.perf_counter()
        peer.run(steps)
        t1, c1 = time.perf_counter(), time.process_time()
        if t1 - t0 < best:
            best, best_cpu = t1 - t0, c1 - c0
    return best / steps, best, best_cpu


def steps_for(size, peer_name, peer, args):
    if args.steps:
        return args.steps
    if size in DEFAULT_STEPS and peer_name in DEFAULT_STEPS[size]:
        return DEFAULT_STEPS[size][peer_name]
    return calibrate(peer)


def emit(rec, args):
    if args.json:
        print(json.dumps(rec), flush=True)
    else:
        extra = f" forward={rec['forward']}" if "forward" in rec else ""
        print(f"{rec['peer']:14s} Nh={rec['Nh']:<4d} Nx={rec['Nx']:<3d} Ny={rec['Ny']:<3d} "
              f"T={rec['T']:<4d} P={rec['P']:<5d} {rec['seconds_per_step'] * 1e6:12.2f} us/step "
              f"({rec['steps']} steps, {rec['measured_seconds']:.2f} s, cpu/wall {rec['cpu_per_wall']:.2f}, "
              f"load {rec['loadavg_1m']:.2f})"
              f"  loss_after_10={rec['loss_after_10']:.15g}{extra}", flush=True)


def bench(args):
    sizes = parse_sizes(args.sizes)
    peers = [p.strip() for p in args.peers.split(",") if p.strip()]
    for p in peers:
        if p not in PEERS:
            raise SystemExit(f"unknown peer {p!r}; choose from {','.join(PEERS)}")
    vers = versions()
    smallest = min(sizes, key=lambda s: s[0] * s[0] * s[3] * s[4] + s[0] * s[1] * s[3] * s[4])
    for size in sizes:
        Nh, Nx, Ny, T, P = size
        d = make_data(*size)
        losses = {}
        for name in peers:
            rec = {"peer": name, "Nh": Nh, "Nx": Nx, "Ny": Ny, "T": T, "P": P}
            if name == "jax-jit-loop":
                forwards = ["scan", "unroll"] if args.jax_forward == "auto" else [args.jax_forward]
                results = {}
                for fw in forwards:
                    peer = make_peer(name, d, fw)
                    n = steps_for(size, name, peer, args)
                    sps, secs, cpu = measure(peer, n, args.repeats)
                    results[fw] = (sps, secs, cpu, n, peer)
                fw = min(results, key=lambda k: results[k][0])
                sps, secs, cpu, n, peer = results[fw]
                rec["forward"] = fw
                rec["seconds_per_step_by_forward"] = {k: v[0] for k, v in results.items()}
                rec["compile_seconds"] = {k: round(v[4].compile_seconds, 3) for k, v in results.items()}
                losses[name] = loss_after(peer, 10)
                for k, v in results.items():        # both recurrences must agree
                    losses[f"{name}/{k}"] = loss_after(v[4], 10)
            else:
                peer = make_peer(name, d)
                n = steps_for(size, name, peer, args)
                sps, secs, cpu = measure(peer, n, args.repeats)
                losses[name] = loss_after(peer, 10)
            rec.update({"seconds_per_step": sps, "steps": n, "repeats": args.repeats,
                        "measured_seconds": round(secs, 4), "cpu_seconds_per_step": cpu / n,
                        "cpu_per_wall": round(cpu / secs, 3), "loadavg_1m": os.getloadavg()[0],
                        "cpu_affinity": sorted(os.sched_getaffinity(0)),
                        "loss_after_10": losses[name], "versions": vers})
            emit(rec, args)
            if rec["cpu_per_wall"] > 1.1:
                print(f"WARNING: {name} at size {size} used {rec['cpu_per_wall']:.2f} CPU-seconds per "
                      f"second: more than one thread was busy", file=sys.stderr)
        vals = list(losses.values())
        rel = (max(vals) - min(vals)) / abs(min(vals)) if len(vals) > 1 else 0.0
        if size == smallest and len(vals) > 1:
            if not rel <= 1e-10:
                print(f"SELF-CHECK FAILED at size {size}: loss after 10 steps differs between peers "
                      f"(max rel diff {rel:.3e} > 1e-10): {losses}", file=sys.stderr)
                sys.exit(2)
            print(f"# self-check OK at size {size}: loss after 10 steps agrees across "
                  f"{sorted(losses)} to {rel:.2e} relative (<= 1e-10)", file=sys.stderr)
        else:
            print(f"# size {size}: loss after 10 steps max rel diff across peers {rel:.2e}",
                  file=sys.stderr)


# ---------------------------------------------------------------- --check

def check(args):
    if not args.from_npz:
        raise SystemExit("--check needs --from-npz FILE")
    torch = get_torch()
    with np.load(args.from_npz) as z:
        d = {k: np.asarray(z[k], dtype=np.float64) for k in ("Wx", "Wh", "Wy", "X", "Y")}
    Wx, Wh, Wy, X, Y = (d[k] for k in ("Wx", "Wh", "Wy", "X", "Y"))
    T, Nx, P = X.shape
    Nh, Ny = Wh.shape[0], Wy.shape[0]
    if Wx.shape != (Nh, Nx) or Wh.shape != (Nh, Nh) or Wy.shape != (Ny, Nh) or Y.shape != (Ny, P):
        raise SystemExit(f"inconsistent shapes: Wx{Wx.shape} Wh{Wh.shape} Wy{Wy.shape} X{X.shape} Y{Y.shape}")
    params = [torch.tensor(a, requires_grad=True) for a in (Wx, Wh, Wy)]
    loss = torch_loss(*params, torch.from_numpy(X), torch.from_numpy(Y))
    loss.backward()
    loss = float(loss.detach())
    # (with T = 1, W_h does not enter the loss and autograd leaves its grad None)
    grads = [p.grad.numpy().copy() if p.grad is not None else np.zeros(tuple(p.shape)) for p in params]
    # cross-check against the hand-written BPTT
    nl, *ng = np_loss_and_grads(Wx, Wh, Wy, X, Y)
    gdiff = max(float(np.linalg.norm(a - b) / max(np.linalg.norm(a), 1e-300)) for a, b in zip(grads, ng))
    rec = {"mode": "check", "Nh": Nh, "Nx": Nx, "Ny": Ny, "T": T, "P": P,
           "loss": loss,
           "grad_fro": {"dWx": float(np.linalg.norm(grads[0])),
                        "dWh": float(np.linalg.norm(grads[1])),
                        "dWy": float(np.linalg.norm(grads[2]))},
           "numpy_bptt_max_rel_grad_diff": gdiff,
           "numpy_bptt_loss_rel_diff": abs(nl - loss) / max(abs(loss), 1e-300),
           "versions": versions()}
    if args.grads_out:
        np.savez(args.grads_out, dWx=grads[0], dWh=grads[1], dWy=grads[2], loss=np.float64(loss))
        rec["grads_out"] = args.grads_out
    print(json.dumps(rec), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default=DEFAULT_SIZES, help="'Nh,Nx,Ny,T,P;...' (default: %(default)s)")
    ap.add_argument("--steps", type=int, default=0,
                    help="steps per measurement (default: per-size table, else calibrated to ~1.5 s)")
    ap.add_argument("--repeats", type=int, default=5, help="measurements per peer; best is reported")
    ap.add_argument("--peers", default=",".join(PEERS), help="comma list (default: %(default)s)")
    ap.add_argument("--jax-forward", choices=("auto", "scan", "unroll"), default="auto",
                    help="recurrence in the JAX peer; auto measures both and reports the faster")
    ap.add_argument("--json", action="store_true", help="one JSON object per line")
    ap.add_argument("--check", action="store_true",
                    help="first-step loss and gradient norms by torch autograd for --from-npz inputs")
    ap.add_argument("--from-npz", metavar="FILE", help="npz with Wx, Wh, Wy, X [T,Nx,P], Y [Ny,P]")
    ap.add_argument("--grads-out", metavar="FILE", help="write dWx, dWh, dWy (and loss) to this npz")
    ap.add_argument("--dump-inputs", metavar="FILE",
                    help="write this script's seed-0 inputs for the single --sizes entry to an npz and exit")
    ap.add_argument("--cpu", default="init",
                    help="'init' (default): pin to one CPU while torch/jax start their thread "
                         "pools, then unpin; N: pin the whole run to CPU N; 'none': no pinning")
    args = ap.parse_args()
    peers = args.peers.split(",")
    pin_cpu(args.cpu, need_torch=args.check or "pytorch-eager" in peers,
            need_jax=not args.check and "jax-jit-loop" in peers)
    if args.repeats < 1:
        raise SystemExit("--repeats must be >= 1")
    if args.dump_inputs:
        sizes = parse_sizes(args.sizes)
        if len(sizes) != 1:
            raise SystemExit("--dump-inputs takes exactly one size in --sizes")
        np.savez(args.dump_inputs, **make_data(*sizes[0]))
        return
    if args.check:
        check(args)
    else:
        bench(args)


if __name__ == "__main__":
    main()
