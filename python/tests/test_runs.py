"""rnndyn.run / load / train / sweep / load_sweep: what is loaded matches the files the CLI wrote."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np
import pytest

import rnndyn
from rnndyn import runs
from conftest import cli_error

EXPERIMENT = "proca2025.figA1"  # the cheapest figure (well under a second at --quick)


@pytest.fixture(scope="module")
def figure_run(tmp_path_factory: pytest.TempPathFactory) -> rnndyn.Run:
    out = tmp_path_factory.mktemp("run") / "a1"
    return rnndyn.run(EXPERIMENT, preset="quick", overrides={"steps": 500}, seed=2, out=out, threads=1)


def test_run_matches_its_files(figure_run: rnndyn.Run) -> None:
    path = figure_run.path
    with open(path / "config.json", encoding="utf-8") as handle:
        recorded = json.load(handle)
    assert figure_run.config == recorded
    assert recorded["experiment"] == EXPERIMENT and recorded["seed"] == 2 and recorded["preset"] == "quick"
    assert recorded["parameters"]["steps"] == 500 and figure_run.complete
    assert figure_run.checks == recorded["checks"] and len(figure_run.checks) >= 1
    assert all("claim" in c and "holds" in c for c in figure_run.checks)


def test_arrays_are_lazy_and_equal_the_npz(figure_run: rnndyn.Run) -> None:
    fresh = rnndyn.load(figure_run.path)
    assert fresh.arrays.loaded() == []
    with np.load(figure_run.path / "results.npz") as data:
        assert set(fresh.arrays) == set(data.files)
        first = data.files[0]
        assert np.array_equal(fresh.arrays[first], data[first]) and fresh.arrays[first].dtype == data[first].dtype
        assert fresh.arrays.loaded() == [first]
        for key in data.files:
            assert np.array_equal(fresh.arrays[key], data[key], equal_nan=True)
    with pytest.raises(KeyError, match="no_such_array"):
        fresh.arrays["no_such_array"]


def test_figures_metrics_scalars(figure_run: rnndyn.Run) -> None:
    figures = figure_run.figures
    assert figures and all(p.is_file() and p.suffix == ".svg" for p in figures.values())
    assert set(figures) == {p.stem for p in (figure_run.path / "figures").glob("*.svg")}
    with open(figure_run.path / "metrics.csv", newline="", encoding="utf-8") as handle:
        rows = {row["metric"]: row["value"] for row in csv.DictReader(handle)}
    assert set(figure_run.metrics) == set(rows)
    assert figure_run.metrics["checks_total"] == len(figure_run.checks)
    assert figure_run.scalars == {s["name"]: s["value"] for s in figure_run.config["scalars"]}


def test_run_is_reproducible_and_refuses_a_complete_directory(figure_run: rnndyn.Run, tmp_path: Path) -> None:
    again = rnndyn.run(EXPERIMENT, overrides={"steps": 500}, seed=2, out=tmp_path / "again")
    assert (again.path / "results.npz").read_bytes() == (figure_run.path / "results.npz").read_bytes()
    with pytest.raises(rnndyn.InputError):
        rnndyn.run(EXPERIMENT, overrides={"steps": 500}, seed=2, out=tmp_path / "again")
    forced = rnndyn.run(EXPERIMENT, overrides={"steps": 500}, seed=2, out=tmp_path / "again", force=True)
    assert forced.complete


def test_run_errors_carry_the_cli_line(cli: str, tmp_path: Path) -> None:
    with pytest.raises(rnndyn.InputError) as error:
        rnndyn.run(EXPERIMENT, overrides={"steps": -5}, out=tmp_path / "bad")
    assert str(error.value) == cli_error(cli, "run", EXPERIMENT, "--quick", "--set", "steps=-5", "--seed", "0",
                                         "--out", str(tmp_path / "bad2"))
    with pytest.raises(rnndyn.InputError) as error:
        rnndyn.run("proca2025.figZ9", out=tmp_path / "bad3")
    assert str(error.value) == cli_error(cli, "run", "proca2025.figZ9", "--quick", "--seed", "0", "--out",
                                         str(tmp_path / "bad4"))
    with pytest.raises(rnndyn.InputError, match="preset"):
        rnndyn.run(EXPERIMENT, preset="slow")
    assert not (tmp_path / "bad").exists()


def test_set_arguments() -> None:
    assert runs.set_arguments({"steps": 400, "training": {"learning_rate": 0.1 + 0.2}, "task": "sine_wave",
                               "flag": True, "values": [1, 2.5]}) == [
        "--set", "steps=400", "--set", "training.learning_rate=0.30000000000000004", "--set", 'task="sine_wave"',
        "--set", "flag=true", "--set", "values=[1, 2.5]"]


def test_train_run(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[2]
    run = rnndyn.train(repo / "examples" / "huang2025" / "flip_flop.json",
                       overrides={"training": {"steps": 10}, "model": {"hidden": 6},
                                  "data": {"batch_size": 4, "eval_trials": 4, "probe_trials": 4, "kernel_trials": 0}},
                       seed=1, out=tmp_path / "train")
    assert run.config["seed"] == 1 and run.checks == []
    with np.load(run.path / "results.npz") as data:
        assert np.array_equal(run.arrays["probe_hidden"], data["probe_hidden"])
    assert "train" in run.figures


def test_sweep_and_load_sweep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = {"experiment": EXPERIMENT, "preset": "quick", "overrides": {"steps": 200},
            "axes": [{"name": "learning_rate", "values": [0.01, 0.02]}], "seeds": 2}
    table = rnndyn.sweep(spec, out=tmp_path / "sw", workers=1)
    with open(tmp_path / "sw" / "sweep.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    monkeypatch.setitem(sys.modules, "pandas", None)  # force the NumPy path
    structured = rnndyn.load_sweep(tmp_path / "sw")
    assert isinstance(structured, np.ndarray) and len(structured) == len(rows) == 4
    assert list(structured.dtype.names) == list(rows[0])
    assert structured["learning_rate"].dtype == np.float64 and structured["seed"].dtype == np.int64
    assert [float(r["learning_rate"]) for r in rows] == structured["learning_rate"].tolist()
    assert [r["cell"] for r in rows] == structured["cell"].tolist()
    if not isinstance(table, np.ndarray):  # pandas was importable when sweep() ran
        assert list(table.columns) == list(rows[0]) and len(table) == 4
    arrays = rnndyn.load_sweep_arrays(tmp_path / "sw")
    with np.load(tmp_path / "sw" / "sweep.npz") as data:
        assert set(arrays) == set(data.files)
    with pytest.raises(rnndyn.InputError):
        rnndyn.load_sweep(tmp_path / "nothing")
