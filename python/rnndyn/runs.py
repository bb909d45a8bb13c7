"""Runs and sweeps: run paper experiments through the ``rnndyn`` command line and read run directories back.

The CLI binary is found in this order: the environment variable ``RNNDYN_CLI``; the copy installed with the package
(``rnndyn/_bin/rnndyn``); the repository's ``.build/release/rnndyn``, then ``.build/debug/rnndyn``; ``rnndyn`` on
``PATH``.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Optional, Sequence, Union

import numpy as np

from ._json import json_value
from ._errors import InputError, RnndynError

__all__ = ["run", "train", "sweep", "load", "load_sweep", "load_sweep_arrays", "Run", "LazyArrays", "cli_path", "cli_candidates",
           "run_cli", "set_arguments"]

PathLike = Union[str, "os.PathLike[str]"]


def cli_candidates() -> list[tuple[str, Path]]:
    """The places searched for the ``rnndyn`` binary, in order, each with a short description."""
    out: list[tuple[str, Path]] = []
    env = os.environ.get("RNNDYN_CLI")
    if env:
        out.append(("RNNDYN_CLI", Path(env).expanduser()))
    pkg = Path(__file__).resolve().parent
    out.append(("installed with the package", pkg / "_bin" / "rnndyn"))
    repo = pkg.parent.parent
    out.append(("repository release build", repo / ".build" / "release" / "rnndyn"))
    out.append(("repository debug build", repo / ".build" / "debug" / "rnndyn"))
    found = shutil.which("rnndyn")
    if found:
        out.append(("PATH", Path(found)))
    return out


def cli_path(cli: Optional[PathLike] = None) -> str:
    """The ``rnndyn`` binary to run: ``cli`` when given, else the first of :func:`cli_candidates` that exists."""
    if cli is not None:
        path = Path(cli).expanduser()
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise RnndynError(f"{path}: is not an executable rnndyn binary (allowed: a path to rnndyn)")
        return str(path)
    tried = []
    for label, path in cli_candidates():
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        tried.append(f"{path} ({label})")
    raise RnndynError("the rnndyn command line was not found (tried: " + "; ".join(tried) + "); build it with "
                      "`swift build -c release --product rnndyn`, `pip install ./python`, or set RNNDYN_CLI")


def _error_line(stderr: str, returncode: int) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    for line in reversed(lines):
        if line.startswith("rnndyn: error: "):
            return line[len("rnndyn: error: "):]
    if lines:
        return lines[-1]
    return f"rnndyn exited with status {returncode}"


def run_cli(arguments: Sequence[str], *, cli: Optional[PathLike] = None, threads_env: bool = True,
            allow: Sequence[int] = (0,)) -> subprocess.CompletedProcess[str]:
    """Runs ``rnndyn ARGUMENTS…`` and returns the finished process; an exit status not in ``allow`` raises
    :class:`InputError` (status 2) or :class:`RnndynError` (others) with the CLI's one-line error."""
    env = dict(os.environ)
    if threads_env:
        env.setdefault("OPENBLAS_NUM_THREADS", "1")
    proc = subprocess.run([cli_path(cli), *[str(a) for a in arguments]], capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL)
    if proc.returncode not in allow:
        message = _error_line(proc.stderr, proc.returncode)
        if proc.returncode == 2:
            raise InputError(message, 2)
        raise RnndynError(message, proc.returncode)
    return proc


