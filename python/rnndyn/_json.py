"""NumPy scalars and arrays as JSON values (``json.dumps(..., default=json_value)``), shared by tasks and runs."""

from __future__ import annotations

from typing import Any

import numpy as np


def json_value(value: Any) -> Any:
    """The plain Python value of a NumPy scalar or array (0-d arrays as scalars); anything else is not JSON."""
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.item() if value.ndim == 0 else value.tolist()
    raise TypeError(f"{type(value).__name__} is not a JSON value")
