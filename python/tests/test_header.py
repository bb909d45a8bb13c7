"""The C header documents exactly the functions the library exports and the binding uses."""

from __future__ import annotations

import ctypes
import re
import subprocess
from pathlib import Path

from rnndyn import _native

HEADER = Path(__file__).resolve().parents[2] / "Sources" / "RNNDynC" / "rnndyn.h"


def declared() -> set[str]:
    return set(re.findall(r"\b(rnndyn_[a-z_]+)\s*\(", HEADER.read_text(encoding="utf-8")))


def test_every_declared_function_is_exported_and_nothing_else() -> None:
    names = declared()
    assert len(names) == 14, sorted(names)
    library = ctypes.CDLL(str(_native.library_path()))
    for name in names:
        assert hasattr(library, name), name
    exported = subprocess.run(["nm", "-D", "--defined-only", str(_native.library_path())], capture_output=True, text=True,
                              check=True).stdout
    interface = {m for m in re.findall(r" T (rnndyn_[a-z_]+)$", exported, re.M)
                 if m.startswith(("rnndyn_result_", "rnndyn_compare", "rnndyn_ntk", "rnndyn_task", "rnndyn_version",
                                  "rnndyn_metrics"))}
    assert interface == names


def test_the_binding_declares_every_header_function() -> None:
    source = Path(_native.__file__).read_text(encoding="utf-8")
    for name in declared():
        assert f'"{name}"' in source or f".{name}" in source, name
