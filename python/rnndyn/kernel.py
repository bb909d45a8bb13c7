"""The exact empirical NTK of a linear RNN, in-process (``rnndyn ntk`` from Python)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, overload

import numpy as np

from . import _native
from ._errors import InputError
from .metrics import _shape_text

__all__ = ["ntk"]

_BLOCK_ORDER = ("wx", "wh", "wy")


def _blocks_option(blocks: str | Iterable[str] | None) -> str | None:
    """A sequence of known names in any order, ``("wh", "wx")``, becomes the library's ``"wx,wh"`` (a set has no
    order); a string is passed as given, so ``"wy,wx"`` gets the command line's own message."""
    if blocks is None or isinstance(blocks, str):
        return blocks
    names = [str(b) for b in blocks]
    if names and set(names) <= set(_BLOCK_ORDER) and len(set(names)) == len(names):
        return ",".join(b for b in _BLOCK_ORDER if b in names)
    return ",".join(names)


@overload
def ntk(W_x: Any, W_h: Any, W_y: Any, inputs: Any, readout: Literal["final", "autoregressive"] | None = ...,
        blocks: str | Iterable[str] | None = ..., *, info: Literal[False] = ...) -> np.ndarray: ...
@overload
def ntk(W_x: Any, W_h: Any, W_y: Any, inputs: Any, readout: Literal["final", "autoregressive"] | None = ...,
        blocks: str | Iterable[str] | None = ..., *, info: Literal[True]) -> tuple[np.ndarray, dict[str, Any]]: ...
def ntk(W_x: Any, W_h: Any, W_y: Any, inputs: Any, readout: Literal["final", "autoregressive"] | None = "final",
        blocks: str | Iterable[str] | None = ("wx", "wh", "wy"), *, info: bool = False) -> Any:
    """The exact empirical neural tangent kernel Θ = J Jᵀ of the linear RNN ``h_0 = 0``,
    ``h_t = W_h h_{t−1} + W_x x_t`` with readout ``ŷ = W_y h_T`` (``readout="final"``) or ``ŷ_t = W_y h_t`` at every step
    (``"autoregressive"``), J being the Jacobian of all outputs with respect to the chosen ``blocks`` (a subset of
    ``"wx"``, ``"wh"``, ``"wy"``, as a sequence or a comma-separated string).

    Shapes: ``W_x`` [N_h, N_x], ``W_h`` [N_h, N_h], ``W_y`` [N_y, N_h], ``inputs`` [P, T, N_x] (trials, time, inputs).
    The kernel is ``[N_y·R·P, N_y·R·P]`` with R = 1 (final) or T (autoregressive), row ``i + N_y·(p + P·t)`` for
    output i of trial p at readout t. Bit-identical to ``rnndyn ntk FILE.npz`` on the same arrays (``kernel.npz``).
    With ``info=True`` returns ``(kernel, record)`` with the record of ``ntk.json`` (readout, blocks, sizes, layout).
    Bad shapes or dtypes raise :class:`rnndyn.InputError` naming ``network[W_h]`` etc. as the CLI names
    ``FILE.npz[W_h]``.
    """
    group = "network"
    meanings = {"W_h": ("[N_h, N_h]", 2), "W_x": ("[N_h, N_x]", 2), "W_y": ("[N_y, N_h]", 2),
                "inputs": ("[P, T, N_x] (trials, time, inputs)", 3)}
    given = {"W_x": W_x, "W_h": W_h, "W_y": W_y, "inputs": inputs}
    arrays: list[_native.NativeArray] = []
    # Checked in the library's order (W_h, W_x, W_y, inputs), so the first problem reported is the CLI's.
    for key in ("W_h", "W_x", "W_y", "inputs"):
        place = f"{group}[{key}]"
        array, code = _native.as_native_array(given[key], place)
        meaning, rank = meanings[key]
        if array.ndim != rank or 0 in array.shape:
            raise InputError(f"{place}: has shape {_shape_text(array.shape)} (allowed: {meaning})")
        arrays.append(_native.NativeArray(0, key, array, code))
    options: list[str] = []
    if readout is not None:
        if not isinstance(readout, str):
            raise InputError(f"--readout: '{readout}' is not allowed (allowed: final | autoregressive)")
        options += ["--readout", readout]
    block_text = _blocks_option(blocks)
    if block_text is not None:
        options += ["--blocks", block_text]
    record, results = _native.call_ntk(options, group, arrays)
    kernel = results["kernel"]
    return (kernel, record) if info else kernel