def _flatten(overrides: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for key, value in overrides.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            items += _flatten(value, name + ".")
        else:
            items.append((name, value))
    return items


def set_arguments(overrides: Optional[Mapping[str, Any]]) -> list[str]:
    """``{"steps": 400, "training": {"learning_rate": 0.02}}`` → ``--set steps=400 --set training.learning_rate=0.02``
    (values as JSON with exact numbers; nested dicts become dotted keys)."""
    if not overrides:
        return []
    out: list[str] = []
    for key, value in _flatten(overrides):
        try:
            text = json.dumps(value, default=json_value, allow_nan=False)
        except (TypeError, ValueError) as error:
            raise InputError(f"{key}: {value!r} is not a JSON value ({error}) (allowed: numbers, booleans, strings, "
                             "lists, objects)") from None
        out += ["--set", f"{key}={text}"]
    return out


def _out_dir(out: Optional[PathLike], name: str) -> Path:
    if out is not None:
        return Path(out)
    return Path(tempfile.mkdtemp(prefix=f"rnndyn-{name}-")) / "run"


def run(experiment: str, preset: str = "quick", overrides: Optional[Mapping[str, Any]] = None, seed: int = 0,
        out: Optional[PathLike] = None, threads: Optional[int] = None, cli: Optional[PathLike] = None, *,
        config: Optional[PathLike] = None, force: bool = False) -> "Run":
    """Runs one paper experiment (``rnndyn run EXPERIMENT --quick|--full [--config F] --set k=v … --seed S --out DIR``)
    and returns it loaded (:func:`load`).

    ``experiment`` is an id of ``rnndyn list`` (``proca2025.figA1``, or ``figA1`` when one paper has it); ``preset``
    ``"quick"`` or ``"full"``; ``overrides`` a dict of parameters (nested dicts become dotted keys; ``rnndyn describe
    EXPERIMENT`` lists them); ``out`` the run directory (default: a new temporary directory); ``threads`` the
    runner's threads (results do not depend on it); ``force`` replaces a complete run in ``out``.
    A bad parameter raises :class:`InputError` with the CLI's one line (exit status 2); a divergence or another failure
    :class:`RnndynError`. A run whose claim checks fail (exit status 4) is still complete: it is returned, with a
    ``RuntimeWarning``, and ``.checks`` says which failed.
    """
    if preset not in ("quick", "full"):
        raise InputError(f"preset: '{preset}' is not a preset (allowed: quick | full)")
    directory = _out_dir(out, "run")
    args = ["run", experiment, f"--{preset}"]
    if config is not None:
        args += ["--config", str(config)]
    args += set_arguments(overrides) + ["--seed", str(seed), "--out", str(directory)]
    if threads is not None:
        args += ["--threads", str(threads)]
    if force:
        args.append("--force")
    proc = run_cli(args, cli=cli, allow=(0, 4))
    if proc.returncode == 4:
        warnings.warn(f"rnndyn run {experiment}: a claim check failed ({_error_line(proc.stderr, 4)}); see .checks",
                      RuntimeWarning, stacklevel=2)
    return load(directory)


def train(config: Optional[PathLike] = None, overrides: Optional[Mapping[str, Any]] = None,
          seed: Optional[int] = None, out: Optional[PathLike] = None, cli: Optional[PathLike] = None, *,
          force: bool = False) -> "Run":
    """Trains one network (``rnndyn train [--config F] --set k=v … [--seed S] --out DIR``; ``rnndyn describe train``
    lists the keys) and returns the run loaded. Errors as for :func:`run`."""
    directory = _out_dir(out, "train")
    args = ["train"]
    if config is not None:
        args += ["--config", str(config)]
    args += set_arguments(overrides)
    if seed is not None:
        args += ["--seed", str(seed)]
    args += ["--out", str(directory)]
    if force:
        args.append("--force")
    run_cli(args, cli=cli)
    return load(directory)


def sweep(spec: Union[PathLike, Mapping[str, Any]], out: Optional[PathLike] = None, workers: int = 1,
          cli: Optional[PathLike] = None) -> Any:
    """Runs (or resumes) a sweep, ``rnndyn sweep SPEC --out DIR --workers N``, and returns its merged table
    (:func:`load_sweep`). ``spec`` is a YAML/JSON spec file or a dict of the same keys (``experiment``, ``preset``,
    ``overrides``, ``axes``, ``seeds``, ``pairs``; README, "Sweeps"), written to ``DIR.spec.json`` beside ``out``.
    Cells that diverge (exit status 3) are reported by a ``RuntimeWarning``; other failures raise."""
    directory = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="rnndyn-sweep-")) / "sweep"
    if isinstance(spec, Mapping):
        directory.parent.mkdir(parents=True, exist_ok=True)
        spec_path = directory.parent / f"{directory.name}.spec.json"
        spec_path.write_text(json.dumps(spec, default=json_value, allow_nan=False), encoding="utf-8")
    else:
        spec_path = Path(spec)
    proc = run_cli(["sweep", str(spec_path), "--out", str(directory), "--workers", str(workers)], cli=cli,
                   allow=(0, 3))
    if proc.returncode == 3:
        warnings.warn(f"rnndyn sweep: some cells diverged ({_error_line(proc.stderr, 3)})", RuntimeWarning, stacklevel=2)
    return load_sweep(directory)


