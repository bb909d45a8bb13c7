"""Seeded trials of the solution-degeneracy paper's four tasks (Huang et al. 2025), for PyTorch or NumPy code.

Every generator returns a :class:`TaskTrials` whose ``inputs``, ``targets`` and ``mask`` are float64 ``[T, B, d]``
arrays (time first, PyTorch ``nn.RNN``'s default layout; ``mask`` is 1 where the loss scores the entry), plus the
task's ``parameters`` (every knob, derived sizes, the seed and the stream path). Unpacking gives the three arrays::

    x, y, mask = rnndyn.tasks.flip_flop(64, seed=1, channels=3)
    x = torch.from_numpy(x)          # [T, B, 3], float64 (use .float() for float32 models)

Knobs are the snake_case names of ``rnndyn train``'s ``data.*`` keys (``rnndyn describe train``; README, task library);
unset knobs take the task's defaults. A bad or unknown knob raises :class:`rnndyn.InputError` naming
``<task>.<knob>`` and the allowed values. Trials come from the stream ``tasks/<task>`` of ``seed`` (the same seed gives
bit-identical arrays); ``ood=True`` also draws the out-of-distribution variant's trials (doubled trial length, or
doubled delay for discrimination) from its child ``ood``, as ``.ood``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Iterator, Optional

import numpy as np

from ._json import json_value
from . import _native
from ._errors import InputError

__all__ = ["TaskTrials", "generate", "flip_flop", "delayed_discrimination", "sine_wave", "path_integration", "TASKS"]

#: The task names the library knows.
TASKS = ("flip_flop", "delayed_discrimination", "sine_wave", "path_integration")


@dataclass(frozen=True)
class TaskTrials:
    """Trials of one task: ``inputs`` [T, B, d_in], ``targets`` [T, B, d_out], ``mask`` [T, B, d_out] (float64, C order),
    ``parameters`` (knobs, sizes, seed, stream path) and, when asked for, the ``ood`` trials (a :class:`TaskTrials`
    with the same parameters). Iterating yields ``inputs, targets, mask``."""

    inputs: np.ndarray
    targets: np.ndarray
    mask: np.ndarray
    parameters: dict[str, Any] = field(default_factory=dict)
    ood: Optional["TaskTrials"] = None

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter((self.inputs, self.targets, self.mask))

    @property
    def shape(self) -> tuple[int, int]:
        """``(T, B)``: time steps and trials."""
        return int(self.inputs.shape[0]), int(self.inputs.shape[1])


def knobs_json(task: str, knobs: dict[str, Any]) -> str:
    """The knobs as a JSON object with exact numbers (floats in shortest round-trip form)."""
    for name, value in knobs.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError(f"{task}.{name}: {value} is not a finite number (allowed: finite numbers)")
    try:
        return json.dumps(knobs, default=json_value, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise InputError(f"{task}: a knob is not a JSON value ({error}) (allowed: numbers, booleans, strings)") from None


def generate(task: str, trials: int = 64, *, seed: int = 0, ood: bool = False, **knobs: Any) -> TaskTrials:
    """``trials`` trials of ``task`` (one of :data:`TASKS`) with ``knobs``, drawn from ``seed``; see the module
    docstring. Raises :class:`rnndyn.InputError` for an unknown task, a bad trial count or a bad/unknown knob."""
    parameters, arrays = _native.call_task(task, knobs_json(task, knobs), seed, trials, bool(ood))
    params = dict(parameters) if isinstance(parameters, dict) else {}
    oods = None
    if "ood_inputs" in arrays:
        oods = TaskTrials(arrays["ood_inputs"], arrays["ood_targets"], arrays["ood_mask"], params)
    return TaskTrials(arrays["inputs"], arrays["targets"], arrays["mask"], params, oods)


def flip_flop(trials: int = 64, *, seed: int = 0, ood: bool = False, **knobs: Any) -> TaskTrials:
    """K-bit flip-flop: each channel's output holds the sign of its last pulse.

    Knobs (defaults): ``channels`` 3, ``trial_length`` 100, ``p_switch`` 0.3 (pulse probability per channel per step),
    ``forced_first_pulse`` True (every channel pulses at t = 0), ``target_coding`` ``"signed"`` (±1) or ``"binary"``,
    ``masked_transition`` 0 (steps masked after each pulse). Loss threshold of the paper: 0.001."""
    return generate("flip_flop", trials, seed=seed, ood=ood, **knobs)


def delayed_discrimination(trials: int = 64, *, seed: int = 0, ood: bool = False, **knobs: Any) -> TaskTrials:
    """Delayed discrimination: two pulses of amplitudes f1, f2 separated by a delay; answer sign(f2 − f1).

    Knobs (defaults): ``channels`` 1, ``frequency_min`` 2, ``frequency_max`` 10, ``delay_min`` 5, ``delay_max`` 20,
    ``stimulus_onset`` 5, ``pulse_width`` 1, ``response_steps`` 10, ``auxiliary_output`` False (adds
    |f2 − f1| / (f_max − f_min)), ``score_response_only`` False. OOD: doubled delay. Threshold 0.01."""
    return generate("delayed_discrimination", trials, seed=seed, ood=ood, **knobs)


def sine_wave(trials: int = 64, *, seed: int = 0, ood: bool = False, **knobs: Any) -> TaskTrials:
    """Sine-wave generation: a static frequency cue, target sin(2π f k·dt).

    Knobs (defaults): ``channels`` 1, ``frequency_count`` 10 (evenly over [``frequency_min`` 1, ``frequency_max``
    30]), ``trial_length`` 100, ``dt`` 0.01, ``input_coding`` ``"scalar"`` (f / f_max) or ``"oneHot"``. Threshold
    0.05."""
    return generate("sine_wave", trials, seed=seed, ood=ood, **knobs)


def path_integration(trials: int = 64, *, seed: int = 0, ood: bool = False, **knobs: Any) -> TaskTrials:
    """Path integration in 2-D or 3-D: integrate heading and speed into position.

    Knobs (defaults): ``dimension`` 2 (or 3), ``trial_length`` 100, ``boundary`` 5, ``start_half_width`` 5 (start
    given as inputs at t = 0), ``max_speed`` 0.5, ``boundary_rule`` ``"clip"`` or ``"reflect"``, ``angle_coding``
    ``"cosSin"`` or ``"radians"``. Threshold 0.05."""
    return generate("path_integration", trials, seed=seed, ood=ood, **knobs)
