#!/usr/bin/env python3
"""Peer benchmark: the empirical NTK of a linear RNN (float64, 1 thread).

Model (the Swift side implements the same; digest proca2025.md §1):
  parameters  W_x [N_h, N_x], W_h [N_h, N_h], W_y [N_y, N_h]; no biases, no nonlinearity
  data        X [T, N_x, P]: x_{p,t} = X[t-1, :, p]
  forward     h_{p,1} = 0;  h_{p,t+1} = W_h h_{p,t} + W_x x_{p,t}  (t = 1..T)
              Yhat = W_y h_{T+1}  [N_y, P]
  NTK         Theta = J J^T,  J = d vec(Yhat) / d (W_x, W_h, W_y)  (all three blocks),
              a (P*N_y) x (P*N_y) matrix; row/column index p*N_y + i (sample-major,
              output index fastest): Theta[p*N_y + i, q*N_y + j] = sum_theta dYhat_ip dYhat_jq

Closed form (digest §7.1, the corrected general formula, not the paper's Eqs. 132-134):
  with M_k = W_y W_h^(T-k)  [N_y, N_h]  and h_{p,k} the state before input k,
  Theta_pq = (h_{p,T+1} . h_{q,T+1}) I_{N_y}                                   (from W_y)
           + sum_{k,l=1..T} [(h_{p,k} . h_{q,l}) + (x_{p,k} . x_{q,l})] M_k M_l^T  (W_h, W_x)
  Both closed-form peers evaluate it with three large GEMMs and no loops over p, q:
    F [T*P, N_h+N_x], rows (k,p) = [h_{p,k}; x_{p,k}]  ->  G = F F^T  [T,P,T,P]
    M [T*N_y, N_h],   rows (k,i) = (M_k)_i              ->  K = M M^T  [T,N_y,T,N_y]
    Theta[p,i,q,j] = sum_{k,l} G[k,p,l,q] K[k,i,l,j]     (a GEMM over the T^2 pairs (k,l))
  plus the W_y term h_{T+1}^T h_{T+1} on the diagonal of every N_y x N_y block.
  The states and the M_k take T-1 small GEMMs each (M_{k-1} = M_k W_h; NumPy uses
  h_{k+1} = [W_h W_x] [h_k; x_k], JAX W_h h_k + (W_x X)_k with W_x X as one op).
  Neither peer exploits symmetry (G, K and Theta are symmetric; the (k,l) sum could
  run over k <= l), so each does about 2 T^2 P^2 (N_h + N_x + N_y^2) flops.

Data (the Swift side gets identical inputs through --dump):
  rng = numpy.random.default_rng(0), drawn in this order:
  W_x = N(0,1)[N_h,N_x] * 0.3/sqrt(N_x);  W_h = N(0,1)[N_h,N_h] * 0.3/sqrt(N_h);
  W_y = N(0,1)[N_y,N_h] * 0.3/sqrt(N_h);  X = N(0,1)[T,N_x,P]

Peers (each timed as seconds per NTK evaluation, jitted functions after compilation
and a warm-up, block_until_ready; the median over --repeats repeats, each repeat
running enough evaluations to last >= 0.25 s):
  jax-jacrev-einsum  jit(f): jax.jacrev of the forward w.r.t. (W_x, W_h, W_y), then
                     Theta = sum over the three blocks of einsum(J, J). Variants (all
                     measured, the fastest reported in "variant"):
                       batched-{unroll,scan}  jacrev of the batched forward Yhat [N_y, P]
                                              (P*N_y reverse passes over the whole batch)
                       vmap-{unroll,scan}     vmap over samples of jacrev of the
                                              per-sample forward (N_y reverse passes each)
                     unroll/scan: the recurrence as a Python loop unrolled over T, or lax.scan
  jax-closed-form    the closed form above in jax.numpy, jitted; variants unroll / scan
                     for the state recurrence and the M_k recursion
  numpy-closed-form  the closed form above in NumPy (reference; also timed)

Output (--json): one line per peer and size with the keys
  bench ("ntk"), peer, Nh, Nx, Ny, T, P, seconds_per_eval (median), seconds_per_eval_best,
  repeats, evals_per_repeat, variant, seconds_per_eval_by_variant, compile_seconds,
  cpu_seconds_per_eval, ntk_frobenius, max_rel_diff_vs_jacrev, cpu_per_wall, loadavg_1m, cpu_affinity, versions.
  Relative differences between two NTKs A, B are max|A - B| / max|B| throughout.

Usage:
  python bench/peers/ntk_peer.py --sizes "64,8,8,20,64;4,4,4,6,16" --repeats 7 --json
  python bench/peers/ntk_peer.py --check [--sizes ...] [--fd-sizes "4,3,2,5,3;6,3,2,8,5"]
      jacrev (all four variants) vs the JAX and NumPy closed forms at --sizes, and all of
      them vs a 4th-order central finite-difference Jacobian J J^T at --fd-sizes;
      one JSON line per size; exit code 2 unless every difference is <= 1e-9
  python bench/peers/ntk_peer.py --dump in.npz --sizes "4,4,4,6,16"
      writes Wx [Nh,Nx], Wh [Nh,Nh], Wy [Ny,Nh], X [T,Nx,P] (float64) and ntk
      [P*Ny, P*Ny] (by jacrev) for the single --sizes entry
Sizes are N_h,N_x,N_y,T,P separated by ';'.
"""
import os

