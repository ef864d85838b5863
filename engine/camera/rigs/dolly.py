"""Dolly on a track: the camera runs along a path laid in the set, keyed by its position along it.

The track is laid through ``track`` points on the floor (straight rails between them, or a smooth
curve through them with ``smooth``); the lens rides ``height`` above the rails. A key's one
position channel is the distance along the track in metres from its first point; the camera stops
at the track's ends. The smooth track is scipy's natural cubic spline through the points by chord
length, sampled finely: that polyline IS the track (the evaluation, the snapping of keys and the
viewport's drawing all use it), so a key is exactly on what is drawn.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, ClassVar, Literal

import numpy as np
from pydantic import Field, model_validator
from scipy.interpolate import CubicSpline

from engine.camera.rigs.base import RigModel, Vec3
from engine.errors import FieldError

SAMPLES_PER_SPAN = 24  # a smooth track's polyline: this many pieces between two of its points
MIN_TRACK_M = 0.01
MAX_TRACK_POINTS = 10_000
NEAREST_BLOCK = 1 << 20  # point-piece pairs per block in nearest(): ~25 MB x 3 of temporaries


class DollyRig(RigModel):
    kind: Literal["dolly"] = "dolly"
    track: list[Vec3] = Field(min_length=2, max_length=MAX_TRACK_POINTS)
    smooth: bool = False
    height: Annotated[float, Field(ge=0.0, le=100.0)] = 1.5

    angular: ClassVar[tuple[bool, ...]] = (False,)

    @model_validator(mode="after")
    def _track_has_length(self) -> "DollyRig":
        points = np.asarray(self.track, float)
        steps = np.linalg.norm(np.diff(points, axis=0), axis=1)
        if np.any(steps < 1e-6):
            i = int(np.argmax(steps < 1e-6))
            raise FieldError(f"track[{i + 1}]", f"track point {i + 2} is on point {i + 1}: a track's points must differ")
        if steps.sum() < MIN_TRACK_M:
            raise FieldError("track", f"the track is {steps.sum() * 100:.2g} cm long; a track is at least {MIN_TRACK_M * 100:g} cm")
        return self

    # -- the track as laid ---------------------------------------------------------------------

    @property
    def rails(self) -> np.ndarray:
        """(M,3) the track on the floor as a polyline (its own points when straight)."""
        return _laid(tuple(self.track), self.smooth)[0]

    @property
    def _lengths(self) -> np.ndarray:
        return _laid(tuple(self.track), self.smooth)[1]

    @property
    def length(self) -> float:
        """The track's length in metres."""
        return float(self._lengths[-1])

    @property
    def lens_path(self) -> np.ndarray:
        return self.rails + [0.0, self.height, 0.0]

    # -- rig space -------------------------------------------------------------------------------

    def channels(self, positions: np.ndarray) -> np.ndarray:
        """Distance along the track (K,1) of the track's point nearest each lens position."""
        return self.nearest(positions)[:, None]

    def positions(self, channels: np.ndarray) -> np.ndarray:
        s = np.clip(np.asarray(channels, float).reshape(-1), 0.0, self.length)
        lens = self.lens_path
        return np.stack([np.interp(s, self._lengths, lens[:, d]) for d in range(3)], axis=1)

    def nearest(self, positions: np.ndarray) -> np.ndarray:
        """(K,) distance along the track of the nearest lens position on it to each of (K,3) points."""
        p = np.asarray(positions, float).reshape(-1, 3)
        lens = self.lens_path
        a, seg = lens[:-1], np.diff(lens, axis=0)
        seg_len2 = np.einsum("mi,mi->m", seg, seg)
        out = np.empty(len(p))
        chunk = max(1, NEAREST_BLOCK // max(len(a), 1))
        for start in range(0, len(p), chunk):  # points x pieces a block at a time, bounded in memory
            q = p[start : start + chunk, None, :] - a[None]
            # Each point against every piece of the track: the foot of the perpendicular, clamped to the piece.
            t = np.clip(np.einsum("kmi,mi->km", q, seg) / seg_len2, 0.0, 1.0)
            gap = q - t[..., None] * seg[None]
            best = np.argmin(np.einsum("kmi,kmi->km", gap, gap), axis=1)
            out[start : start + chunk] = self._lengths[best] + t[np.arange(len(t)), best] * np.sqrt(seg_len2[best])
        return out

    def direction(self, s: float) -> np.ndarray:
        """Unit direction of the track (on the floor) at distance ``s`` along it."""
        i = int(np.clip(np.searchsorted(self._lengths, s, side="right") - 1, 0, len(self.rails) - 2))
        d = self.rails[i + 1] - self.rails[i]
        return d / max(np.linalg.norm(d), 1e-12)


@lru_cache(maxsize=16)  # a long smooth track is megabytes: a few tracks, the ones being edited
def _laid(track: tuple, smooth: bool) -> tuple[np.ndarray, np.ndarray]:
    """The track's polyline and the distance along it of each of its points (memoised: a drag asks
    for the same track on every mouse move)."""
    points = np.asarray(track, float)
    if smooth and len(points) >= 3:
        chord = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])
        spline = CubicSpline(chord, points, bc_type="natural")
        u = np.concatenate([np.linspace(a, b, SAMPLES_PER_SPAN, endpoint=False) for a, b in zip(chord[:-1], chord[1:])] + [chord[-1:]])
        points = spline(u)
    lengths = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])
    points.setflags(write=False)
    lengths.setflags(write=False)
    return points, lengths
