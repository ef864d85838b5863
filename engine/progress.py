"""Progress of long one-shot work (exports), and how it is cancelled.

A writer takes ``progress(done, total)``; the caller's callback may raise :class:`Cancelled` to
stop it. Writers write through ``engine/atomic.py``, so a cancelled export leaves nothing behind:
the exception unwinds through the atomic writer, which discards its temporary file."""

from __future__ import annotations

from typing import Callable

Progress = Callable[[int, int], None]


class Cancelled(Exception):
    """The user stopped the work; nothing it was writing was kept."""


def report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
