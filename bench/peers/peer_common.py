"""Set-up shared by the benchmark peers (lrnn_gd.py, ntk_peer.py).

Importing this module sets one thread everywhere (BLAS, OpenMP, XLA), so it must be imported before numpy, torch
or jax. It also provides lazy one-thread torch/jax imports, the version record, the size parser, the seed-0 data
the peers share, and CPU pinning while the torch/JAX runtimes start.
"""
import os

for _v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
           "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_v] = "1"
os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                           " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1").strip()
os.environ["JAX_PLATFORMS"] = "cpu"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import math
import platform

import numpy as np

_torch = None
_jax = None


def get_torch():
    """torch with one intra-op and one inter-op thread (imported on first use)."""
    global _torch
    if _torch is None:
        import torch
        torch.set_num_threads(1)
        torch.set_num_interop_threads(1)
        _torch = torch
    return _torch


def get_jax():
    """jax on the CPU in float64 (imported on first use)."""
    global _jax
    if _jax is None:
        import jax
        jax.config.update("jax_enable_x64", True)
        jax.config.update("jax_platforms", "cpu")
        _jax = jax
    return _jax


def versions(with_torch=True):
    """Python, NumPy (and its BLAS), torch (optional) and jax/jaxlib versions; missing packages are left out."""
    v = {"python": platform.python_version(), "numpy": np.__version__}
    try:
        cfg = np.show_config(mode="dicts")
        v["numpy_blas"] = cfg["Build Dependencies"]["blas"]["name"]
    except Exception:
        pass
    if with_torch:
        try:
            v["torch"] = get_torch().__version__
        except Exception:
            pass
    try:
        jax = get_jax()
        import jaxlib
        v["jax"] = jax.__version__
        v["jaxlib"] = jaxlib.__version__
    except Exception:
        pass
    return v


def parse_sizes(s):
    """'N_h,N_x,N_y,T,P;…' → list of 5-tuples (all ≥ 1)."""
    out = []
    for part in s.split(";"):
        part = part.strip()
        if not part:
            continue
        vals = tuple(int(x) for x in part.split(","))
        if len(vals) != 5 or min(vals) < 1:
            raise SystemExit(f"bad size {part!r}: want N_h,N_x,N_y,T,P (all >= 1)")
        out.append(vals)
    return out


def make_data(Nh, Nx, Ny, T, P, seed=0, targets=True):
    """Seed-0 weights (scale 0.3/√fan-in), inputs X [T, N_x, P] and, with `targets`, Y [N_y, P], drawn in that order."""
    rng = np.random.default_rng(seed)
    Wx = rng.standard_normal((Nh, Nx)) * (0.3 / math.sqrt(Nx))
    Wh = rng.standard_normal((Nh, Nh)) * (0.3 / math.sqrt(Nh))
    Wy = rng.standard_normal((Ny, Nh)) * (0.3 / math.sqrt(Nh))
    X = rng.standard_normal((T, Nx, P))
    d = {"Wx": Wx, "Wh": Wh, "Wy": Wy, "X": X}
    if targets:
        d["Y"] = rng.standard_normal((Ny, P))
    return d


def pin_cpu(spec, need_torch, need_jax):
    """One core per run, beyond the 1-thread settings above.

    XLA's CPU runtime runs independent ops concurrently on thread pools sized by the
    CPUs the process may use when the backend starts (seen here: cpu/wall up to 1.65
    with the XLA flags alone). So the process is pinned to one CPU while torch and
    JAX start their runtimes: their pools get one thread. spec 'init' (default) then
    restores the affinity, leaving the kernel free to pick the core; an integer keeps
    the whole run pinned to that CPU; 'none' does neither (JAX may then use 2 cores)."""
    if spec == "none" or not hasattr(os, "sched_setaffinity"):
        return
    allowed = sorted(os.sched_getaffinity(0))
    cpu = allowed[-1] if spec == "init" else int(spec)
    if cpu not in allowed:
        raise SystemExit(f"--cpu {cpu}: not among the allowed CPUs {allowed}")
    os.sched_setaffinity(0, {cpu})
    if need_torch:
        get_torch().zeros(3).sum()
    if need_jax:
        jax = get_jax()
        jax.devices()
        jax.block_until_ready(jax.numpy.zeros(3) + 1)
    if spec == "init":
        os.sched_setaffinity(0, set(allowed))
