"""Giving memory back after a burst: finished jobs and closed event streams leave reference cycles
(asyncio tasks, WebSocket protocol objects) and freed blocks that the C allocator keeps. Once
things have been quiet for a moment, one collection and a ``malloc_trim`` return them to the
system, so the engine's RSS comes back to where it was (benchmarks/engine_soak.py measures it).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import threading

QUIET_S = 2.0  # wait this long after the last job or stream ended, so a burst is collected once


def _malloc_trim():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim  # glibc only; elsewhere the collection alone
    except (OSError, AttributeError):
        return None


class MemoryKeeper:
    def __init__(self, quiet_s: float = QUIET_S):
        self.quiet_s = quiet_s
        self._trim = _malloc_trim()
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self.releases = 0

    def something_ended(self) -> None:
        """A job finished or a stream closed: collect once things have been quiet for ``quiet_s``."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self.quiet_s, self.release)
            self._timer.daemon = True
            self._timer.start()

    def release(self) -> None:
        gc.collect()
        if self._trim is not None:
            self._trim(0)
        self.releases += 1

    def stop(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
