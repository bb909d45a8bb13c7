"""ctypes binding of ``libRNNDynC.so``, the C interface of the Swift engine (contract: issue 17's ABI).

The library is found on first use, in this order:

1. the environment variable ``RNNDYN_LIBRARY`` (a path to the ``.so``);
2. the copy installed with the package, ``rnndyn/_lib/libRNNDynC.so`` (``pip install ./python``);
3. the repository's ``.build/release/libRNNDynC.so``, then ``.build/debug/libRNNDynC.so`` (relative to the
   package directory's parent's parent, i.e. a source checkout used with ``PYTHONPATH=python``).

``import rnndyn`` never needs the library; the first call that does raises :class:`RnndynError` listing every path
tried when none loads.

Arrays are handed over by pointer, without a copy in Python, when they are already C-contiguous, aligned,
native-endian float64 or float32 (the library then reads them once into its own storage); anything else real-valued (other float widths, integers, booleans, strided or Fortran-ordered arrays) is
converted once with ``np.ascontiguousarray(..., dtype=np.float64)``. Complex, object, string and other non-real
dtypes are refused before the call with :class:`InputError`.
"""

from __future__ import annotations

import ctypes
import json
import operator
import os
import threading
from ctypes import POINTER, c_char_p, c_double, c_int32, c_int64, c_uint64, c_void_p
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ._errors import InputError, RnndynError

__all__ = [
    "library",
    "library_path",
    "library_candidates",
    "version",
    "metrics_catalog",
    "NativeArray",
    "as_native_array",
    "call_compare",
    "call_ntk",
    "call_task",
    "stats",
]

LIBRARY_NAME = "libRNNDynC.so"
UINT64_MAX = 2**64 - 1
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1

#: Counters for tests and the curious: arrays passed without a copy, and arrays converted (one copy each).
stats: dict[str, int] = {"zero_copy": 0, "converted": 0}

_lock = threading.Lock()
_lib: ctypes.CDLL | None = None
_lib_path: str | None = None


def _package_dir() -> Path:
    return Path(__file__).resolve().parent


def library_candidates() -> list[tuple[str, Path]]:
    """The places searched for ``libRNNDynC.so``, in order, each with a short description."""
    out: list[tuple[str, Path]] = []
    env = os.environ.get("RNNDYN_LIBRARY")
    if env:
        out.append(("RNNDYN_LIBRARY", Path(env).expanduser()))
    pkg = _package_dir()
    out.append(("installed with the package", pkg / "_lib" / LIBRARY_NAME))
    repo = pkg.parent.parent
    out.append(("repository release build", repo / ".build" / "release" / LIBRARY_NAME))
    out.append(("repository debug build", repo / ".build" / "debug" / LIBRARY_NAME))
    return out


