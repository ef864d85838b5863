"""The model's coarse time grid: it predicts every ``stride``-th frame of a segment and a natural cubic
spline through those knots gives the frames between.

A camera move is smooth, so 21 knots say everything 81 frames do; the transformer then works on a
quarter of the tokens (a quarter of the cost in training and in the app), and the spline's frames
are smooth by construction (its third derivative is piecewise constant), which is what the patent's
smoothness losses ask of the per-frame path. The spline is a fixed linear map, so the per-frame
losses are computed through it and the sampler applies the same matrix.
"""

from __future__ import annotations

import numpy as np


def knot_count(frames: int, stride: int) -> int:
    if (frames - 1) % stride:
        raise ValueError(f"{frames} frames do not fall on a grid of every {stride}th frame")
    return (frames - 1) // stride + 1


def upsample_matrix(frames: int, stride: int) -> np.ndarray:
    """(frames, knots) matrix U: U @ knot values = the natural cubic spline through them at every frame."""
    n = knot_count(frames, stride)
    if n < 3:
        t = np.arange(frames) / stride
        return np.stack([1 - t / max(n - 1, 1), t / max(n - 1, 1)], axis=1)[:, :n]
    # Second derivatives M of the natural spline (unit knot spacing): M_0 = M_{n-1} = 0 and
    # M_{i-1} + 4 M_i + M_{i+1} = 6 (y_{i-1} - 2 y_i + y_{i+1}) inside -- linear in y.
    a = np.zeros((n, n))
    b = np.zeros((n, n))
    a[0, 0] = a[-1, -1] = 1.0
    for i in range(1, n - 1):
        a[i, i - 1 : i + 2] = [1.0, 4.0, 1.0]
        b[i, i - 1 : i + 2] = [6.0, -12.0, 6.0]
    m = np.linalg.solve(a, b)  # (n, n): M = m @ y
    out = np.zeros((frames, n))
    for f in range(frames):
        t = f / stride
        i = min(int(t), n - 2)
        u = t - i
        out[f, i] += 1 - u
        out[f, i + 1] += u
        out[f] += ((1 - u) ** 3 - (1 - u)) / 6.0 * m[i] + (u**3 - u) / 6.0 * m[i + 1]
    return out
