"""One grid room for a whole sequence, built from its camera positions (OmniDirector, Eq. 1-3).

Floor and ceiling are X-Z planes at the mean camera height minus / plus an offset proportional to
the median distance between consecutive poses (with a lower bound); both carry uniformly spaced
grid lines. Vertical "tunnel wall" lines stand only on grid points whose distance to the
trajectory's X-Z projection (a KD-tree query) lies in [inner radius, inner radius + thickness].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree


@dataclass(frozen=True)
class RoomConfig:
    offset_per_step: float = 40.0  # offset = this x median distance between consecutive poses …
    min_offset: float = 1.5  # … but never less (metres): a static camera still gets a room
    max_offset: float = 20.0
    spacing_per_offset: float = 0.5  # grid spacing as a fraction of the offset
    inner_radius_per_offset: float = 1.5  # tunnel radius around the path, in offsets
    wall_thickness_per_offset: float = 1.0
    max_lines_per_axis: int = 60  # keeps huge paths from drawing thousands of lines


@dataclass
class Room:
    """Line segments of the room, (S,2,3) world coordinates each, grouped by what they are."""

    floor: np.ndarray
    ceiling: np.ndarray
    walls: np.ndarray
    floor_y: float
    ceiling_y: float
    spacing: float

    @property
    def segments(self) -> list[np.ndarray]:
        return [self.floor, self.ceiling, self.walls]


def build_room(positions: np.ndarray, config: RoomConfig = RoomConfig()) -> Room:
    positions = np.asarray(positions, float).reshape(-1, 3)
    steps = np.linalg.norm(np.diff(positions, axis=0), axis=1)
    moving = steps[steps > 1e-9]
    median_step = float(np.median(moving)) if len(moving) else 0.0
    offset = float(np.clip(config.offset_per_step * median_step, config.min_offset, config.max_offset))
    mean_y = float(positions[:, 1].mean())
    # Eq. 1-2 put the planes at the mean height -/+ the offset; a multi-shot sequence can span more
    # height than one clip, so the planes also stay half an offset beyond the lowest/highest camera.
    floor_y = min(mean_y - offset, float(positions[:, 1].min()) - 0.5 * offset)
    ceiling_y = max(mean_y + offset, float(positions[:, 1].max()) + 0.5 * offset)

    inner = config.inner_radius_per_offset * offset
    outer = inner + config.wall_thickness_per_offset * offset
    lo = positions[:, [0, 2]].min(axis=0) - outer
    hi = positions[:, [0, 2]].max(axis=0) + outer
    spacing = config.spacing_per_offset * offset
    spacing = max(spacing, float((hi - lo).max()) / config.max_lines_per_axis)
    # Snap the grid to multiples of the spacing so rooms of overlapping paths share lines.
    lo = np.floor(lo / spacing) * spacing
    hi = np.ceil(hi / spacing) * spacing
    xs = np.arange(lo[0], hi[0] + spacing * 0.5, spacing)
    zs = np.arange(lo[1], hi[1] + spacing * 0.5, spacing)

    def plane(y: float) -> np.ndarray:
        along_z = [[[x, y, zs[0]], [x, y, zs[-1]]] for x in xs]
        along_x = [[[xs[0], y, z], [xs[-1], y, z]] for z in zs]
        return np.array(along_z + along_x, float)

    gx, gz = np.meshgrid(xs, zs, indexing="ij")
    points = np.stack([gx.ravel(), gz.ravel()], axis=1)
    dist, _ = cKDTree(positions[:, [0, 2]]).query(points)
    ring = points[(dist >= inner) & (dist <= outer)]
    walls = np.zeros((len(ring), 2, 3))
    walls[:, :, 0] = ring[:, None, 0]
    walls[:, :, 2] = ring[:, None, 1]
    walls[:, 0, 1], walls[:, 1, 1] = floor_y, ceiling_y
    return Room(plane(floor_y), plane(ceiling_y), walls, floor_y, ceiling_y, spacing)


def cube_segments(center, size: float, yaw: float = 0.0) -> np.ndarray:
    """The 12 edges of a cube turned ``yaw`` radians about +Y, (12,2,3)."""
    c = np.asarray(center, float)
    h = size / 2.0
    cos, sin = np.cos(yaw), np.sin(yaw)
    turn = np.array([[cos, 0.0, sin], [0.0, 1.0, 0.0], [-sin, 0.0, cos]])
    corners = np.array([[x, y, z] for x in (-h, h) for y in (-h, h) for z in (-h, h)]) @ turn.T + c
    edges = [(a, b) for a in range(8) for b in range(a + 1, 8) if bin(a ^ b).count("1") == 1]
    return np.array([[corners[a], corners[b]] for a, b in edges])
