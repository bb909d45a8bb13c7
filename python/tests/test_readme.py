"""The README's Python example ("Using rnndyn from Python") runs as written and gives what its comments say."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

import rnndyn

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Using rnndyn from Python"):]
    match = re.search(r"```python\n(.*?)```\n", section, re.S)
    assert match, "the section has a python block"
    return match.group(1)


def test_the_readme_example_runs_and_matches_its_comments(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code = readme_example()
    assert len(code.strip().splitlines()) == 5, "five lines, as the issue asks"
    scope: dict = {}
    exec(compile(code, "README.md", "exec"), scope)
    D, info, trials, K, X = scope["D"], scope["info"], scope["trials"], scope["K"], scope["X"]
    assert D.shape == (5, 5) and np.all(np.diag(D) == 0) and np.array_equal(D, D.T) and np.all(D[~np.eye(5, dtype=bool)] > 0)
    assert info["metric"] == "dsa" and info["options"]["n-delays"] == 3 and len(info["pairs"]) == 10
    assert trials.inputs.shape == (100, 64, 3) and trials.targets.shape == (100, 64, 3) and trials.mask.shape == (100, 64, 3)
    assert K.shape == (3, 3) and np.allclose(K, K.T) and np.all(np.linalg.eigvalsh(K) > -1e-10)
    assert np.array_equal(D, rnndyn.dsa(X, n_delays=3, rank=8, seed=0))
