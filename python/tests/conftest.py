"""Shared fixtures: the CLI, small seeded inputs, and helpers to run the CLI on the same arrays.

Run from the repository root with the debug build:

    RNNDYN_LIBRARY=.build/debug/libRNNDynC.so RNNDYN_CLI=.build/debug/rnndyn python -m pytest python/tests
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

# `rnndyn compare`, `rnndyn ntk` and the library run OpenBLAS with one thread whatever the environment (the project's
# policy); the CLI runs here say so too, and test_metrics checks that a CLI run without it gives the same bytes.
os.environ["OPENBLAS_NUM_THREADS"] = "1"

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the package from the source tree unless it is installed

import rnndyn  # noqa: E402
from rnndyn.runs import cli_path  # noqa: E402

ERROR_PREFIX = "rnndyn: error: "


@pytest.fixture(scope="session")
def cli() -> str:
    """The rnndyn binary (RNNDYN_CLI, else the package's search order)."""
    return cli_path()


@pytest.fixture(scope="session", autouse=True)
def _library_loads() -> None:
    """Every test needs the library: fail loudly (not skip) when it does not load."""
    rnndyn._native.library()


def tanh_trajectories(rng: np.random.Generator, networks: int, trials: int, steps: int, units: int) -> np.ndarray:
    """``[networks, trials, steps, units]`` states of noise-driven random tanh RNNs with gains 0.5 … 0.95."""
    out = np.empty((networks, trials, steps, units))
    for k in range(networks):
        gain = 0.5 + 0.45 * k / max(networks - 1, 1)
        w = rng.standard_normal((units, units)) * gain / np.sqrt(units)
        h = rng.standard_normal((trials, units)) * 0.3
        for t in range(steps):
            if t > 0:
                h = np.tanh(h @ w.T + 0.3 * rng.standard_normal((trials, units)))
            out[k, :, t] = h
    return out


@pytest.fixture(scope="session")
def trajectories() -> np.ndarray:
    """4 networks × 8 trials × 20 steps × 6 units, seeded."""
    return tanh_trajectories(np.random.default_rng(17), 4, 8, 20, 6)


@pytest.fixture(scope="session")
def weights() -> np.ndarray:
    """4 random recurrent matrices 6 × 6, seeded."""
    return np.random.default_rng(18).standard_normal((4, 6, 6)) / np.sqrt(6)


def save(directory: Path, name: str, **arrays: Any) -> str:
    """``np.savez`` into ``directory/name.npz``; returns the path."""
    path = directory / f"{name}.npz"
    np.savez(path, **arrays)
    return str(path)


def run_cli(cli: str, *args: str, expect: int = 0, blas_threads: str | None = "1") -> subprocess.CompletedProcess[str]:
    """Runs the CLI (``OPENBLAS_NUM_THREADS=blas_threads``, unset when None); asserts its exit status."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if blas_threads is not None:
        env["OPENBLAS_NUM_THREADS"] = blas_threads
    proc = subprocess.run([cli, *args], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    assert proc.returncode == expect, f"rnndyn {' '.join(args)} exited {proc.returncode}: {proc.stderr}"
    return proc


def cli_error(cli: str, *args: str) -> str:
    """The CLI's one-line error (after ``rnndyn: error: ``) for a call that must exit with status 2."""
    proc = run_cli(cli, *args, expect=2)
    lines = [line for line in proc.stderr.splitlines() if line.startswith(ERROR_PREFIX)]
    assert len(lines) == 1, proc.stderr
    return lines[0][len(ERROR_PREFIX):]


def cli_compare(cli: str, out: Path, metric: str, files: list[str], *options: str) -> dict[str, np.ndarray]:
    """``rnndyn compare METRIC FILES… OPTIONS --out OUT``; returns distances.npz."""
    run_cli(cli, "compare", metric, *files, *options, "--out", str(out))
    with np.load(out / "distances.npz") as data:
        return {k: data[k] for k in data.files}


def after_source(message: str, source: str) -> str:
    """The part of an error line after its source (``file.npz[key]`` / ``trajectories[1][key]``)."""
    assert message.startswith(source), f"{message!r} does not start with {source!r}"
    return message[len(source):]


def identical(a: np.ndarray, b: np.ndarray) -> bool:
    """Same shape, dtype float64 and the same bytes."""
    return a.dtype == np.float64 and b.dtype == np.float64 and a.shape == b.shape and np.array_equal(a, b) \
        and np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes()
