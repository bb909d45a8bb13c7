#!/usr/bin/env python3
"""Peer benchmark for issue 13: exact gradient flow of a linear RNN learning to integrate white noise (float64, 1 thread).

Model (our reconstruction of Bordelon et al. 2025; the Swift side implements the same):
  dh/dt = -h + W h + u x(t),  y = (1/N) v.h,  x white noise; target impulse response g*(t) = exp(-c t).
  L = 1/2 int_0^inf (g - g*)^2 dt with g(t) = vt^T e^{A t} u, A = W - I, vt = v/N:
    A P + P A^T + u u^T = 0,  A^T Q + Q A + vt vt^T = 0,  M = (c I - A)^{-1}
    L = 1/2 vt^T P vt - vt^T M u + 1/(4c)
    dL/dW = Q P - M^T vt u^T M^T,  dL/du = Q u - M^T vt,  dL/dv = (P vt - M u)/N
  gradient flow dW/dt = -dL/dW, du/dt = -N dL/du, dv/dt = -N dL/dv (rates 1, N, N).

Variants of one gradient:
  lyapunov   two scipy.linalg.solve_continuous_lyapunov calls (each its own Schur form) + one LU
  schur      one scipy.linalg.schur of A shared by both Lyapunov solves (LAPACK dtrsyl) + one LU
The flow runs scipy.integrate.solve_ivp(method="RK45") (Dormand-Prince 5(4), as the Swift side) until L <= target.

Initial condition: --from-npz FILE with W0 [N,N], u0 [N], v0 [N] (written by rnndyn-bench), or numpy default_rng(seed):
  W0 = N(0,1)[N,N] * sigma/sqrt(N), u0 = N(0,1)[N], v0 = N(0,1)[N].

Usage:
  python bench/peers/integrate_peer.py --n 200 --sigma 0.1 --c 0.2 --target 1e-4 [--from-npz in.npz] --json
  python bench/peers/integrate_peer.py --check          (gradients vs finite differences; exits 1 on failure)
"""
from peer_common import versions  # sets one BLAS thread before numpy is imported

import argparse
import json
import sys
import time

import numpy as np
import scipy
import scipy.integrate
import scipy.linalg
from scipy.linalg.lapack import dtrsyl


def lyapunov_schur(T, Z, rhs, transpose):
    """X with A X + X A^T = -rhs (transpose=False) or A^T X + X A = -rhs (True), A = Z T Z^T."""
    c = -(Z.T @ rhs @ Z)
    if transpose:   # T^T Y + Y T = c
        y, scale, info = dtrsyl(T, T, c, trana="T", tranb="N")
    else:           # T Y + Y T^T = c
        y, scale, info = dtrsyl(T, T, c, trana="N", tranb="T")
    if info < 0:
        raise RuntimeError(f"dtrsyl info {info}")
    return Z @ (y / scale) @ Z.T


def loss_grad(W, u, v, c, variant="schur", gradient=True):
    """(L, dL/dW, dL/du, dL/dv); with gradient=False only L (one Lyapunov solve and one LU, for the terminal event)."""
    n = W.shape[0]
    A = W - np.eye(n)
    vt = v / n
    if variant == "lyapunov":
        P = scipy.linalg.solve_continuous_lyapunov(A, -np.outer(u, u))
        Q = scipy.linalg.solve_continuous_lyapunov(A.T, -np.outer(vt, vt)) if gradient else None
    else:
        T, Z = scipy.linalg.schur(A, output="real")
        P = lyapunov_schur(T, Z, np.outer(u, u), transpose=False)
        Q = lyapunov_schur(T, Z, np.outer(vt, vt), transpose=True) if gradient else None
    lu = scipy.linalg.lu_factor(c * np.eye(n) - A)
    Mu = scipy.linalg.lu_solve(lu, u)
    L = 0.5 * vt @ P @ vt - vt @ Mu + 1.0 / (4.0 * c)
    if not gradient:
        return L
    Mtv = scipy.linalg.lu_solve(lu, vt, trans=1)
    gW = Q @ P - np.outer(Mtv, Mu)
    gu = Q @ u - Mtv
    gv = (P @ vt - Mu) / n
    return L, gW, gu, gv


