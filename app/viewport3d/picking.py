"""What is under the mouse: an aim handle, a key handle, or a shot's path (nearest wins, in pixels).

Hit-testing uses the same projection the viewport draws with, so a handle is grabbed where it is seen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.viewport3d.view_math import ViewState

HANDLE_RADIUS_PX = 9.0
PATH_RADIUS_PX = 6.0


@dataclass(frozen=True)
class Hit:
    kind: str  # "aim" | "key" | "path"
    shot_id: str
    key: int = -1


def _nearest(view: ViewState, points: np.ndarray, pixel) -> tuple[int, float]:
    px, front = view.project(points)
    d = np.hypot(px[:, 0] - pixel[0], px[:, 1] - pixel[1])
    d[~front] = np.inf
    i = int(np.argmin(d))
    return i, float(d[i])


def _segment_distance(view: ViewState, points: np.ndarray, pixel) -> float:
    px, front = view.project(points)
    a, b = px[:-1], px[1:]
    ok = front[:-1] & front[1:]
    if len(points) < 2 or not ok.any():
        return _nearest(view, points, pixel)[1] if len(points) else np.inf
    a, b = a[ok], b[ok]
    ab = b - a
    t = np.clip(((pixel - a) * ab).sum(1) / np.maximum((ab * ab).sum(1), 1e-12), 0.0, 1.0)
    closest = a + t[:, None] * ab
    return float(np.min(np.hypot(*(closest - pixel).T)))


def pick(view: ViewState, pixel, keys: dict[str, np.ndarray], paths: dict[str, np.ndarray], aim: tuple[str, int, np.ndarray] | None = None) -> Hit | None:
    """``keys``/``paths``: world positions by shot id; ``aim``: (shot, key, handle position) of the
    selected key. Handles beat paths; where the aim handle and a key overlap (a key seen end-on),
    the nearer in pixels wins and a tie goes to the key, so a key can always be moved."""
    pixel = np.asarray(pixel, float)
    best: tuple[float, Hit] | None = None
    if aim is not None:
        _, d = _nearest(view, np.asarray([aim[2]]), pixel)
        if d <= HANDLE_RADIUS_PX:
            best = (d - 1e-6, Hit("aim", aim[0], aim[1]))
    for shot_id, points in keys.items():
        if len(points):
            i, d = _nearest(view, points, pixel)
            if d <= HANDLE_RADIUS_PX and (best is None or d <= best[0] + 0.5):
                best = (d, Hit("key", shot_id, i))
    if best is not None:
        return best[1]
    for shot_id, points in paths.items():
        d = _segment_distance(view, points, pixel)
        if d <= PATH_RADIUS_PX and (best is None or d < best[0]):
            best = (d, Hit("path", shot_id))
    return best[1] if best else None