def _declare(lib: ctypes.CDLL) -> None:
    """Sets argtypes and restype of every function of the contract."""
    strings = POINTER(c_char_p)
    i32s, i64s = POINTER(c_int32), POINTER(c_int64)
    pointers = POINTER(c_void_p)
    lib.rnndyn_version.argtypes = []
    lib.rnndyn_version.restype = c_char_p
    lib.rnndyn_metrics.argtypes = []
    lib.rnndyn_metrics.restype = c_char_p
    lib.rnndyn_compare.argtypes = [
        c_char_p, strings, c_int32,                      # metric, options, option_count
        c_int32, strings,                                # group_count, group_names
        c_int32, i32s, strings, i32s, i32s, i64s, pointers,  # array_count, groups, keys, dtypes, ranks, shapes, data
        c_char_p, c_char_p, c_char_p,                    # key, layout, labels
        c_uint64, c_int32, c_int32,                      # seed, threads, mds_dimensions
    ]
    lib.rnndyn_compare.restype = c_void_p
    lib.rnndyn_ntk.argtypes = [
        strings, c_int32,
        c_int32, strings,
        c_int32, i32s, strings, i32s, i32s, i64s, pointers,
    ]
    lib.rnndyn_ntk.restype = c_void_p
    lib.rnndyn_task.argtypes = [c_char_p, c_char_p, c_uint64, c_int64, c_int32]
    lib.rnndyn_task.restype = c_void_p
    lib.rnndyn_result_status.argtypes = [c_void_p]
    lib.rnndyn_result_status.restype = c_int32
    lib.rnndyn_result_error.argtypes = [c_void_p]
    lib.rnndyn_result_error.restype = c_char_p
    lib.rnndyn_result_json.argtypes = [c_void_p]
    lib.rnndyn_result_json.restype = c_char_p
    lib.rnndyn_result_array_count.argtypes = [c_void_p]
    lib.rnndyn_result_array_count.restype = c_int32
    lib.rnndyn_result_array_name.argtypes = [c_void_p, c_int32]
    lib.rnndyn_result_array_name.restype = c_char_p
    lib.rnndyn_result_array_rank.argtypes = [c_void_p, c_int32]
    lib.rnndyn_result_array_rank.restype = c_int32
    lib.rnndyn_result_array_shape.argtypes = [c_void_p, c_int32]
    lib.rnndyn_result_array_shape.restype = POINTER(c_int64)
    lib.rnndyn_result_array_data.argtypes = [c_void_p, c_int32]
    lib.rnndyn_result_array_data.restype = POINTER(c_double)
    lib.rnndyn_result_free.argtypes = [c_void_p]
    lib.rnndyn_result_free.restype = None


def library() -> ctypes.CDLL:
    """The loaded library (loaded and declared on first call); raises :class:`RnndynError` naming every path tried."""
    global _lib, _lib_path
    if _lib is not None:
        return _lib
    with _lock:
        if _lib is not None:
            return _lib
        tried: list[str] = []
        for label, path in library_candidates():
            if not path.is_file():
                tried.append(f"{path} ({label}: not found)")
                continue
            try:
                lib = ctypes.CDLL(str(path))
                _declare(lib)
            except (OSError, AttributeError) as error:
                tried.append(f"{path} ({label}: {str(error).splitlines()[0] if str(error) else type(error).__name__})")
                continue
            _lib, _lib_path = lib, str(path)
            return lib
        raise RnndynError(
            "libRNNDynC.so could not be loaded (tried: " + "; ".join(tried) + "); build it with "
            "`swift build -c release --product RNNDynC` in the repository, `pip install ./python`, or set RNNDYN_LIBRARY"
        )


def library_path() -> str:
    """The path of the loaded library (loading it if needed)."""
    library()
    assert _lib_path is not None
    return _lib_path


def version() -> str:
    """rnndyn's version string, as the library reports it."""
    return library().rnndyn_version().decode("utf-8", "replace")


_catalog: Any = None


def metrics_catalog() -> Any:
    """The library's description of its metrics, their options (name, default, allowed, help), NTK options and tasks."""
    global _catalog
    if _catalog is None:
        _catalog = json.loads(library().rnndyn_metrics().decode("utf-8"))
    return _catalog


# ---------------------------------------------------------------------------------------------------------------
# Arrays


class NativeArray:
    """One array of a call: its group, key, the (possibly converted) ndarray and its dtype code (0 f8, 1 f4)."""

    __slots__ = ("group", "key", "array", "code")

    def __init__(self, group: int, key: str, array: np.ndarray, code: int) -> None:
        self.group, self.key, self.array, self.code = group, key, array, code


def _to_numpy(value: Any) -> np.ndarray:
    """``value`` as an ndarray without copying when possible (PyTorch tensors are detached and moved to the CPU)."""
    if isinstance(value, np.ndarray):
        return value
    if hasattr(value, "detach") and hasattr(value, "cpu") and hasattr(value, "numpy"):  # a torch.Tensor
        return value.detach().cpu().numpy()  # shares the tensor's memory (no copy on the CPU)
    try:
        return np.asarray(value)
    except Exception as error:  # ragged nested lists and the like
        raise InputError(f"cannot be read as an array: {str(error).splitlines()[0]}") from None


