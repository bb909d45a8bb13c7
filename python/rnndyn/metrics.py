"""Distances between networks, computed in-process by rnndyn's engine: ``rnndyn compare`` from Python.

Every function returns the symmetric ``[M, M]`` float64 distance matrix (zero diagonal) of its M networks, or
``(distances, info)`` with ``info=True``: ``info`` is the tree ``rnndyn compare`` writes to ``compare.json`` (metric,
options, seed, labels, inputs, per-pair diagnostics, notes, MDS) plus ``info["arrays"]``, the other result arrays
(``dsa``: ``angular``, ``euclidean``; ``pif``: ``normalized_distances``; all: ``mds_coordinates`` [M, k],
``mds_eigenvalues`` [M]). The same inputs, options and seed give bit-identical distances to
``rnndyn compare <metric> FILE… --seed S`` on the same arrays saved to ``.npz``.

Inputs
------
Dynamics metrics (``dsa``, ``cka``, ``procrustes``, ``cca``, ``svcca``, ``rsa``) take ``trajectories``: one 4-D array
``[networks, trials, time, units]`` (a stack, like a stacked ``.npz`` for the CLI) or a sequence of 3-D arrays
``[trials, time, units]``, one per network (``layout="time-trials-units"`` for time-first arrays, e.g. PyTorch's
``nn.RNN`` output). ``pif`` takes ``weights``: a stack ``[M, n, n]``, a sequence of ``[n, n]`` matrices, or a sequence
of dicts of arrays, one per network (e.g. ``{"W_h": …, "W_x": …, "W_y": …}`` with ``blocks="all_unit_indexed"``).
Arrays may be NumPy arrays (float64/float32 are handed to the library by pointer, without a copy in Python, when
C-contiguous; the library reads them once into its own storage; integers and booleans are converted) or PyTorch
tensors. Errors are :class:`rnndyn.InputError` with the CLI's one-line message, where the CLI's
``file.npz[key]`` reads ``trajectories[k][hidden]`` (a sequence) or ``trajectories[hidden]`` (a stack).

Options left at ``None`` take the library's defaults (listed by :func:`rnndyn.metric_options`), so Python never
disagrees with the CLI about them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, Union, overload

import numpy as np

from . import _native
from ._errors import InputError

__all__ = ["dsa", "pif", "cka", "procrustes", "cca", "svcca", "rsa", "compare", "metric_options"]

ArrayLike = Any
Layout = Literal["auto", "trials-time-units", "time-trials-units"]
Labels = Union[str, Sequence[str], None]

#: The input kind of each metric (used when the library is not at hand to say so).
_INPUT_KINDS = {"dsa": "dynamics", "pif": "weights", "cka": "dynamics", "procrustes": "dynamics", "cca": "dynamics",
                "svcca": "dynamics", "rsa": "dynamics"}
_LAYOUTS = ("auto", "trials-time-units", "time-trials-units")
_DYNAMICS_DEFAULT_KEY = "hidden"
_WEIGHT_DEFAULT_KEYS = ("W_h", "Wh", "J")


def metric_options(metric: str | None = None) -> Any:
    """The library's catalogue of metrics: a list of ``{"name", "summary", "input", "options": [{"name", "default",
    "allowed", "help"}]}`` (option names as CLI flags, without ``--``), or one metric's entry when ``metric`` is given."""
    catalog = _native.metrics_catalog()
    metrics = catalog["metrics"] if isinstance(catalog, dict) else catalog
    if metric is None:
        return metrics
    for entry in metrics:
        if entry["name"] == metric:
            return entry
    raise InputError(f"METRIC: '{metric}' is not a metric (allowed: {' | '.join(m['name'] for m in metrics)})")


def _input_kind(metric: str) -> str:
    if metric in _INPUT_KINDS:
        return _INPUT_KINDS[metric]
    try:
        return str(metric_options(metric)["input"])
    except Exception:
        return "dynamics"  # unknown metric: the library names the problem


