"""Exceptions raised by rnndyn (shared by the library calls and the CLI wrappers)."""

from __future__ import annotations

__all__ = ["RnndynError", "InputError"]


class RnndynError(RuntimeError):
    """A failure inside rnndyn (library status 1, or a CLI exit status other than 0 and 2).

    ``str(error)`` is the one line rnndyn printed (for the CLI, the text after ``rnndyn: error: ``).
    ``status`` is the library status or the CLI's exit status when there is one, else ``None``.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message: str = message
        self.status: int | None = status


class InputError(RnndynError, ValueError):
    """Bad input: a wrong dtype, rank, shape, value, option, knob or name (library status 2, CLI exit status 2).

    The message is the same one line the CLI prints after ``rnndyn: error: `` for the same input, naming the array
    (``trajectories[1][hidden]`` where the CLI names ``file.npz[hidden]``), key or option and the allowed values.
    """
