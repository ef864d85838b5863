"""Trajectory normalisation of the camera-trajectory patent (seed 003), and its 9-D state.

Poses become relative to the first frame (R0^T Ri, R0^T (ti - t0)); translations are scaled so that
the farthest camera is at distance 1 from the first; focal lengths become focal / film width and
focal / film height. The 9-D state per frame is quaternion (x, y, z, w), translation, fx, fy.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation

from engine.camera.conventions import invert_poses


def relative_to_first(c2w: np.ndarray) -> np.ndarray:
    """Poses expressed in the first camera's frame: the first becomes the identity."""
    c2w = np.asarray(c2w, float)
    return invert_poses(c2w[0])[None] @ c2w


def normalize_translation(c2w: np.ndarray, min_extent: float = 1e-9) -> tuple[np.ndarray, float]:
    """Relative poses with the largest distance from the first camera scaled to 1.

    Returns the poses and the scale that was divided out (1.0 for a camera that never moves).
    """
    rel = relative_to_first(c2w)
    extent = float(np.linalg.norm(rel[:, :3, 3], axis=1).max())
    scale = extent if extent > min_extent else 1.0
    rel[:, :3, 3] /= scale
    return rel, scale


def to_state9(c2w: np.ndarray, focal_mm: np.ndarray, film_back_mm) -> np.ndarray:
    """(N,9) patent state: quaternion, normalised translation, focal / film width, focal / film height."""
    rel, _ = normalize_translation(c2w)
    focal = np.broadcast_to(np.asarray(focal_mm, float), (len(rel),))
    quat = Rotation.from_matrix(rel[:, :3, :3]).as_quat(canonical=True)  # q and -q are one rotation: one state
    return np.concatenate(
        [quat, rel[:, :3, 3], (focal / film_back_mm[0])[:, None], (focal / film_back_mm[1])[:, None]], axis=1
    )


def from_state9(state: np.ndarray, film_back_mm) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`to_state9` up to the first pose and the scale: (c2w (N,4,4), focal_mm (N,))."""
    state = np.asarray(state, float)
    c2w = np.tile(np.eye(4), (len(state), 1, 1))
    c2w[:, :3, :3] = Rotation.from_quat(state[:, :4]).as_matrix()
    c2w[:, :3, 3] = state[:, 4:7]
    return c2w, state[:, 7] * film_back_mm[0]