def option_token(value: Any) -> str:
    """One option value as the CLI reads it: booleans ``true``/``false``, floats in shortest round-trip form
    (``repr``), integers in decimal, strings as they are."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, np.floating) and np.finfo(value).bits > 64:
        raise InputError(f"option value {value!r} is a {type(value).__name__} (allowed: float64 or narrower; "
                         "a wider float does not round-trip through float64)")
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, str):
        return value
    raise InputError(f"option value {value!r} has type {type(value).__name__} (allowed: a number, a boolean or a word)")


def option_tokens(options: Mapping[str, Any]) -> list[str]:
    """``{"n_delays": 5, "score": "angular"}`` → ``["--n-delays", "5", "--score", "angular"]`` (``None`` skipped)."""
    tokens: list[str] = []
    for name, value in options.items():
        if value is None:
            continue
        tokens += ["--" + name.replace("_", "-"), option_token(value)]
    return tokens


def _labels(labels: Labels) -> str | None:
    if labels is None:
        return None
    if isinstance(labels, str):
        return labels
    names = [str(label) for label in labels]
    for name in names:
        if "," in name:
            raise InputError(f"--labels: '{name}' contains a comma (allowed: names without commas, one per network)")
    return ",".join(names)


def _shape_text(shape: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(int(s)) for s in shape) + "]"


def _is_sequence(value: Any) -> bool:
    return isinstance(value, (list, tuple))


def _dynamics_arrays(trajectories: Any, key: str | None, layout: str) -> tuple[list[str], list[_native.NativeArray]]:
    """Groups and arrays of a dynamics metric; rank and dtype are checked here with the CLI's messages."""
    if not isinstance(layout, str) or layout not in _LAYOUTS:
        raise InputError(f"--layout: '{layout}' is not a layout (allowed: {' | '.join(_LAYOUTS)})")
    name = key if key is not None else _DYNAMICS_DEFAULT_KEY
    time_first = layout == "time-trials-units" or (layout == "auto" and name.startswith("probe_"))
    axes = "[time, trials, units]" if time_first else "[trials, time, units]"
    meaning = f"{axes}, or [networks, …] for a stack, no empty axis; --layout {' | '.join(_LAYOUTS)}"
    if isinstance(trajectories, Mapping):
        raise InputError("trajectories: a mapping was given (allowed: a 4-D array [networks, trials, time, units] "
                         "or a sequence of 3-D arrays [trials, time, units])")
    items = list(trajectories) if _is_sequence(trajectories) else None
    groups = [f"trajectories[{k}]" for k in range(len(items))] if items is not None else ["trajectories"]
    values = items if items is not None else [trajectories]
    arrays: list[_native.NativeArray] = []
    for g, (group, value) in enumerate(zip(groups, values)):
        place = f"{group}[{name}]"
        array, code = _native.as_native_array(value, place)
        if array.ndim not in (3, 4) or 0 in array.shape:
            raise InputError(f"{place}: has shape {_shape_text(array.shape)} (allowed: {meaning})")
        arrays.append(_native.NativeArray(g, name, array, code))
    return groups, arrays


def _pick_weight_key(entry: Mapping[str, Any], key: str | None) -> str | None:
    if key is not None:
        return key if key in entry else None
    for name in _WEIGHT_DEFAULT_KEYS:
        if name in entry:
            return name
    return next(iter(entry)) if len(entry) == 1 else None


def _weight_arrays(weights: Any, key: str | None, blocks: str | None) -> tuple[list[str], list[_native.NativeArray]]:
    """Groups and arrays of a weight metric; dtypes, and the recurrent matrices' ranks, are checked here."""
    single = blocks == "all_unit_indexed"
    meaning = ("a square matrix [n, n] (--blocks all_unit_indexed reads one network per file)" if single
               else "a square matrix [n, n], or a stack [networks, n, n]")
    ranks = (2,) if single else (2, 3)
    items = list(weights) if _is_sequence(weights) else None
    groups = [f"weights[{k}]" for k in range(len(items))] if items is not None else ["weights"]
    values = items if items is not None else [weights]
    arrays: list[_native.NativeArray] = []
    for g, (group, value) in enumerate(zip(groups, values)):
        entry: Mapping[str, Any] = value if isinstance(value, Mapping) else {key if key is not None else "W_h": value}
        if not entry:
            raise InputError(f"{group}: holds no arrays (allowed: a dict with the recurrent matrix under "
                             f"{', '.join(_WEIGHT_DEFAULT_KEYS)} and, for all_unit_indexed, its unit-indexed blocks)")
        recurrent = _pick_weight_key(entry, key)
        for name, member in entry.items():
            if not isinstance(name, str):
                raise InputError(f"{group}: key {name!r} is not a string (allowed: array names such as W_h, W_x, W_y)")
            place = f"{group}[{name}]"
            array, code = _native.as_native_array(member, place)
            if name == recurrent and (array.ndim not in ranks or 0 in array.shape):
                raise InputError(f"{place}: has shape {_shape_text(array.shape)} (allowed: {meaning})")
            arrays.append(_native.NativeArray(g, name, array, code))
    return groups, arrays