def check_real(array: np.ndarray, place: str) -> None:
    """Raises :class:`InputError` unless ``array`` holds real numbers (floats, integers or booleans)."""
    if array.dtype.kind not in "fiub":
        raise InputError(f"{place}: has dtype {array.dtype.str} (allowed: float64 <f8, or float32 <f4 widened exactly)")


def as_native_array(value: Any, place: str) -> tuple[np.ndarray, int]:
    """The array to hand to the library and its dtype code: ``value`` itself when it is C-contiguous, aligned,
    native float64 (code 0) or float32 (code 1); otherwise one float64 copy (code 0). Non-real dtypes raise
    :class:`InputError` naming ``place``."""
    array = _to_numpy(value)
    check_real(array, place)
    if array.flags.c_contiguous and array.flags.aligned and array.dtype.isnative:
        if array.dtype == np.float64:
            stats["zero_copy"] += 1
            return array, 0
        if array.dtype == np.float32:
            stats["zero_copy"] += 1
            return array, 1
    stats["converted"] += 1
    return np.ascontiguousarray(array, dtype=np.float64), 0


# ---------------------------------------------------------------------------------------------------------------
# Calls


def _cstring(text: str, what: str) -> bytes:
    if not isinstance(text, str):
        raise InputError(f"{what}: {text!r} is not a string (allowed: a string)")
    if "\x00" in text:
        raise InputError(f"{what}: contains a NUL character (allowed: text without NUL)")
    return text.encode("utf-8")


def _string_array(items: Sequence[str], what: str) -> Any:
    encoded = [_cstring(s, what) for s in items]
    return (c_char_p * len(encoded))(*encoded)


def checked_int(value: Any, name: str, low: int, high: int, allowed: str) -> int:
    """``value`` as an int in ``low…high``, else :class:`InputError` ``"<name>: <value> ... (allowed: …)"``."""
    if isinstance(value, (bool, np.bool_)):
        raise InputError(f"{name}: {value!r} is not an integer (allowed: {allowed})")
    try:
        number = operator.index(value)
    except TypeError:
        raise InputError(f"{name}: {value!r} is not an integer (allowed: {allowed})") from None
    if not low <= number <= high:
        raise InputError(f"{name}: {number} is out of range (allowed: {allowed})")
    return number


def checked_seed(seed: Any) -> int:
    """A seed in 0…2⁶⁴−1 (the CLI's ``--seed``)."""
    return checked_int(seed, "--seed", 0, UINT64_MAX, f"an integer in 0…{UINT64_MAX}")


class _ArrayArguments:
    """The C arrays of one call (keeps every referenced Python object alive while it exists)."""

    def __init__(self, group_names: Sequence[str], arrays: Sequence[NativeArray]) -> None:
        self.group_count = len(group_names)
        self.group_names = _string_array(group_names, "group name")
        n = len(arrays)
        self.array_count = n
        self.keep = [a.array for a in arrays]
        self.groups = (c_int32 * n)(*[a.group for a in arrays])
        self.keys = _string_array([a.key for a in arrays], "array key")
        self.dtypes = (c_int32 * n)(*[a.code for a in arrays])
        self.ranks = (c_int32 * n)(*[a.array.ndim for a in arrays])
        shape: list[int] = [int(s) for a in arrays for s in a.array.shape]
        self.shapes = (c_int64 * max(len(shape), 1))(*shape)
        self.data = (c_void_p * n)(*[a.array.ctypes.data for a in arrays])

    def args(self) -> list[Any]:
        return [self.group_count, self.group_names, self.array_count, self.groups, self.keys, self.dtypes,
                self.ranks, self.shapes, self.data]