class LazyArrays(Mapping[str, np.ndarray]):
    """A read-only mapping of a run's arrays, each read from disk on first access and kept.

    Keys are the arrays of ``results.npz`` by name, and those of the directory's other ``.npz`` files as
    ``"<file stem>/<name>"`` (e.g. ``"distances/angular"``, ``"mds/coordinates"``, ``"diverged/..."``)."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._index: Optional[dict[str, tuple[Path, str]]] = None
        self._cache: dict[str, np.ndarray] = {}

    def _keys(self) -> dict[str, tuple[Path, str]]:
        if self._index is None:
            index: dict[str, tuple[Path, str]] = {}
            files = sorted(self._directory.glob("*.npz"))
            for path in files:
                with np.load(path, allow_pickle=False) as data:
                    names = list(data.files)
                for name in names:
                    key = name if path.name == "results.npz" else f"{path.stem}/{name}"
                    index[key] = (path, name)
            self._index = index
        return self._index

    def __getitem__(self, key: str) -> np.ndarray:
        if key not in self._cache:
            try:
                path, name = self._keys()[key]
            except KeyError:
                raise KeyError(f"{key!r} is not an array of {self._directory} (allowed: "
                               f"{', '.join(self._keys()) or 'none'})") from None
            with np.load(path, allow_pickle=False) as data:
                self._cache[key] = data[name]
        return self._cache[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def loaded(self) -> list[str]:
        """The keys read so far."""
        return list(self._cache)

    def __repr__(self) -> str:
        return f"LazyArrays({str(self._directory)!r}, {len(self)} arrays, {len(self._cache)} loaded)"


class Run:
    """One run directory of ``rnndyn run``, ``reproduce``, ``train``, ``compare`` or a sweep's merged study.

    ``path``: the directory; ``config``: its ``config.json`` (``compare.json`` for a compare directory) as a dict;
    ``arrays``: a :class:`LazyArrays` over its ``.npz`` files; ``checks``: the claim checks it recorded (a list of
    dicts: claim, verdict, numbers; empty for train runs); ``figures``: figure name → SVG path (``figures/*.svg`` and
    top-level ``*.svg``); ``metrics``: ``metrics.csv`` as a dict metric → value (strings where not numbers).
    """

    def __init__(self, path: PathLike) -> None:
        self.path: Path = Path(path)
        if not self.path.is_dir():
            raise InputError(f"{self.path}: is not a directory (allowed: an rnndyn run directory)")
        config_file = self.path / "config.json"
        if not config_file.is_file() and (self.path / "compare.json").is_file():
            config_file = self.path / "compare.json"
        if not config_file.is_file():
            raise InputError(f"{self.path}: has no config.json (allowed: an rnndyn run directory)")
        with open(config_file, encoding="utf-8") as handle:
            self.config: dict[str, Any] = json.load(handle)
        self.arrays: LazyArrays = LazyArrays(self.path)

    @property
    def checks(self) -> list[dict[str, Any]]:
        """The claim checks recorded in ``config.json`` (empty when there are none)."""
        checks = self.config.get("checks", [])
        return list(checks) if isinstance(checks, list) else []

    @property
    def figures(self) -> dict[str, Path]:
        """Figure name → SVG path."""
        out: dict[str, Path] = {}
        for svg in sorted((self.path / "figures").glob("*.svg")) + sorted(self.path.glob("*.svg")):
            out.setdefault(svg.stem, svg)
        return out

    @property
    def metrics(self) -> dict[str, Any]:
        """``metrics.csv`` (``metric,value,description``) as metric → value (a float where it parses as one)."""
        path = self.path / "metrics.csv"
        if not path.is_file():
            return {}
        out: dict[str, Any] = {}
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                out[row.get("metric", "")] = _cell(row.get("value", ""))
        return out

    @property
    def scalars(self) -> dict[str, Any]:
        """The experiment's named scalars (``config.json``'s ``scalars``) as name → value."""
        items = self.config.get("scalars", [])
        return {item["name"]: item.get("value") for item in items if isinstance(item, dict) and "name" in item} \
            if isinstance(items, list) else {}

    @property
    def complete(self) -> bool:
        """Whether the run finished (``config.json``'s completion marker)."""
        return bool(self.config.get("complete", False))

    def __repr__(self) -> str:
        name = self.config.get("experiment") or self.config.get("metric") or "train"
        return f"Run({str(self.path)!r}, {name}, {len(self.arrays)} arrays, {len(self.checks)} checks)"


def load(directory: PathLike) -> Run:
    """The run in ``directory`` (see :class:`Run`)."""
    return Run(directory)


def _cell(text: str) -> Any:
    if text == "":
        return text
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _structured(header: list[str], rows: list[list[str]]) -> np.ndarray:
    columns = list(zip(*rows)) if rows else [() for _ in header]
    dtypes: list[tuple[str, Any]] = []
    values: list[list[Any]] = []
    for name, column in zip(header, columns):
        parsed = [_cell(c) for c in column]
        kinds = {type(v) for v in parsed if v != ""}
        if kinds <= {bool} and kinds:
            dtype: Any = np.bool_
            parsed = [bool(v) if v != "" else False for v in parsed]
        elif kinds <= {int} and kinds and "" not in column:
            dtype = np.int64
        elif kinds <= {int, float} and kinds:
            dtype = np.float64
            parsed = [float(v) if v != "" else np.nan for v in parsed]
        else:
            dtype = f"U{max([len(c) for c in column] + [1])}"
            parsed = list(column)
        dtypes.append((name, dtype))
        values.append(parsed)
    return np.array(list(zip(*values)) if rows else [], dtype=dtypes)


def load_sweep(directory: PathLike, table: str = "sweep") -> Any:
    """A sweep's merged table: ``"sweep"`` (``sweep.csv``, one row per cell: id, axis values, seed, checks, the
    experiment's scalars) or ``"pairs"`` (``pairs.csv``), as a pandas DataFrame when pandas is importable, else a
    NumPy structured array (numbers as int64/float64, booleans as bool, the rest as strings).
    The stacked arrays are in ``load_sweep_arrays(directory)`` (``sweep.npz``)."""
    path = Path(directory) / f"{table}.csv"
    if not path.is_file():
        hint = " (run `rnndyn sweep merge DIR` once every cell is done)" if (Path(directory) / "cells").is_dir() else ""
        raise InputError(f"{path}: does not exist{hint} (allowed: a merged rnndyn sweep directory)")
    try:
        import pandas as pd  # type: ignore[import-not-found]
    except ImportError:
        pd = None
    if pd is not None:
        return pd.read_csv(path)
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        rows = [row for row in reader if row]
    return _structured(header, rows)


def load_sweep_arrays(directory: PathLike) -> dict[str, np.ndarray]:
    """``sweep.npz``: the axis values, seeds, every scalar over ``[axes…, seed]`` and the stacked ``data_<name>``
    arrays (and ``pair_<metric>`` with a pairs stage), read at once."""
    path = Path(directory) / "sweep.npz"
    if not path.is_file():
        raise InputError(f"{path}: does not exist (allowed: a merged rnndyn sweep directory)")
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}
