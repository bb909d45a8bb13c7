"""Every bad-input path raises InputError with the CLI's one line for the same input.

Where the message names the input, the library says `trajectories[1][hidden]` (or `weights[1][W_h]`,
`network[W_x]`) where the CLI says `FILE.npz[hidden]`: the parts after the source are compared.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import pytest

import rnndyn
from conftest import after_source, cli_error, save


def python_error(call: Callable[[], object]) -> str:
    with pytest.raises(rnndyn.InputError) as error:
        call()
    message = str(error.value)
    assert isinstance(error.value, ValueError) and isinstance(error.value, rnndyn.RnndynError)
    assert "\n" not in message and message
    return message


def two_files(tmp: Path, first: np.ndarray, second: np.ndarray, key: str = "hidden") -> list[str]:
    return [save(tmp, "a", **{key: first}), save(tmp, "b", **{key: second})]


def test_complex_dtype(cli: str, trajectories: np.ndarray, tmp_path: Path) -> None:
    bad = trajectories[1].astype(np.complex128)
    message = python_error(lambda: rnndyn.dsa([trajectories[0], bad]))
    files = two_files(tmp_path, trajectories[0], bad)
    expected = cli_error(cli, "compare", "dsa", *files, "--out", str(tmp_path / "o"))
    assert after_source(message, "trajectories[1][hidden]") == after_source(expected, f"{files[1]}[hidden]")
    assert message.endswith("has dtype <c16 (allowed: float64 <f8, or float32 <f4 widened exactly)")


@pytest.mark.parametrize("bad", [np.array([["a", "b"]]), np.array([[None, 1]], dtype=object),
                                 np.zeros((2, 3, 4), dtype=np.complex64), np.zeros((2, 3, 4), dtype="datetime64[s]")])
def test_non_real_dtypes_are_refused_before_the_call(trajectories: np.ndarray, bad: np.ndarray) -> None:
    message = python_error(lambda: rnndyn.cka([trajectories[0], bad]))
    assert message.startswith("trajectories[1][hidden]: has dtype ")


def test_wrong_rank(cli: str, trajectories: np.ndarray, tmp_path: Path) -> None:
    flat = trajectories[1][0]
    message = python_error(lambda: rnndyn.dsa([trajectories[0], flat]))
    files = two_files(tmp_path, trajectories[0], flat)
    expected = cli_error(cli, "compare", "dsa", *files, "--out", str(tmp_path / "o"))
    assert after_source(message, "trajectories[1][hidden]") == after_source(expected, f"{files[1]}[hidden]")
    # a 5-D stack, an empty axis, and a time-first layout's wording
    assert "has shape [1, 4, 8, 20, 6]" in python_error(lambda: rnndyn.cka(trajectories[None]))
    empty = np.zeros((0, 20, 6))
    files = two_files(tmp_path, trajectories[0], empty)
    expected = cli_error(cli, "compare", "cka", *files, "--layout", "time-trials-units", "--out", str(tmp_path / "o2"))
    message = python_error(lambda: rnndyn.cka([trajectories[0], empty], layout="time-trials-units"))
    assert after_source(message, "trajectories[1][hidden]") == after_source(expected, f"{files[1]}[hidden]")


def test_wrong_weight_rank(cli: str, weights: np.ndarray, tmp_path: Path) -> None:
    message = python_error(lambda: rnndyn.pif([weights[0], weights[1][0]]))
    files = two_files(tmp_path, weights[0], weights[1][0], key="W_h")
    expected = cli_error(cli, "compare", "pif", *files, "--out", str(tmp_path / "o"))
    assert after_source(message, "weights[1][W_h]") == after_source(expected, f"{files[1]}[W_h]")


def test_single_network(cli: str, trajectories: np.ndarray, tmp_path: Path) -> None:
    message = python_error(lambda: rnndyn.dsa([trajectories[0]]))
    expected = cli_error(cli, "compare", "dsa", save(tmp_path, "a", hidden=trajectories[0]), "--out", str(tmp_path / "o"))
    assert message == expected
    assert python_error(lambda: rnndyn.dsa(trajectories[0])) == expected  # one 3-D array is one network


def test_mismatched_units_and_steps(cli: str, weights: np.ndarray, trajectories: np.ndarray, tmp_path: Path) -> None:
    small = weights[1][:5, :5]
    message = python_error(lambda: rnndyn.pif([weights[0], small], labels=["a", "b"]))
    files = two_files(tmp_path, weights[0], small, key="W_h")
    expected = cli_error(cli, "compare", "pif", *files, "--labels", "a,b", "--out", str(tmp_path / "o"))
    assert after_source(message, "weights[1][W_h]") == after_source(expected, f"{files[1]}[W_h]")
    assert "b has 5 units but a has 6" in message
    short = np.ascontiguousarray(trajectories[1][:, :15])
    message = python_error(lambda: rnndyn.cka([trajectories[0], short], labels="a,b"))
    files = two_files(tmp_path, trajectories[0], short)
    expected = cli_error(cli, "compare", "cka", *files, "--labels", "a,b", "--out", str(tmp_path / "o2"))
    assert after_source(message, "trajectories[1][hidden]") == after_source(expected, f"{files[1]}[hidden]")


def test_nan_entry(cli: str, trajectories: np.ndarray, tmp_path: Path) -> None:
    bad = trajectories[1].copy()
    bad[2, 3, 4] = np.nan
    message = python_error(lambda: rnndyn.dsa([trajectories[0], bad]))
    files = two_files(tmp_path, trajectories[0], bad)
    expected = cli_error(cli, "compare", "dsa", *files, "--out", str(tmp_path / "o"))
    assert after_source(message, "trajectories[1][hidden]") == after_source(expected, f"{files[1]}[hidden]")
    assert message.endswith("entry [2, 3, 4] is nan (allowed: finite values)")
    stack = trajectories.copy()
    stack[1, 0, 0, 0] = np.inf
    message = python_error(lambda: rnndyn.cka(stack))
    expected = cli_error(cli, "compare", "cka", save(tmp_path, "s", hidden=stack), "--out", str(tmp_path / "o2"))
    assert after_source(message, "trajectories[hidden]") == after_source(expected, f"{tmp_path / 's.npz'}[hidden]")


@pytest.mark.parametrize("metric,options,flags", [
    ("dsa", {"foo": 1}, ["--foo", "1"]),                           # unknown option
    ("dsa", {"score": "bogus"}, ["--score", "bogus"]),             # bad option value
    ("dsa", {"rank": 0}, ["--rank", "0"]),
    ("dsa", {"ridge": -1.5}, ["--ridge", "-1.5"]),
    ("pif", {"barycenter_start": "maybe"}, ["--barycenter-start", "maybe"]),
    ("procrustes", {"alpha": 2.0}, ["--alpha", "2.0"]),
    ("cka", {"n_delays": 3}, ["--n-delays", "3"]),                 # another metric's option
    ("nope", {}, []),                                              # unknown metric
])
def test_options_and_metric(cli: str, trajectories: np.ndarray, weights: np.ndarray, tmp_path: Path, metric: str,
                            options: dict, flags: list[str]) -> None:
    inputs = weights[:2] if metric == "pif" else trajectories[:2]
    key = "W_h" if metric == "pif" else "hidden"
    message = python_error(lambda: rnndyn.compare(metric, inputs, **options))
    expected = cli_error(cli, "compare", metric, *two_files(tmp_path, inputs[0], inputs[1], key=key), *flags,
                         "--out", str(tmp_path / "o"))
    assert message == expected


@pytest.mark.parametrize("kwargs,flags", [
    ({"layout": "sideways"}, ["--layout", "sideways"]),
    ({"labels": ["x"]}, ["--labels", "x"]),
    ({"labels": "x,x"}, ["--labels", "x,x"]),
    ({"threads": 0}, ["--threads", "0"]),
    ({"mds_dimensions": 3}, ["--mds-dimensions", "3"]),
    ({"mds_dimensions": 0}, ["--mds-dimensions", "0"]),
])
def test_call_arguments(cli: str, trajectories: np.ndarray, tmp_path: Path, kwargs: dict, flags: list[str]) -> None:
    x = trajectories[:2]
    message = python_error(lambda: rnndyn.cka(list(x), **kwargs))
    files = two_files(tmp_path, x[0], x[1])
    expected = cli_error(cli, "compare", "cka", *files, *flags, "--out", str(tmp_path / "o"))
    assert message == expected


def test_python_side_argument_errors(trajectories: np.ndarray) -> None:
    assert "--seed" in python_error(lambda: rnndyn.cka(trajectories[:2], seed=-1))
    assert "--seed" in python_error(lambda: rnndyn.cka(trajectories[:2], seed=2**64))
    assert "--threads" in python_error(lambda: rnndyn.cka(trajectories[:2], threads=2**40))
    assert "restarts" in python_error(lambda: rnndyn.dsa(trajectories[:2], restarts=2, max_fits=3))
    assert "option value" in python_error(lambda: rnndyn.compare("dsa", trajectories[:2], rank=[4]))
    assert "NUL" in python_error(lambda: rnndyn.cka(trajectories[:2], labels="a\x00,b"))
    with pytest.raises(TypeError):
        rnndyn.dsa(trajectories[:2], n_delay=3)  # a misspelt keyword of a typed function


def test_task_knob_matches_train(cli: str, tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[2]
    config = str(repo / "examples" / "huang2025" / "flip_flop.json")
    for knob, value, text in [("p_switch", 2.0, "2.0"), ("channels", 0, "0"), ("target_coding", "ternary", '"ternary"')]:
        message = python_error(lambda: rnndyn.tasks.flip_flop(4, **{knob: value}))
        expected = cli_error(cli, "train", "--config", config, "--set", f"data.{knob}={text}", "--out",
                             str(tmp_path / "o"))
        assert message.startswith(f"flip_flop.{knob}: ")
        assert after_source(message, f"flip_flop.{knob}") == after_source(expected, f"config.data.{knob}")
    # A misspelt knob: both name it as an unknown key; the task's list of knobs is the allowed one (train's data
    # object also allows its own keys, such as batch_size, so the two lists differ there).
    message = python_error(lambda: rnndyn.tasks.flip_flop(4, p_swtich=0.1))
    expected = cli_error(cli, "train", "--config", config, "--set", "data.p_swtich=0.1", "--out", str(tmp_path / "o"))
    assert message.startswith("flip_flop.p_swtich: unknown key (allowed here: ") and "p_switch" in message
    assert expected.startswith("config.data.p_swtich: unknown key (allowed here: ") and "p_switch" in expected


N_H, N_X, N_Y = 4, 2, 3


def ntk_arrays(**changes: np.ndarray) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(3)
    arrays = {"W_x": rng.standard_normal((N_H, N_X)), "W_h": rng.standard_normal((N_H, N_H)) * 0.3,
              "W_y": rng.standard_normal((N_Y, N_H)), "inputs": rng.standard_normal((3, 5, N_X))}
    arrays.update(changes)
    return arrays


@pytest.mark.parametrize("changes,source", [
    ({"W_x": np.ones((N_H + 1, N_X))}, "W_x"),                 # rows differ from W_h
    ({"W_y": np.ones((N_Y, N_H + 2))}, "W_y"),
    ({"W_h": np.ones((N_H, N_H + 1))}, "W_h"),                 # not square
    ({"inputs": np.ones((3, 5, N_X + 1))}, "inputs"),          # N_x differs from W_x
    ({"inputs": np.ones((5, N_X))}, "inputs"),                 # wrong rank (checked in Python)
    ({"W_h": np.ones((N_H, N_H, 1))}, "W_h"),
    ({"W_x": np.ones((N_H, N_X), dtype=np.complex128)}, "W_x"),  # dtype (checked in Python)
    ({"inputs": np.full((3, 5, N_X), np.nan)}, "inputs"),
    ({"W_y": np.ones((0, N_H))}, "W_y"),
])
def test_ntk_bad_shapes(cli: str, tmp_path: Path, changes: dict, source: str) -> None:
    arrays = ntk_arrays(**changes)
    message = python_error(lambda: rnndyn.ntk(arrays["W_x"], arrays["W_h"], arrays["W_y"], arrays["inputs"]))
    path = save(tmp_path, "net", **arrays)
    expected = cli_error(cli, "ntk", path, "--out", str(tmp_path / "o"))
    assert after_source(message, f"network[{source}]") == after_source(expected, f"{path}[{source}]")


@pytest.mark.parametrize("kwargs,flags", [
    ({"readout": "sometimes"}, ["--readout", "sometimes"]),
    ({"blocks": ("wx", "wz")}, ["--blocks", "wx,wz"]),
    ({"blocks": "wy,wx"}, ["--blocks", "wy,wx"]),  # a string goes to the library as given: the CLI's message
])
def test_ntk_options(cli: str, tmp_path: Path, kwargs: dict, flags: list[str]) -> None:
    arrays = ntk_arrays()
    path = save(tmp_path, "net", **arrays)
    message = python_error(lambda: rnndyn.ntk(arrays["W_x"], arrays["W_h"], arrays["W_y"], arrays["inputs"], **kwargs))
    assert message == cli_error(cli, "ntk", path, *flags, "--out", str(tmp_path / "o"))


def test_ntk_block_sequences_are_sets() -> None:
    arrays = ntk_arrays()
    args = (arrays["W_x"], arrays["W_h"], arrays["W_y"], arrays["inputs"])
    assert np.array_equal(rnndyn.ntk(*args, blocks=("wy", "wx")), rnndyn.ntk(*args, blocks="wx,wy"))
    assert not np.array_equal(rnndyn.ntk(*args, blocks=("wy",)), rnndyn.ntk(*args, blocks="wx,wy"))


def test_labels_empty_dicts_and_wide_floats_are_refused(trajectories: np.ndarray, weights: np.ndarray) -> None:
    assert python_error(lambda: rnndyn.cka(trajectories[:3], labels=["a,b", "c", "d"])).startswith(
        "--labels: 'a,b' contains a comma")
    assert python_error(lambda: rnndyn.pif([{}, {}])).startswith("weights[0]: holds no arrays")
    assert "does not round-trip" in python_error(lambda: rnndyn.dsa(trajectories[:2], ridge=np.longdouble(1e-8)))