def check():
    rng = np.random.default_rng(3)
    n, c = 7, 0.3
    W = rng.standard_normal((n, n)) * 0.4 / np.sqrt(n)
    u, v = rng.standard_normal(n), rng.standard_normal(n)
    ok = True
    for variant in ("lyapunov", "schur"):
        L, gW, gu, gv = loss_grad(W, u, v, c, variant)
        for name, x, g in (("W", W, gW), ("u", u, gu), ("v", v, gv)):
            d = rng.standard_normal(x.shape)
            h = 1e-5

            def f(s):
                y = x + s * d
                args = {"W": (y, u, v), "u": (W, y, v), "v": (W, u, y)}[name]
                return loss_grad(*args, c, variant)[0]
            fd = (f(h) - f(-h)) / (2 * h)
            exact = float(np.sum(g * d))
            rel = abs(fd - exact) / max(abs(exact), 1e-300)
            print(f"{variant} dL/d{name}: exact {exact:.12e} fd {fd:.12e} rel {rel:.1e}")
            ok &= rel < 1e-7
    # Loss against direct quadrature of the impulse-response distance.
    A = W - np.eye(n)
    ts = np.linspace(0, 60, 60001)
    g = np.array([v / n @ scipy.linalg.expm(A * t) @ u for t in ts[::100]])
    quad = 0.5 * scipy.integrate.simpson((g - np.exp(-c * ts[::100])) ** 2, x=ts[::100])
    L = loss_grad(W, u, v, c)[0]
    print(f"loss {L:.12e} quadrature {quad:.12e} rel {abs(L - quad) / L:.1e}")
    ok &= abs(L - quad) / L < 1e-5
    return ok


def flow(W0, u0, v0, c, target, variant, rtol, atol, t_max):
    n = W0.shape[0]
    evals = [0]

    def pack(W, u, v):
        return np.concatenate([W.ravel(), u, v])

    def unpack(y):
        return y[: n * n].reshape(n, n), y[n * n: n * n + n], y[n * n + n:]

    def rhs(t, y):
        evals[0] += 1
        W, u, v = unpack(y)
        _, gW, gu, gv = loss_grad(W, u, v, c, variant)
        return pack(-gW, -n * gu, -n * gv)

    def reached(t, y):
        W, u, v = unpack(y)
        return loss_grad(W, u, v, c, variant, gradient=False) - target
    reached.terminal = True
    start = time.perf_counter()
    sol = scipy.integrate.solve_ivp(rhs, (0, t_max), pack(W0, u0, v0), method="RK45", rtol=rtol, atol=atol,
                                    events=reached)
    seconds = time.perf_counter() - start
    t_hit = float(sol.t_events[0][0]) if len(sol.t_events[0]) else None
    W, u, v = unpack(sol.y[:, -1])
    return {"seconds_to_target": seconds, "t_reached": t_hit, "final_loss": float(loss_grad(W, u, v, c)[0]),
            "rhs_evaluations": evals[0], "steps": int(len(sol.t) - 1), "nfev_solve_ivp": int(sol.nfev)}


def add_problem_arguments(ap, seed_help=None):
    """--n, --sigma, --c, --target, --seed, --from-npz: the problem and its initial condition (shared with the BPTT peer)."""
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--sigma", type=float, default=0.1)
    ap.add_argument("--c", type=float, default=0.2)
    ap.add_argument("--target", type=float, default=1e-4)
    ap.add_argument("--seed", type=int, default=0, help=seed_help)
    ap.add_argument("--from-npz")


def initial_condition(a):
    """W0, u0, v0 from --from-npz, or drawn from numpy default_rng(--seed) as the module docstring says."""
    if a.from_npz:
        d = np.load(a.from_npz)
        return d["W0"], d["u0"], d["v0"]
    rng = np.random.default_rng(a.seed)
    W0 = rng.standard_normal((a.n, a.n)) * a.sigma / np.sqrt(a.n)
    return W0, rng.standard_normal(a.n), rng.standard_normal(a.n)


def main():
    ap = argparse.ArgumentParser()
    add_problem_arguments(ap)
    ap.add_argument("--rtol", type=float, default=1e-6)
    ap.add_argument("--atol", type=float, default=1e-9)
    ap.add_argument("--t-max", type=float, default=500)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--variants", default="schur,lyapunov")
    ap.add_argument("--per-gradient-only", action="store_true")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if a.check:
        sys.exit(0 if check() else 1)
    W0, u0, v0 = initial_condition(a)
    n = W0.shape[0]
    for variant in a.variants.split(","):
        times = []
        for _ in range(a.repeats):
            start = time.perf_counter()
            loss_grad(W0, u0, v0, a.c, variant)
            times.append(time.perf_counter() - start)
        rec = {"bench": "integrate", "peer": f"numpy-scipy-{variant}", "n": n, "sigma": a.sigma, "c": a.c,
               "seconds_per_gradient": min(times), "initial_loss": float(loss_grad(W0, u0, v0, a.c)[0])}
        if not a.per_gradient_only:
            rec.update(flow(W0, u0, v0, a.c, a.target, variant, a.rtol, a.atol, a.t_max))
            rec.update({"target_loss": a.target, "rtol": a.rtol, "atol": a.atol, "integrator": "scipy RK45 (Dormand-Prince 5(4))"})
        rec["versions"] = versions(with_torch=False) | {"scipy": scipy.__version__}
        print(json.dumps(rec) if a.json else rec, flush=True)


if __name__ == "__main__":
    main()