# peer_common sets one thread everywhere on import, so it comes before numpy / torch / jax.
from peer_common import get_jax, parse_sizes, versions
from peer_common import make_data as _make_data
from peer_common import pin_cpu as _pin_cpu

import argparse
import json
import math
import statistics
import sys
import time

import numpy as np

DEFAULT_SIZES = "4,4,4,6,16;64,8,8,20,64"
DEFAULT_FD_SIZES = "4,3,2,5,3;6,3,2,8,5"
PEERS = ("jax-jacrev-einsum", "jax-closed-form", "numpy-closed-form")
JACREV_VARIANTS = ("batched-unroll", "batched-scan", "vmap-unroll", "vmap-scan")
CLOSED_FORM_VARIANTS = ("unroll", "scan")
REPEAT_SECONDS = 0.25      # each timed repeat runs enough evaluations to last this long
TOLERANCE = 1e-9           # --check: max allowed relative difference
FD_STEP = 1e-3             # --check: finite-difference step (4th-order central stencil)

# ---------------------------------------------------------------- data

def make_data(Nh, Nx, Ny, T, P, seed=0):
    """The shared seed-0 weights and inputs (no targets: the NTK does not use them)."""
    return _make_data(Nh, Nx, Ny, T, P, seed, targets=False)


def rel_diff(a, b):
    """max|a - b| / max|b|: entry-wise relative differences are meaningless for the
    (near-)zero entries of an NTK, so differences are scaled by the largest entry."""
    a, b = np.asarray(a), np.asarray(b)
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(b))), 1e-300))


# ---------------------------------------------------------------- NumPy

def np_forward(Wx, Wh, Wy, X):
    """Yhat [N_y, P]."""
    U = np.matmul(Wx, X)
    h = U[0]
    for t in range(1, X.shape[0]):
        h = Wh @ h + U[t]
    return Wy @ h


def np_closed_form(Wx, Wh, Wy, X):
    T, Nx, P = X.shape
    Nh, Ny = Wh.shape[0], Wy.shape[0]
    Wcat_T = np.concatenate([Wh, Wx], axis=1).T       # [Nh+Nx, Nh]: h_{k+1}^T = f_k^T Wcat^T
    F = np.empty((T, P, Nh + Nx))                      # F[k-1, p] = [h_{p,k}; x_{p,k}]
    F[:, :, Nh:] = X.transpose(0, 2, 1)
    F[0, :, :Nh] = 0.0
    for k in range(1, T):
        np.matmul(F[k - 1], Wcat_T, out=F[k, :, :Nh])
    h_last = F[T - 1] @ Wcat_T                         # rows h_{p,T+1}
    M = np.empty((T, Ny, Nh))                          # M[k-1] = W_y W_h^(T-k)
    M[T - 1] = Wy
    for k in range(T - 1, 0, -1):
        np.matmul(M[k], Wh, out=M[k - 1])
    Fm = F.reshape(T * P, Nh + Nx)
    Mm = M.reshape(T * Ny, Nh)
    G = (Fm @ Fm.T).reshape(T, P, T, P)
    K = (Mm @ Mm.T).reshape(T, Ny, T, Ny)
    th = np.tensordot(G, K, axes=([0, 2], [0, 2]))     # [P, P, Ny, Ny]
    idx = np.arange(Ny)
    th[:, :, idx, idx] += (h_last @ h_last.T)[:, :, None]
    return th.transpose(0, 2, 1, 3).reshape(P * Ny, P * Ny)


