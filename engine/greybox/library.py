"""The set-piece library: what each shape is made of, at its real size in metres.

A piece stands on its footprint centre at the origin, its front towards +Z (a chair's sitter and
a car face +Z). It is built from primitives the renderer draws: boxes, cylinders (upright, or
lying along X like a wheel) and spheres, each with a shade factor applied to the subject's colour.
``SHAPE_SIZES`` (width, height, depth) is the bounding box of those parts. Pure data and numpy:
``engine.project`` reads the sizes to derive a piece's height.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Part:
    kind: str  # "box", "cylinder" (axis +Y), "cylinder_x" (axis +X) or "sphere"
    centre: tuple[float, float, float]
    size: tuple[float, float, float]  # full extents along x, y, z of the unrotated part
    shade: float = 1.0


def _legs(w: float, d: float, h: float, t: float, inset: float) -> list[Part]:
    xs, zs = w / 2 - inset, d / 2 - inset
    return [Part("box", (sx * xs, h / 2, sz * zs), (t, h, t), 0.8) for sx in (-1, 1) for sz in (-1, 1)]


def _stairs(steps: int = 10, rise: float = 0.18, run: float = 0.27, width: float = 1.0) -> list[Part]:
    depth = steps * run
    # Step i rises from the floor to (i+1) rises; the first step is at the front (+Z), climbing to -Z.
    return [
        Part("box", (0.0, (i + 1) * rise / 2, depth / 2 - (i + 0.5) * run), (width, (i + 1) * rise, run), 1.0 - 0.02 * (i % 2))
        for i in range(steps)
    ]


def _window_wall(w=4.0, h=2.7, t=0.15, win_w=1.6, win_h=1.2, sill=0.9) -> list[Part]:
    side = (w - win_w) / 2
    top = h - sill - win_h
    return [
        Part("box", (0.0, sill / 2, 0.0), (w, sill, t)),
        Part("box", (0.0, h - top / 2, 0.0), (w, top, t)),
        Part("box", (-(win_w + side) / 2, sill + win_h / 2, 0.0), (side, win_h, t)),
        Part("box", ((win_w + side) / 2, sill + win_h / 2, 0.0), (side, win_h, t)),
        Part("box", (0.0, sill + win_h / 2, 0.0), (0.05, win_h, 0.05), 0.7),  # mullion
    ]


def _car() -> list[Part]:
    parts = [
        Part("box", (0.0, 0.6, 0.0), (1.8, 0.7, 4.5)),
        Part("box", (0.0, 1.2, -0.25), (1.6, 0.5, 2.3), 0.85),
    ]
    for sx in (-1, 1):
        for z in (-1.4, 1.4):
            parts.append(Part("cylinder_x", (sx * 0.8, 0.33, z), (0.25, 0.66, 0.66), 0.35))
    return parts


LIBRARY: dict[str, list[Part]] = {
    "table": [Part("box", (0.0, 0.73, 0.0), (1.6, 0.04, 0.9))] + _legs(1.6, 0.9, 0.71, 0.06, 0.08),
    "chair": [
        Part("box", (0.0, 0.455, 0.0), (0.45, 0.05, 0.45)),
        Part("box", (0.0, 0.68, -0.205), (0.45, 0.4, 0.04), 0.9),
    ]
    + _legs(0.45, 0.45, 0.43, 0.04, 0.03),
    "sofa": [
        Part("box", (0.0, 0.21, 0.0), (2.0, 0.42, 0.9)),
        Part("box", (0.0, 0.635, -0.35), (2.0, 0.43, 0.2), 0.9),
        Part("box", (-0.9, 0.52, 0.0), (0.2, 0.2, 0.9), 0.9),
        Part("box", (0.9, 0.52, 0.0), (0.2, 0.2, 0.9), 0.9),
    ],
    "bed": [
        Part("box", (0.0, 0.175, 0.0), (1.6, 0.35, 2.05), 0.8),
        Part("box", (0.0, 0.45, 0.02), (1.55, 0.2, 1.98)),
        Part("box", (0.0, 0.5, -1.0), (1.6, 1.0, 0.06), 0.75),
    ],
    "counter": [
        Part("box", (0.0, 0.43, 0.0), (2.4, 0.86, 0.6), 0.85),
        Part("box", (0.0, 0.88, 0.0), (2.44, 0.04, 0.64)),
    ],
    "door": [
        Part("box", (-0.475, 1.075, 0.0), (0.05, 2.15, 0.12), 0.8),
        Part("box", (0.475, 1.075, 0.0), (0.05, 2.15, 0.12), 0.8),
        Part("box", (0.0, 2.175, 0.0), (1.0, 0.05, 0.12), 0.8),
        Part("box", (0.0, 1.05, 0.0), (0.9, 2.1, 0.04)),
        Part("sphere", (0.35, 1.0, 0.04), (0.07, 0.07, 0.07), 0.5),
    ],
    "wall": [Part("box", (0.0, 1.35, 0.0), (4.0, 2.7, 0.15))],
    "window wall": _window_wall(),
    "stairs": _stairs(),
    "car": _car(),
    "lamp post": [
        Part("cylinder", (0.0, 0.15, 0.0), (0.3, 0.3, 0.3), 0.8),
        Part("cylinder", (0.0, 2.25, 0.0), (0.12, 4.2, 0.12)),
        Part("box", (0.0, 4.4, 0.2), (0.25, 0.2, 0.6), 1.2),
    ],
    "tree": [
        Part("cylinder", (0.0, 1.25, 0.0), (0.35, 2.5, 0.35), 0.6),
        Part("sphere", (0.0, 4.5, 0.0), (3.0, 3.0, 3.0)),
    ],
    "crate": [Part("box", (0.0, 0.4, 0.0), (0.8, 0.8, 0.8))],
    "box": [Part("box", (0.0, 0.5, 0.0), (1.0, 1.0, 1.0))],
    "cylinder": [Part("cylinder", (0.0, 0.5, 0.0), (1.0, 1.0, 1.0))],
    "sphere": [Part("sphere", (0.0, 0.5, 0.0), (1.0, 1.0, 1.0))],
}


def _bounds(parts: list[Part]) -> tuple[float, float, float]:
    lo = [min(p.centre[a] - p.size[a] / 2 for p in parts) for a in range(3)]
    hi = [max(p.centre[a] + p.size[a] / 2 for p in parts) for a in range(3)]
    return (round(hi[0] - lo[0], 6), round(hi[1], 6), round(hi[2] - lo[2], 6))


# (width, height above the floor, depth) of every shape, metres.
SHAPE_SIZES: dict[str, tuple[float, float, float]] = {name: _bounds(parts) for name, parts in LIBRARY.items()}


def piece_size(piece) -> tuple[float, float, float]:
    """A set piece's (width, height, depth) in metres as drawn: its shape's size times its scale."""
    return tuple(float(v) for v in np.asarray(SHAPE_SIZES.get(piece.shape, (1.0, 1.0, 1.0))) * np.asarray(piece.scale))
