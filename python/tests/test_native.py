"""Loading the library: the search order, the error when nothing loads, and calls that need no file on disk."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

import rnndyn
from rnndyn import _native
from conftest import identical

PACKAGE = Path(rnndyn.__file__).resolve().parent


def test_search_order(monkeypatch) -> None:
    monkeypatch.setenv("RNNDYN_LIBRARY", "/somewhere/libRNNDynC.so")
    labels = [label for label, _ in _native.library_candidates()]
    assert labels == ["RNNDYN_LIBRARY", "installed with the package", "repository release build", "repository debug build"]
    monkeypatch.setenv("RNNDYN_CLI", "/somewhere/rnndyn")
    assert [label for label, _ in rnndyn.runs.cli_candidates()][:4] == [
        "RNNDYN_CLI", "installed with the package", "repository release build", "repository debug build"]


def test_import_without_library_and_the_error_listing_every_path(tmp_path: Path) -> None:
    copy = tmp_path / "site" / "rnndyn"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("_lib", "_bin", "__pycache__"))
    bogus = tmp_path / "not-a-library.so"
    bogus.write_text("not an ELF file")
    code = ("import rnndyn\n"
            "try:\n    rnndyn.version()\nexcept rnndyn.RnndynError as e:\n    print('ERROR', e)\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "site"), RNNDYN_LIBRARY=str(bogus))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    line = out.stdout.strip()
    assert line.startswith("ERROR libRNNDynC.so could not be loaded (tried: ")
    assert str(bogus) in line and str(copy / "_lib" / "libRNNDynC.so") in line and "RNNDYN_LIBRARY" in line


def test_in_memory_arrays_never_touch_files_named_like_groups(trajectories: np.ndarray, tmp_path: Path,
                                                               monkeypatch) -> None:
    """Group names play the role of file paths in messages only: a file called `trajectories[0]` in the working
    directory is never read."""
    expected = rnndyn.cka(list(trajectories[:3]))
    monkeypatch.chdir(tmp_path)
    for k in range(3):
        np.save(tmp_path / f"trajectories[{k}].npy", np.zeros((2, 2)))
        (tmp_path / f"trajectories[{k}]").write_text("garbage")
    assert identical(rnndyn.cka(list(trajectories[:3])), expected)
    d, info = rnndyn.dsa(list(trajectories[:2]), rank=4, iters=50, info=True)
    assert d.shape == (2, 2) and info["inputs"][0]["shape"] == [8, 20, 6]


def test_results_are_fresh_arrays(trajectories: np.ndarray) -> None:
    a = rnndyn.cka(trajectories[:3])
    b = rnndyn.cka(trajectories[:3])
    assert a.flags.owndata and a.flags.writeable and a is not b
    a[0, 1] = 99.0
    assert b[0, 1] != 99.0


def test_package_version_is_the_library_version() -> None:
    assert rnndyn.__version__ == rnndyn.version()