def np_fd_ntk(Wx, Wh, Wy, X, step=FD_STEP):
    """J by the 4th-order central stencil (exact for polynomials of degree <= 4 up to
    rounding), then J J^T, in the p*N_y + i layout."""
    params = [Wx.copy(), Wh.copy(), Wy.copy()]
    cols = []
    for W in params:
        for idx in np.ndindex(W.shape):
            w0 = W[idx]
            vals = []
            for s in (2, 1, -1, -2):
                W[idx] = w0 + s * step
                vals.append(np_forward(*params, X).T.ravel())
            W[idx] = w0
            cols.append((-vals[0] + 8 * vals[1] - 8 * vals[2] + vals[3]) / (12 * step))
    J = np.stack(cols, axis=1)                         # [P*Ny, n_params]
    return J @ J.T


# ---------------------------------------------------------------- JAX

def _jax_final_state(Wh, U, recurrence):
    """h_{T+1} from the input projections U [T, N_h, ...] (U_t = W_x x_t). The
    recurrence starts at h_2 = U_1 (W_h h_1 = 0 is not computed)."""
    jax = get_jax()
    if recurrence == "scan":
        h, _ = jax.lax.scan(lambda h, u: (Wh @ h + u, None), U[0], U[1:])
        return h
    Us = [u[0] for u in jax.numpy.split(U, U.shape[0], axis=0)]   # one op, not T slices
    h = Us[0]
    for t in range(1, len(Us)):
        h = Wh @ h + Us[t]
    return h


def make_jax_jacrev(variant):
    """jit(f): Theta by jax.jacrev + einsum. variant in JACREV_VARIANTS."""
    jax = get_jax()
    jnp = jax.numpy
    mode, recurrence = variant.split("-")

    def forward_batched(Wx, Wh, Wy, X):               # X [T, Nx, P] -> [Ny, P]
        return Wy @ _jax_final_state(Wh, jnp.matmul(Wx, X), recurrence)

    def forward_one(Wx, Wh, Wy, x):                   # x [T, Nx] -> [Ny]
        return Wy @ _jax_final_state(Wh, x @ Wx.T, recurrence)

    if mode == "batched":
        def ntk(Wx, Wh, Wy, X):
            Js = jax.jacrev(forward_batched, argnums=(0, 1, 2))(Wx, Wh, Wy, X)   # [Ny, P, *W.shape]
            th = sum(jnp.einsum("ipab,jqab->piqj", J, J) for J in Js)
            P, Ny = X.shape[2], Wy.shape[0]
            return th.reshape(P * Ny, P * Ny)
    elif mode == "vmap":
        jac_one = jax.vmap(jax.jacrev(forward_one, argnums=(0, 1, 2)), in_axes=(None, None, None, 0))

        def ntk(Wx, Wh, Wy, X):
            Js = jac_one(Wx, Wh, Wy, X.transpose(2, 0, 1))                      # [P, Ny, *W.shape]
            th = sum(jnp.einsum("piab,qjab->piqj", J, J) for J in Js)
            P, Ny = X.shape[2], Wy.shape[0]
            return th.reshape(P * Ny, P * Ny)
    else:
        raise ValueError(variant)
    return jax.jit(ntk)


def make_jax_closed_form(recurrence):
    """jit(f): the §7.1 closed form (see the module docstring) in jax.numpy. States are
    kept as rows: h_{k+1}^T = h_k^T W_h^T + x_k^T W_x^T."""
    jax = get_jax()
    jnp = jax.numpy

    def ntk(Wx, Wh, Wy, X):
        T, Nx, P = X.shape
        Nh, Ny = Wh.shape[0], Wy.shape[0]
        Xr = X.transpose(0, 2, 1)                                   # [T, P, Nx]
        U = jnp.matmul(Xr, Wx.T)                                    # [T, P, Nh]
        zero = jnp.zeros((1, P, Nh), X.dtype)
        WhT = Wh.T
        if recurrence == "scan":
            # carry starts at h_2 = U_1; the scan emits h_2..h_T, ends with h_{T+1}
            h_last, hs = jax.lax.scan(lambda h, u: (h @ WhT + u, h), U[0], U[1:])
            H = jnp.concatenate([zero, hs], axis=0)                 # h_1..h_T
            def mstep(m, _):
                m = m @ Wh
                return m, m
            _, ms = jax.lax.scan(mstep, Wy, None, length=T - 1)    # W_y W_h^1 .. W_y W_h^(T-1)
            M = jnp.concatenate([ms[::-1], Wy[None]], axis=0)       # M[k-1] = W_y W_h^(T-k)
        else:
            Us = [u[0] for u in jnp.split(U, T, axis=0)]
            hs = [Us[0]]
            for t in range(1, T):
                hs.append(hs[-1] @ WhT + Us[t])
            H = jnp.concatenate([zero, jnp.stack(hs[:-1])], axis=0) if T > 1 else zero
            h_last = hs[-1]
            ms = [Wy]
            for _ in range(T - 1):
                ms.append(ms[-1] @ Wh)
            M = jnp.stack(ms[::-1])
        F = jnp.concatenate([H, Xr], axis=2).reshape(T * P, Nh + Nx)   # rows (k, p)
        Mm = M.reshape(T * Ny, Nh)                                      # rows (k, i)
        G = (F @ F.T).reshape(T, P, T, P)
        K = (Mm @ Mm.T).reshape(T, Ny, T, Ny)
        th = jnp.einsum("kplq,kilj->piqj", G, K)
        th = th + jnp.einsum("pq,ij->piqj", h_last @ h_last.T, jnp.eye(Ny, dtype=X.dtype))
        return th.reshape(P * Ny, P * Ny)

    return jax.jit(ntk)


