"""The solver's thresholds are fractions of the frame: the same shot at two sizes is the same move."""

import numpy as np
import pytest

from engine.clone.solve import intrinsics, solve_shot

rng = np.random.default_rng(3)
# a room's worth of points 2.5-9 m ahead, denser on a back wall (what a push's longest tracks see)
POINTS = np.r_[
    np.c_[rng.uniform(-3, 3, 120), rng.uniform(-1.5, 1.5, 120), np.full(120, 8.0)],
    np.c_[rng.uniform(-3, 3, 80), rng.uniform(-1.5, 1.5, 80), rng.uniform(2.5, 7.5, 80)],
]
NOISE = rng.normal(0, 1, (24,) + POINTS.shape[:1] + (2,))


def _tracks(size, travel_m, zoom=1.0, n=24):
    """Exact tracks of a camera pushing ``travel_m`` along its axis (and zooming by ``zoom``), with
    tracking noise of a tenth of a pixel at 320 x 180 (the same fraction of the frame at any size)."""
    w, h = size
    px = np.hypot(w, h) / np.hypot(320, 180)
    s = np.linspace(0, 1, n)
    R = np.tile(np.eye(3), (n, 1, 1))
    t = -np.c_[np.zeros(n), np.zeros(n), travel_m * s]
    f = 0.9 * w * zoom**s
    cam = np.einsum("nij,mj->nmi", R, POINTS) + t[:, None]
    xy = f[:, None, None] * cam[..., :2] / cam[..., 2:] + intrinsics(1.0, size)[:2, 2]
    xy = xy + 0.1 * px * NOISE[:n]
    inside = (xy[..., 0] >= 0) & (xy[..., 0] < w) & (xy[..., 1] >= 0) & (xy[..., 1] < h) & (cam[..., 2] > 0)
    return np.where(inside[..., None], xy, np.nan), f[0]


@pytest.mark.parametrize("travel_m, zoom", [(0.0, 1.3), (0.3, 1.0), (0.45, 1.0), (0.6, 1.0), (1.2, 1.0)])
def test_the_model_does_not_depend_on_the_frame_size(travel_m, zoom):
    """A zoom and pushes from barely to clearly moving: 224 px and 1080p choose the same model
    (with thresholds in pixels the small pushes flip between a zoom and a move with the size)."""
    models = []
    for size in [(224, 126), (1920, 1080)]:
        tracks, f = _tracks(size, travel_m, zoom)
        models.append(solve_shot(tracks, size, f, f)[0].model)
    assert models[0] == models[1]
    if travel_m == 0:
        assert models[0] == "rotation"
    if travel_m >= 1.2:
        assert models[0] == "translation"