def _consume(lib: ctypes.CDLL, handle: int | None) -> tuple[Any, dict[str, np.ndarray]]:
    """Reads a result handle (JSON and every array, copied into new ndarrays), raising on error; always frees it."""
    if not handle:
        raise RnndynError("the library returned no result (a NULL handle)")
    try:
        status = lib.rnndyn_result_status(handle)
        if status != 0:
            raw = lib.rnndyn_result_error(handle)
            message = raw.decode("utf-8", "replace") if raw else f"failed with status {status} and no message"
            if status == 2:
                raise InputError(message, status)
            raise RnndynError(message, status)
        raw_json = lib.rnndyn_result_json(handle)
        tree = json.loads(raw_json.decode("utf-8")) if raw_json else None
        arrays: dict[str, np.ndarray] = {}
        for i in range(lib.rnndyn_result_array_count(handle)):
            name = lib.rnndyn_result_array_name(handle, i).decode("utf-8", "replace")
            rank = lib.rnndyn_result_array_rank(handle, i)
            shape_ptr = lib.rnndyn_result_array_shape(handle, i)
            shape = tuple(int(shape_ptr[k]) for k in range(rank))
            count = int(np.prod(shape, dtype=np.int64))
            if count == 0:
                arrays[name] = np.zeros(shape, dtype=np.float64)
                continue
            data_ptr = lib.rnndyn_result_array_data(handle, i)
            if not data_ptr:
                raise RnndynError(f"result array {name} has no data")
            arrays[name] = np.ctypeslib.as_array(data_ptr, shape=(count,)).reshape(shape).copy()
        return tree, arrays
    finally:
        lib.rnndyn_result_free(handle)


def call_compare(metric: str, options: Sequence[str], group_names: Sequence[str], arrays: Sequence[NativeArray], *,
                 key: str | None, layout: str, labels: str | None, seed: int, threads: int,
                 mds_dimensions: int) -> tuple[Any, dict[str, np.ndarray]]:
    """``rnndyn_compare``: the compare.json tree and the result arrays (distances, extra matrices, MDS)."""
    lib = library()
    seed = checked_seed(seed)
    threads = checked_int(threads, "--threads", -(2**31), INT32_MAX, "1…1024")
    mds_dimensions = checked_int(mds_dimensions, "--mds-dimensions", -(2**31), INT32_MAX,
                                 "an integer ≥ 1, at most the networks")
    opts = _string_array(list(options), "option")
    block = _ArrayArguments(group_names, arrays)
    handle = lib.rnndyn_compare(
        _cstring(metric, "metric"), opts, len(options), *block.args(),
        None if key is None else _cstring(key, "--key"), _cstring(layout, "--layout"),
        None if labels is None else _cstring(labels, "--labels"), seed, threads, mds_dimensions)
    del block  # the call is over: the library copied what it keeps
    return _consume(lib, handle)


def call_ntk(options: Sequence[str], group_name: str, arrays: Sequence[NativeArray]) -> tuple[Any, dict[str, np.ndarray]]:
    """``rnndyn_ntk``: the record and ``kernel``."""
    lib = library()
    opts = _string_array(list(options), "option")
    block = _ArrayArguments([group_name], arrays)
    handle = lib.rnndyn_ntk(opts, len(options), *block.args())
    del block
    return _consume(lib, handle)


def call_task(task: str, knobs_json: str, seed: int, trials: int, include_ood: bool) -> tuple[Any, dict[str, np.ndarray]]:
    """``rnndyn_task``: the parameters and the arrays (inputs, targets, mask, ood_*)."""
    lib = library()
    seed = checked_seed(seed)
    trials = checked_int(trials, "trials", -INT64_MAX - 1, INT64_MAX, "an integer in 1…1000000")
    handle = lib.rnndyn_task(_cstring(task, "task"), _cstring(knobs_json, "knobs"), seed, trials, 1 if include_ood else 0)
    return _consume(lib, handle)
