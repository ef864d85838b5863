"""The floor a set's walls enclose, so that the planner keeps its cameras on the set.

A wide shot on its default lens can want a camera 12 m from the subject: on the demo rooftop that is
past the ledge, in the air beside the building. A camera operator in that set takes a wider lens
instead. The walls (and the doors in them, and ledges, which are walls) bound the floor; a set with
fewer than two of them is open (a street, a field) and bounds nothing.
"""

from __future__ import annotations

import numpy as np

from engine.project import Project

ENCLOSING_SHAPES = ("wall", "window wall", "door")
INSIDE_MARGIN_M = 0.5  # a camera stands this far in from a wall's outer face, at least


def set_bounds(project: Project | None) -> tuple[np.ndarray, np.ndarray] | None:
    """(lowest, highest) (x, z) of the floor the set's walls span, or None for an open set."""
    from engine.greybox.library import SHAPE_SIZES

    walls = [p for p in (project.subjects if project is not None else ()) if not p.is_person and p.shape in ENCLOSING_SHAPES]
    if len(walls) < 2:
        return None
    corners = []
    for wall in walls:
        w, _, d = np.asarray(SHAPE_SIZES[wall.shape], float) * np.asarray(wall.scale, float)
        yaw = np.deg2rad(wall.facing)
        c, s = np.cos(yaw), np.sin(yaw)
        for x, z in ((-w / 2, -d / 2), (-w / 2, d / 2), (w / 2, -d / 2), (w / 2, d / 2)):  # its footprint, turned
            corners.append((wall.position[0] + c * x + s * z, wall.position[2] - s * x + c * z))
    corners = np.asarray(corners)
    lo, hi = corners.min(axis=0), corners.max(axis=0)
    if np.any(hi - lo < 2.0 * INSIDE_MARGIN_M + 1.0):  # walls in one line: a backdrop, not a room
        return None
    return lo, hi


def inside(bounds: tuple[np.ndarray, np.ndarray] | None, position) -> bool:
    """Whether a camera at ``position`` stands on the set (always, for an open set)."""
    if bounds is None:
        return True
    xz = np.asarray(position, float)[[0, 2]]
    return bool(np.all(xz >= bounds[0] + INSIDE_MARGIN_M) and np.all(xz <= bounds[1] - INSIDE_MARGIN_M))


def reach(bounds: tuple[np.ndarray, np.ndarray], start, toward) -> float:
    """How far from ``start`` toward ``toward`` (on the floor) one can go before the set's walls:
    0 when ``start`` itself is off the set, inf when the way meets no wall."""
    if not inside(bounds, start):
        return 0.0
    start, toward = np.asarray(start, float), np.asarray(toward, float)
    lo, hi = bounds[0] + INSIDE_MARGIN_M, bounds[1] - INSIDE_MARGIN_M
    p0, d = start[[0, 2]], (toward - start)[[0, 2]]
    n = float(np.linalg.norm(d))
    if n < 1e-12:
        return float("inf")
    d = d / n
    with np.errstate(divide="ignore", invalid="ignore"):
        each = np.where(d > 1e-12, (hi - p0) / d, np.where(d < -1e-12, (lo - p0) / d, np.inf))
    return float(each.min())


def keep_on_set(bounds: tuple[np.ndarray, np.ndarray] | None, start, end) -> np.ndarray:
    """``end`` of a walk from ``start``, brought back along the walk to where it meets the set's walls
    (unchanged for an open set, or for a walk that starts off the set)."""
    end = np.asarray(end, float)
    if bounds is None or not inside(bounds, start):
        return end
    start = np.asarray(start, float)
    length = float(np.linalg.norm((end - start)[[0, 2]]))
    if length < 1e-12:
        return end
    return start + (end - start) * min(1.0, reach(bounds, start, end) / length)
