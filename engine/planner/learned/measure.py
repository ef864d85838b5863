"""Measures of a sampled camera the learned planner is judged by: when its move starts, how smooth it is."""

from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation


def onset_frame(c2w: np.ndarray, focal: np.ndarray, scale: float, fraction: float = 0.2) -> int:
    """First frame whose motion (translation in units of ``scale``, rotation in radians and zoom in
    ln focal, per frame, summed) reaches ``fraction`` of the shot's top; -1 for a camera that never moves."""
    c2w = np.asarray(c2w)
    t = np.linalg.norm(np.diff(c2w[:, :3, 3], axis=0), axis=1) / scale
    r = (Rotation.from_matrix(c2w[1:, :3, :3]) * Rotation.from_matrix(c2w[:-1, :3, :3]).inv()).magnitude()
    z = np.abs(np.diff(np.log(np.asarray(focal, float))))
    m = t + r + z
    if m.max() <= 1e-9:
        return -1
    return int(np.argmax(m >= fraction * m.max()))


def mean_square_jerk(positions: np.ndarray, fps: float) -> float:
    """Mean over frames of |d^3 x / dt^3|^2 (units of the positions per s^3, squared)."""
    j = np.diff(np.asarray(positions, float), n=3, axis=0) * fps**3
    return float(np.mean(np.sum(j**2, axis=1))) if len(j) else 0.0