# ---------------------------------------------------------------- peers

def make_fn(peer, variant):
    """A function (Wx, Wh, Wy, X) -> Theta [P*Ny, P*Ny]; JAX ones take device arrays."""
    if peer == "jax-jacrev-einsum":
        return make_jax_jacrev(variant)
    if peer == "jax-closed-form":
        return make_jax_closed_form(variant)
    if peer == "numpy-closed-form":
        return np_closed_form
    raise ValueError(peer)


def variants_of(peer, args):
    if peer == "jax-jacrev-einsum":
        return args.jacrev_variants
    if peer == "jax-closed-form":
        return args.closed_form_variants
    return ["gemm"]


def inputs_for(peer, d):
    if peer.startswith("jax"):
        jax = get_jax()
        return tuple(jax.device_put(d[k]) for k in ("Wx", "Wh", "Wy", "X"))
    return tuple(d[k] for k in ("Wx", "Wh", "Wy", "X"))


def evaluate(fn, inputs):
    out = fn(*inputs)
    if not isinstance(out, np.ndarray):
        get_jax().block_until_ready(out)
    return out


# ---------------------------------------------------------------- measurement

def measure(fn, inputs, repeats):
    """Per-evaluation wall time: median and best over `repeats` repeats of n evaluations
    (n calibrated so that a repeat lasts >= REPEAT_SECONDS); also the process CPU time per
    evaluation and CPU/wall, both over all repeats (on a shared machine, cpu/wall < 1 means
    the process waited for a core and the wall times are inflated).
    The caller has already run fn once (compilation + warm-up)."""
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            evaluate(fn, inputs)
        dt = time.perf_counter() - t0
        if dt >= REPEAT_SECONDS or n >= 10**6:
            break
        n = max(n + 1, min(n * 8, int(math.ceil(n * 1.2 * REPEAT_SECONDS / max(dt, 1e-9)))))
    per_eval, wall, cpu = [], 0.0, 0.0
    for _ in range(repeats):
        c0, t0 = time.process_time(), time.perf_counter()
        for _ in range(n):
            evaluate(fn, inputs)
        t1, c1 = time.perf_counter(), time.process_time()
        per_eval.append((t1 - t0) / n)
        wall += t1 - t0
        cpu += c1 - c0
    return statistics.median(per_eval), min(per_eval), n, cpu / (n * repeats), cpu / wall


def emit(rec, args):
    if args.json:
        print(json.dumps(rec), flush=True)
    else:
        print(f"{rec['peer']:18s} Nh={rec['Nh']:<4d} Nx={rec['Nx']:<3d} Ny={rec['Ny']:<3d} "
              f"T={rec['T']:<4d} P={rec['P']:<5d} {rec['seconds_per_eval'] * 1e3:10.3f} ms/eval "
              f"(median of {rec['repeats']} x {rec['evals_per_repeat']}, best "
              f"{rec['seconds_per_eval_best'] * 1e3:.3f} ms, cpu/wall {rec['cpu_per_wall']:.2f}, "
              f"load {rec['loadavg_1m']:.2f})  variant={rec['variant']}  "
              f"|ntk|_F={rec['ntk_frobenius']:.15g}  vs jacrev {rec['max_rel_diff_vs_jacrev']:.1e}",
              flush=True)


