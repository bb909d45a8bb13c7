"""rnndyn.tasks: shapes, determinism, OOD trials and knob errors."""

from __future__ import annotations

import numpy as np
import pytest

import rnndyn
from rnndyn import tasks


@pytest.mark.parametrize("generator,knobs,d_in,d_out,steps", [
    (tasks.flip_flop, {"channels": 2, "trial_length": 30}, 2, 2, 30),
    (tasks.sine_wave, {"trial_length": 40}, 1, 1, 40),
    (tasks.path_integration, {"dimension": 2, "trial_length": 25}, None, 2, 25),
    (tasks.delayed_discrimination, {}, 1, 1, 37),
])
def test_shapes_and_dtypes(generator, knobs: dict, d_in, d_out, steps) -> None:
    trials = generator(7, seed=1, **knobs)
    t, b = trials.shape
    assert b == 7 and (steps is None or t == steps)
    for array in trials:
        assert array.dtype == np.float64 and array.ndim == 3 and array.shape[:2] == (t, b)
        assert array.flags.c_contiguous and np.all(np.isfinite(array))
    assert trials.targets.shape == trials.mask.shape
    if d_in is not None:
        assert trials.inputs.shape[2] == d_in
    assert trials.targets.shape[2] == d_out
    assert set(np.unique(trials.mask)) <= {0.0, 1.0}
    assert trials.ood is None


def test_flip_flop_defaults_and_parameters() -> None:
    x, y, mask = tasks.flip_flop(5)
    assert x.shape == (100, 5, 3) and y.shape == (100, 5, 3) and mask.shape == (100, 5, 3)
    params = tasks.flip_flop(5, seed=2, p_switch=0.125).parameters
    assert params["seed"] in ("2", 2)
    assert "tasks" in params["stream_path"] and "flip_flop" in params["stream_path"]
    assert any(v == 0.125 for v in params.values())


def test_determinism() -> None:
    a = tasks.flip_flop(16, seed=4, channels=2)
    b = tasks.flip_flop(16, seed=4, channels=2)
    c = tasks.flip_flop(16, seed=5, channels=2)
    for u, v in zip(a, b):
        assert np.array_equal(u, v)
    assert not np.array_equal(a.inputs, c.inputs)
    s1, s2 = tasks.sine_wave(8, seed=0), tasks.sine_wave(8, seed=1)
    assert not (np.array_equal(s1.inputs, s2.inputs) and np.array_equal(s1.targets, s2.targets))


def test_ood_trials() -> None:
    trials = tasks.flip_flop(6, seed=0, ood=True, trial_length=20)
    assert trials.ood is not None
    assert trials.ood.inputs.shape == (40, 6, 3) and trials.ood.mask.shape == (40, 6, 3)
    plain = tasks.flip_flop(6, seed=0, trial_length=20)
    assert np.array_equal(plain.inputs, trials.inputs)  # the OOD draw does not disturb the trials
    dd = tasks.delayed_discrimination(4, seed=0, ood=True)
    assert dd.ood is not None and dd.ood.inputs.shape[0] > dd.inputs.shape[0]


def test_generic_generate_equals_named() -> None:
    a, b = tasks.generate("path_integration", 5, seed=3), tasks.path_integration(5, seed=3)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))


@pytest.mark.parametrize("knobs,key", [
    ({"p_switch": 2.0}, "p_switch"),
    ({"channels": 0}, "channels"),
    ({"target_coding": "ternary"}, "target_coding"),
    ({"forced_first_pulse": "yes"}, "forced_first_pulse"),
])
def test_bad_knob_raises_with_key(knobs: dict, key: str) -> None:
    with pytest.raises(rnndyn.InputError) as error:
        tasks.flip_flop(4, **knobs)
    message = str(error.value)
    assert message.startswith(f"flip_flop.{key}: ") and "\n" not in message
    assert "allowed" in message or "expected" in message


def test_unknown_knob_task_and_count() -> None:
    with pytest.raises(rnndyn.InputError, match="p_swtich"):
        tasks.flip_flop(4, p_swtich=0.2)
    with pytest.raises(rnndyn.InputError, match="flip_flip"):
        tasks.generate("flip_flip", 4)
    with pytest.raises(rnndyn.InputError, match="trials"):
        tasks.flip_flop(0)
    with pytest.raises(rnndyn.InputError, match="seed"):
        tasks.flip_flop(4, seed=-1)
    with pytest.raises(rnndyn.InputError, match="dimension"):
        tasks.path_integration(4, dimension=4)
    with pytest.raises(ValueError):  # InputError is a ValueError too
        tasks.sine_wave(4, dt=float("nan"))