def _result(tree: Any, arrays: dict[str, np.ndarray], info: bool) -> Any:
    distances = arrays.pop("distances")
    if not info:
        return distances
    details = dict(tree) if isinstance(tree, dict) else {"record": tree}
    details["arrays"] = arrays
    return distances, details


def _run(metric: str, inputs: Any, options: Mapping[str, Any], *, seed: int, threads: int, labels: Labels,
         layout: str, key: str | None, mds_dimensions: int, info: bool) -> Any:
    kind = _input_kind(metric)
    if kind == "weights":
        blocks = options.get("blocks")
        groups, arrays = _weight_arrays(inputs, key, blocks if isinstance(blocks, str) else None)
    else:
        groups, arrays = _dynamics_arrays(inputs, key, layout)
    tree, results = _native.call_compare(
        metric, option_tokens(options), groups, arrays, key=key, layout=layout, labels=_labels(labels), seed=seed,
        threads=threads, mds_dimensions=mds_dimensions)
    return _result(tree, results, info)


@overload
def compare(metric: str, inputs: Any, *, seed: int = ..., threads: int = ..., labels: Labels = ...,
            layout: Layout = ..., key: str | None = ..., mds_dimensions: int = ..., info: Literal[False] = ...,
            **options: Any) -> np.ndarray: ...
@overload
def compare(metric: str, inputs: Any, *, seed: int = ..., threads: int = ..., labels: Labels = ...,
            layout: Layout = ..., key: str | None = ..., mds_dimensions: int = ..., info: Literal[True],
            **options: Any) -> tuple[np.ndarray, dict[str, Any]]: ...
def compare(metric: str, inputs: Any, *, seed: int = 0, threads: int = 1, labels: Labels = None,
            layout: Layout = "auto", key: str | None = None, mds_dimensions: int = 2, info: bool = False,
            **options: Any) -> Any:
    """All-pairs distances of any metric of ``rnndyn compare`` (``metric_options()`` lists them and their options).

    ``options`` are the metric's options by name with ``_`` for ``-`` (``n_delays=5`` is ``--n-delays 5``); an unknown
    option, an unknown metric or a disallowed value raises :class:`InputError` with the CLI's message.
    ``inputs`` are trajectories or weights as described in the module docstring; ``seed`` is the root of the metric's
    random starts (pair (i, j) draws from ``compare.<metric>.pair-i-j``), ``threads`` parallelise over pairs without
    changing any result, ``labels`` name the networks (a sequence or a comma-separated string), ``key`` selects the
    array of dict inputs (and names plain ones), ``mds_dimensions`` is the MDS embedding's k. Returns the ``[M, M]``
    distances, or ``(distances, info)`` with ``info=True``.
    """
    return _run(metric, inputs, options, seed=seed, threads=threads, labels=labels, layout=layout, key=key,
                mds_dimensions=mds_dimensions, info=info)


