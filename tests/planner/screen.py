"""Where a person stands across a planned shot's frame, read from the grey box's blocking."""

from __future__ import annotations

import numpy as np

from engine.camera.interpolate import evaluate_shot
from engine.greybox.blocking import subject_track


def screen_x(project, shot, name):
    """(per frame, where ``name``'s chest is across the frame: -1 its left edge, +1 its right; their
    floor positions (N, 3))."""
    person = project.subject(name)
    track = subject_track(project, shot, person, list(range(shot.duration)))
    chest = track.positions + np.array([0.0, 0.7 * person.height, 0.0])
    path = evaluate_shot(project, shot)
    local = np.einsum("nji,nj->ni", path.c2w[:, :3, :3], chest - path.c2w[:, :3, 3])  # R^T (p - c): camera looks down -Z
    return local[:, 0] / -local[:, 2] * path.focal_mm / (0.5 * project.film_back_mm()[0]), track.positions


def screen_xy(project, shot, points):
    """(frames, points, 2): where world ``points`` (P, 3) fall in each frame of a planned shot, -1 at
    the frame's left (bottom) edge, +1 at its right (top); NaN behind the lens."""
    path = evaluate_shot(project, shot)
    rel = np.asarray(points, float)[None, :, :] - path.c2w[:, None, :3, 3]
    local = np.einsum("nji,npj->npi", path.c2w[:, :3, :3], rel)
    w, h = project.film_back_mm()
    depth = np.where(local[..., 2] < 0, -local[..., 2], np.nan)
    return np.stack([local[..., 0] / depth * path.focal_mm[:, None] / (0.5 * w), local[..., 1] / depth * path.focal_mm[:, None] / (0.5 * h)], axis=-1)