def bench(args):
    sizes = parse_sizes(args.sizes)
    vers = versions(with_torch=False)
    failed = False
    for size in sizes:
        Nh, Nx, Ny, T, P = size
        d = make_data(*size)
        results = {}
        for peer in args.peers:
            inputs = inputs_for(peer, d)
            by_variant = {}
            for variant in variants_of(peer, args):
                fn = make_fn(peer, variant)
                t0 = time.perf_counter()
                ntk = np.asarray(evaluate(fn, inputs))          # compile + warm-up
                compile_s = time.perf_counter() - t0
                med, best, n, cpu, cpw = measure(fn, inputs, args.repeats)
                by_variant[variant] = {"median": med, "best": best, "n": n, "cpu": cpu, "cpu_per_wall": cpw,
                                       "compile_seconds": compile_s, "ntk": ntk}
            variant = min(by_variant, key=lambda v: by_variant[v]["median"])
            results[peer] = (variant, by_variant)
        # reference for the agreement column: jacrev when it ran, else the first peer
        ref_peer = "jax-jacrev-einsum" if "jax-jacrev-einsum" in results else args.peers[0]
        rv, rb = results[ref_peer]
        ref = rb[rv]["ntk"]
        for peer in args.peers:
            variant, by_variant = results[peer]
            r = by_variant[variant]
            diff = max(rel_diff(b["ntk"], ref) for b in by_variant.values())
            rec = {"bench": "ntk", "peer": peer, "Nh": Nh, "Nx": Nx, "Ny": Ny, "T": T, "P": P,
                   "seconds_per_eval": r["median"], "seconds_per_eval_best": r["best"],
                   "repeats": args.repeats, "evals_per_repeat": r["n"], "variant": variant,
                   "seconds_per_eval_by_variant": {v: b["median"] for v, b in by_variant.items()},
                   "compile_seconds": {v: round(b["compile_seconds"], 3) for v, b in by_variant.items()},
                   "cpu_seconds_per_eval": r["cpu"],
                   "ntk_frobenius": float(np.linalg.norm(r["ntk"])),
                   "max_rel_diff_vs_jacrev": diff,
                   "cpu_per_wall": round(r["cpu_per_wall"], 3), "loadavg_1m": os.getloadavg()[0],
                   "cpu_affinity": sorted(os.sched_getaffinity(0)), "versions": vers}
            if ref_peer != "jax-jacrev-einsum":
                rec["max_rel_diff_reference"] = ref_peer
            emit(rec, args)
            if rec["cpu_per_wall"] > 1.1:
                print(f"WARNING: {peer} at size {size} used {rec['cpu_per_wall']:.2f} CPU-seconds per "
                      f"second: more than one thread was busy", file=sys.stderr)
            if not diff <= TOLERANCE:
                failed = True
                print(f"SELF-CHECK FAILED at size {size}: {peer} differs from {ref_peer} by "
                      f"{diff:.3e} (max|A-B|/max|B|) > {TOLERANCE:g}", file=sys.stderr)
        if not failed:
            print(f"# size {size}: all peers and variants agree with {ref_peer} to <= {TOLERANCE:g} "
                  f"(max|A-B|/max|B|)", file=sys.stderr)
    if failed:
        sys.exit(2)


# ---------------------------------------------------------------- --check and --dump

def reference_ntk(d):
    """Theta by jacrev (vmap over samples, lax.scan recurrence) as a NumPy array."""
    jax = get_jax()
    fn = make_jax_jacrev("vmap-scan")
    return np.asarray(fn(*(jax.device_put(d[k]) for k in ("Wx", "Wh", "Wy", "X"))))