def dsa(trajectories: ArrayLike, *, n_delays: int | None = None, delay_interval: int | None = None,
        rank: int | Literal["full"] | None = None, ridge: float | None = None,
        score: Literal["angular", "euclidean", "wasserstein"] | None = None, iters: int | None = None,
        min_fits: int | None = None, max_fits: int | None = None, refit_above: float | None = None,
        restarts: int | None = None, seed: int = 0, threads: int = 1, labels: Labels = None,
        layout: Layout = "auto", key: str | None = None, mds_dimensions: int = 2,
        info: bool = False) -> Any:
    """Dynamical similarity analysis (Ostrow et al. 2023) between every pair of networks: a HAVOK DMD per network,
    then the PAVF angular (radians) or Euclidean score, or W₂² between the DMD spectra.

    Library defaults (``None``): ``n_delays`` 5, ``delay_interval`` 1, ``rank`` 20 (``"full"`` or an integer; capped at
    units·delays and the samples, and it must come out equal for every network), ``ridge`` 1e-8, ``score``
    ``"angular"``, ``iters`` 2000 L-BFGS steps per PAVF run, and the lab's refit rule ``min_fits`` 2, ``max_fits`` 6,
    ``refit_above`` 0.15 (refit while the best score is above it). ``restarts=k`` is ``min_fits=max_fits=k`` and may not
    be combined with either. Units and steps may differ between networks.

    ``trajectories``: a 4-D array ``[networks, trials, time, units]`` or a sequence of 3-D arrays. Returns the
    ``[M, M]`` distances, or ``(distances, info)`` with ``info=True`` (per-pair fits, runs and convergence, each
    network's DMD fit, and ``info["arrays"]["angular"]``/``["euclidean"]``).
    """
    if restarts is not None:
        if min_fits is not None or max_fits is not None:
            raise InputError("restarts: cannot be combined with min_fits or max_fits "
                             "(allowed: restarts=k alone, meaning min_fits = max_fits = k, or min_fits/max_fits)")
        min_fits = max_fits = restarts
    options = {"n_delays": n_delays, "delay_interval": delay_interval, "rank": rank, "ridge": ridge, "score": score,
               "iters": iters, "min_fits": min_fits, "max_fits": max_fits, "refit_above": refit_above}
    return _run("dsa", trajectories, options, seed=seed, threads=threads, labels=labels, layout=layout, key=key,
                mds_dimensions=mds_dimensions, info=info)


def pif(weights: ArrayLike, *, blocks: Literal["recurrent", "all_unit_indexed"] | None = None,
        max_iterations: int | None = None, tolerance: float | None = None, barycenter_start: bool | None = None,
        signature_start: bool | None = None, random_starts: int | None = None, pairwise_swaps: bool | None = None,
        max_swaps_per_unit: int | None = None, seed: int = 0, threads: int = 1, labels: Labels = None,
        key: str | None = None, mds_dimensions: int = 2, info: bool = False) -> Any:
    """The permutation-invariant Frobenius weight distance min_P ‖W1 − PᵀW2P‖_F between every pair of networks.

    Library defaults (``None``): ``blocks`` ``"recurrent"`` (W_h alone; ``"all_unit_indexed"`` also permutes the
    unit-indexed blocks beside it: W_x/Wx, b, b_hh/bhh, h0 as rows and W_y/Wy as columns, or U, h0 and W beside J),
    ``max_iterations`` 30 Frank–Wolfe iterations per start, ``tolerance`` 0.03, ``barycenter_start`` and
    ``signature_start`` True, ``random_starts`` 2 (drawn from ``seed``), ``pairwise_swaps`` True (2-opt refinement),
    ``max_swaps_per_unit`` 100. Unit counts (and block shapes) must agree.

    ``weights``: a stack ``[M, n, n]``, a sequence of ``[n, n]`` matrices, or a sequence of dicts ``{name: array}``
    (the recurrent matrix under ``key``, else W_h, Wh or J). Returns the ``[M, M]`` distances, or
    ``(distances, info)`` with ``info=True`` (``info["arrays"]["normalized_distances"]``, the permutations and starts).
    """
    options = {"blocks": blocks, "max_iterations": max_iterations, "tolerance": tolerance,
               "barycenter_start": barycenter_start, "signature_start": signature_start,
               "random_starts": random_starts, "pairwise_swaps": pairwise_swaps,
               "max_swaps_per_unit": max_swaps_per_unit}
    return _run("pif", weights, options, seed=seed, threads=threads, labels=labels, layout="auto", key=key,
                mds_dimensions=mds_dimensions, info=info)


Samples = Literal["every_step", "trial_average"]


def cka(trajectories: ArrayLike, *, score: Literal["angular", "complement"] | None = None,
        samples: Samples | None = None, seed: int = 0, threads: int = 1, labels: Labels = None,
        layout: Layout = "auto", key: str | None = None, mds_dimensions: int = 2,
        info: bool = False) -> Any:
    """Linear CKA (Kornblith et al. 2019) between every pair of response matrices (rows = samples, columns = units):
    ``score`` ``"angular"`` (default; arccos CKA, radians) or ``"complement"`` (1 − CKA); ``samples``
    ``"every_step"`` (default; one row per trial and step) or ``"trial_average"``. Trials and steps must agree; widths
    may differ. Returns ``[M, M]`` distances (or ``(distances, info)``)."""
    return _run("cka", trajectories, {"score": score, "samples": samples}, seed=seed, threads=threads, labels=labels,
                layout=layout, key=key, mds_dimensions=mds_dimensions, info=info)


