"""Waveform peaks for drawing: per pixel column the lowest and highest sample under it."""

from __future__ import annotations

import numpy as np


def peaks(samples: np.ndarray, columns: int) -> np.ndarray:
    """(columns, 2) of (min, max) over equal slices of mono ``samples``: what a waveform draws, so
    a click one sample long still shows (a mean or a decimation would lose it)."""
    samples = np.asarray(samples, np.float32).reshape(-1)
    columns = max(int(columns), 1)
    out = np.zeros((columns, 2), np.float32)
    if samples.size == 0:
        return out
    starts = np.minimum(np.linspace(0, samples.size, columns + 1)[:-1].astype(np.int64), samples.size - 1)
    # reduceat over the slice starts gives each slice's min / max in one pass; a repeated start
    # (more columns than samples) reads the one sample there.
    out[:, 0] = np.minimum.reduceat(samples, starts)
    out[:, 1] = np.maximum.reduceat(samples, starts)
    return out