def check(args):
    jax = get_jax()
    vers = versions(with_torch=False)
    ok = True
    fd_sizes = parse_sizes(args.fd_sizes) if args.fd_sizes else []
    for size in parse_sizes(args.sizes) + [s for s in fd_sizes if s not in parse_sizes(args.sizes)]:
        Nh, Nx, Ny, T, P = size
        d = make_data(*size)
        args_np = tuple(d[k] for k in ("Wx", "Wh", "Wy", "X"))
        args_jx = tuple(jax.device_put(a) for a in args_np)
        ntk = {f"jacrev/{v}": np.asarray(make_jax_jacrev(v)(*args_jx)) for v in JACREV_VARIANTS}
        ntk.update({f"jax-closed-form/{v}": np.asarray(make_jax_closed_form(v)(*args_jx))
                    for v in CLOSED_FORM_VARIANTS})
        ntk["numpy-closed-form"] = np_closed_form(*args_np)
        ref = ntk["jacrev/vmap-scan"]
        diffs = {f"{k} vs jacrev/vmap-scan": rel_diff(v, ref) for k, v in ntk.items() if k != "jacrev/vmap-scan"}
        if size in fd_sizes:
            fd = np_fd_ntk(*args_np)
            diffs.update({f"{k} vs finite-differences": rel_diff(v, fd) for k, v in ntk.items()})
        worst = max(diffs.values())
        rec = {"bench": "ntk", "mode": "check", "Nh": Nh, "Nx": Nx, "Ny": Ny, "T": T, "P": P,
               "ntk_frobenius": float(np.linalg.norm(ref)),
               "symmetry": rel_diff(ref.T, ref),                # max|ntk^T - ntk| / max|ntk|
               "max_rel_diff": diffs, "worst": worst, "tolerance": TOLERANCE,
               "agrees": bool(worst <= TOLERANCE), "fd_step": FD_STEP if size in fd_sizes else None,
               "versions": vers}
        ok &= rec["agrees"]
        if args.json:
            print(json.dumps(rec), flush=True)
        else:
            print(f"check Nh={Nh} Nx={Nx} Ny={Ny} T={T} P={P}: |ntk|_F={rec['ntk_frobenius']:.15g} "
                  f"{'agrees' if rec['agrees'] else 'DISAGREES'} (worst {worst:.2e}, tolerance {TOLERANCE:g}; "
                  f"jacrev NTK asymmetry {rec['symmetry']:.1e})")
            for k, v in diffs.items():
                print(f"  {k:55s} {v:.2e}")
    if not ok:
        sys.exit(2)


def dump(args):
    sizes = parse_sizes(args.sizes)
    if len(sizes) != 1:
        raise SystemExit("--dump takes exactly one size in --sizes")
    d = make_data(*sizes[0])
    np.savez(args.dump, ntk=reference_ntk(d), **d)


def pin_cpu(spec, need_jax):
    """`peer_common.pin_cpu` without torch."""
    _pin_cpu(spec, need_torch=False, need_jax=need_jax)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default=DEFAULT_SIZES, help="'Nh,Nx,Ny,T,P;...' (default: %(default)s)")
    ap.add_argument("--repeats", type=int, default=7,
                    help="timed repeats per peer and variant; the median is reported (default: %(default)s)")
    ap.add_argument("--peers", default=",".join(PEERS), help="comma list (default: %(default)s)")
    ap.add_argument("--jacrev-variants", default=",".join(JACREV_VARIANTS),
                    help="jacrev variants to measure; the fastest is reported (default: %(default)s)")
    ap.add_argument("--closed-form-variants", default=",".join(CLOSED_FORM_VARIANTS),
                    help="JAX closed-form variants to measure (default: %(default)s)")
    ap.add_argument("--json", action="store_true", help="one JSON object per line")
    ap.add_argument("--check", action="store_true",
                    help="compare jacrev, the closed forms and finite differences (see above)")
    ap.add_argument("--fd-sizes", default=DEFAULT_FD_SIZES,
                    help="--check: tiny sizes also checked against finite differences (default: %(default)s)")
    ap.add_argument("--dump", metavar="FILE",
                    help="write Wx, Wh, Wy, X and the jacrev NTK 'ntk' for the single --sizes entry to an npz")
    ap.add_argument("--cpu", default="init",
                    help="'init' (default): pin to one CPU while JAX starts its thread pools, then unpin; "
                         "N: pin the whole run to CPU N; 'none': no pinning")
    args = ap.parse_args()
    args.peers = [p.strip() for p in args.peers.split(",") if p.strip()]
    args.jacrev_variants = [v.strip() for v in args.jacrev_variants.split(",") if v.strip()]
    args.closed_form_variants = [v.strip() for v in args.closed_form_variants.split(",") if v.strip()]
    for name, got, allowed in (("peer", args.peers, PEERS),
                               ("jacrev variant", args.jacrev_variants, JACREV_VARIANTS),
                               ("closed-form variant", args.closed_form_variants, CLOSED_FORM_VARIANTS)):
        bad = [g for g in got if g not in allowed]
        if bad or not got:
            raise SystemExit(f"unknown or no {name} {bad}; choose from {','.join(allowed)}")
    if args.repeats < 1:
        raise SystemExit("--repeats must be >= 1")
    pin_cpu(args.cpu, need_jax=True)
    if args.dump:
        dump(args)
    elif args.check:
        check(args)
    else:
        bench(args)


if __name__ == "__main__":
    main()