def procrustes(trajectories: ArrayLike, *, alpha: float | None = None,
               score: Literal["angular", "euclidean"] | None = None, samples: Samples | None = None, seed: int = 0,
               threads: int = 1, labels: Labels = None, layout: Layout = "auto", key: str | None = None,
               mds_dimensions: int = 2, info: bool = False) -> Any:
    """Procrustes shape distance (Williams et al. 2021) with partial whitening ``alpha`` in [0, 1] (default 1:
    rotations only; 0: invariant to any invertible map), ``score`` ``"angular"`` (default, radians) or
    ``"euclidean"``, ``samples`` as for :func:`cka`. Returns ``[M, M]`` distances (or ``(distances, info)``)."""
    return _run("procrustes", trajectories, {"alpha": alpha, "score": score, "samples": samples}, seed=seed,
                threads=threads, labels=labels, layout=layout, key=key, mds_dimensions=mds_dimensions, info=info)


def cca(trajectories: ArrayLike, *, score: Literal["one_minus_mean", "angular"] | None = None,
        samples: Samples | None = None, seed: int = 0, threads: int = 1, labels: Labels = None,
        layout: Layout = "auto", key: str | None = None, mds_dimensions: int = 2,
        info: bool = False) -> Any:
    """Canonical correlation analysis: ``score`` ``"one_minus_mean"`` (default, 1 − mean canonical correlation) or
    ``"angular"`` (its arccos), ``samples`` as for :func:`cka`. Returns ``[M, M]`` distances (or ``(distances,
    info)``)."""
    return _run("cca", trajectories, {"score": score, "samples": samples}, seed=seed, threads=threads, labels=labels,
                layout=layout, key=key, mds_dimensions=mds_dimensions, info=info)


def svcca(trajectories: ArrayLike, *, variance: float | None = None, dimensions: int | Literal["auto"] | None = None,
          score: Literal["one_minus_mean", "angular"] | None = None, samples: Samples | None = None, seed: int = 0,
          threads: int = 1, labels: Labels = None, layout: Layout = "auto", key: str | None = None,
          mds_dimensions: int = 2, info: bool = False) -> Any:
    """SVCCA (Raghu et al. 2017): each side reduced to the fewest singular directions holding ``variance`` of its
    variance (default 0.99, in (0, 1]) or to ``dimensions`` directions (default ``"auto"``: use ``variance``), then
    CCA with ``score`` as for :func:`cca`. Returns ``[M, M]`` distances (or ``(distances, info)``)."""
    return _run("svcca", trajectories, {"variance": variance, "dimensions": dimensions, "score": score,
                                        "samples": samples},
                seed=seed, threads=threads, labels=labels, layout=layout, key=key, mds_dimensions=mds_dimensions,
                info=info)


def rsa(trajectories: ArrayLike, *, dissimilarity: Literal["correlation", "euclidean"] | None = None,
        comparison: Literal["spearman", "pearson", "kendall_tau_a"] | None = None, samples: Samples | None = None,
        seed: int = 0, threads: int = 1, labels: Labels = None, layout: Layout = "auto",
        key: str | None = None, mds_dimensions: int = 2, info: bool = False) -> Any:
    """Representational similarity analysis: 1 − the ``comparison`` correlation (default ``"spearman"``) between the
    networks' RDMs of ``dissimilarity`` (default ``"correlation"``: 1 − Pearson r; or ``"euclidean"``) over the
    conditions given by ``samples`` (default ``"trial_average"``: one per step). Returns ``[M, M]`` distances (or
    ``(distances, info)``)."""
    return _run("rsa", trajectories, {"dissimilarity": dissimilarity, "comparison": comparison, "samples": samples},
                seed=seed, threads=threads, labels=labels, layout=layout, key=key, mds_dimensions=mds_dimensions,
                info=info)
