"""rnndyn from Python: the Swift engine's metrics, NTK and task generators in-process (NumPy in and out), and its
paper-figure runs and sweeps through the ``rnndyn`` command line.

>>> import numpy as np, rnndyn
>>> X = np.random.default_rng(0).standard_normal((4, 8, 20, 6))   # 4 networks × 8 trials × 20 steps × 6 units
>>> D = rnndyn.dsa(X, rank=4, iters=200, seed=0)                   # [4, 4] angular DSA distances
>>> x, y, mask = rnndyn.tasks.flip_flop(64, seed=1)                # [T, B, d] float64 trials
>>> run = rnndyn.run("proca2025.figA1", overrides={"steps": 400})  # a paper figure, loaded back

Errors are :class:`RnndynError` / :class:`InputError` (also a ``ValueError``) carrying the CLI's one-line messages.
"""

from __future__ import annotations

from . import tasks
from ._errors import InputError, RnndynError
from ._native import library_path, version
from .kernel import ntk
from .metrics import cca, cka, compare, dsa, metric_options, pif, procrustes, rsa, svcca
from .runs import Run, load, load_sweep, load_sweep_arrays, run, sweep, train

__version__ = "0.1.0"

__all__ = [
    "RnndynError",
    "InputError",
    "dsa",
    "pif",
    "cka",
    "procrustes",
    "cca",
    "svcca",
    "rsa",
    "compare",
    "metric_options",
    "ntk",
    "tasks",
    "run",
    "train",
    "sweep",
    "load",
    "load_sweep",
    "load_sweep_arrays",
    "Run",
    "version",
    "library_path",
]
