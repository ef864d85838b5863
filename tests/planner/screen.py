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
