"""Camera-grid frames: room segments through each frame's extrinsics and lens, clipped, drawn.

Points go to the camera frame (OpenGL: the camera looks down -Z), segments are clipped against the
near plane in 3D and against a margin around the image in 2D (both exact for a pinhole, which keeps
straight lines straight), then drawn as anti-aliased lines with OpenCV at 1/16 pixel precision.
Pixel convention: OpenCV's, x right and y down, pixel centres at integer + 0.5 … drawn through
cv2 with the principal point at (W/2, H/2).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import cv2
import numpy as np

SUBPIXEL_BITS = 4
SUBPIXEL = float(1 << SUBPIXEL_BITS)


@dataclass(frozen=True)
class GridStyle:
    """Colours (RGB) of the grid; ``random`` gives a varied palette for training augmentation."""

    background: tuple[int, int, int] = (14, 14, 20)
    floor: tuple[int, int, int] = (70, 150, 255)
    ceiling: tuple[int, int, int] = (255, 150, 70)
    walls: tuple[int, int, int] = (185, 185, 185)
    cube: tuple[int, int, int] = (90, 255, 120)
    frame: tuple[int, int, int] = (255, 230, 60)
    thickness: int = 1

    @classmethod
    def random(cls, rng: np.random.Generator) -> "GridStyle":
        def colour(lo=60, hi=255):
            return tuple(int(v) for v in rng.integers(lo, hi, 3))

        return cls(colour(0, 40), colour(), colour(), colour(), colour(), colour())


@dataclass(frozen=True)
class Fisheye:
    """Kannala-Brandt angle polynomial theta_d = theta (1 + k1 t^2 + k2 t^4 + k3 t^6 + k4 t^8).

    The mapped angle goes through the pinhole (r = f tan theta_d), so k = 0 is exactly the pinhole
    image; negative k1 bends straight lines into a barrel like a fisheye. Segments are split into
    ``subdivisions`` pieces so that the bend shows.
    """

    k: tuple[float, float, float, float] = (-0.35, 0.05, 0.0, 0.0)
    subdivisions: int = 24
    max_angle_deg: float = 85.0


@dataclass
class View:
    """One camera: camera-to-world pose and focal length in pixels, principal point at the centre."""

    c2w: np.ndarray
    focal_px: float
    width: int
    height: int
    near: float = 0.02
    fisheye: Fisheye | None = None

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        r, t = self.c2w[:3, :3], self.c2w[:3, 3]
        return (points - t) @ r  # row vectors: R^T (p - t)

    def project_camera_points(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Camera-frame points (…,3) -> pixels (…,2) and a validity mask (in front, inside the lens)."""
        depth = -p[..., 2]
        cx, cy = self.width / 2.0, self.height / 2.0
        if self.fisheye is None or not any(self.fisheye.k):
            with np.errstate(divide="ignore", invalid="ignore"):
                x = cx + self.focal_px * p[..., 0] / depth
                y = cy - self.focal_px * p[..., 1] / depth
            return np.stack([x, y], axis=-1), depth > 0
        r = np.hypot(p[..., 0], p[..., 1])
        theta = np.arctan2(r, depth)
        t2 = theta * theta
        k1, k2, k3, k4 = self.fisheye.k
        theta_d = theta * (1 + t2 * (k1 + t2 * (k2 + t2 * (k3 + t2 * k4))))
        ok = (theta_d < np.deg2rad(self.fisheye.max_angle_deg)) & (theta_d > -1e-9) & (depth > 0)
        rho = self.focal_px * np.tan(np.where(ok, theta_d, 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(r > 1e-12, rho / r, 0.0)
        return np.stack([cx + scale * p[..., 0], cy - scale * p[..., 1]], axis=-1), ok

    def project_points(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """World points (…,3) -> pixels (…,2) and whether each is in front of the camera."""
        return self.project_camera_points(self.to_camera(np.asarray(points, float)))

    def project_segments(self, segments: np.ndarray) -> np.ndarray:
        """World segments (S,2,3) -> clipped pixel segments (K,2,2), K <= S."""
        if len(segments) == 0:
            return np.zeros((0, 2, 2))
        if self.fisheye is not None and any(self.fisheye.k):
            segments = subdivide(segments, self.fisheye.subdivisions)
        p = self.to_camera(segments.reshape(-1, 3)).reshape(-1, 2, 3)
        p = clip_near(p, self.near)
        px, ok = self.project_camera_points(p)
        px = px[ok.all(axis=1)]
        return clip_to_box(px, -self.width, -self.height, 2 * self.width, 2 * self.height)


def subdivide(segments: np.ndarray, pieces: int) -> np.ndarray:
    t = np.linspace(0.0, 1.0, pieces + 1)[None, :, None]
    pts = segments[:, :1] + t * (segments[:, 1:] - segments[:, :1])  # (S, pieces+1, 3)
    return np.stack([pts[:, :-1], pts[:, 1:]], axis=2).reshape(-1, 2, 3)


def clip_near(p: np.ndarray, near: float) -> np.ndarray:
    """Drop segments wholly behind the near plane; move the end behind it onto the crossing point."""
    depth = -p[..., 2]
    p = p[(depth >= near).any(axis=1)]
    a, b = p[:, 0], p[:, 1]
    da, db = -a[:, 2:3], -b[:, 2:3]
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing = a + np.clip((near - da) / (db - da), 0.0, 1.0) * (b - a)
    return np.stack([np.where(da < near, crossing, a), np.where(db < near, crossing, b)], axis=1)


def clip_to_box(px: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """Liang-Barsky on (K,2,2) pixel segments; keeps coordinates small enough for fixed point."""
    if len(px) == 0:
        return px
    a, d = px[:, 0], px[:, 1] - px[:, 0]
    t0, t1 = np.zeros(len(px)), np.ones(len(px))
    for p_, q_ in ((-d[:, 0], a[:, 0] - x0), (d[:, 0], x1 - a[:, 0]), (-d[:, 1], a[:, 1] - y0), (d[:, 1], y1 - a[:, 1])):
        with np.errstate(divide="ignore", invalid="ignore"):
            r = q_ / p_
        parallel = p_ == 0
        t0 = np.where(~parallel & (p_ < 0), np.maximum(t0, r), t0)
        t1 = np.where(~parallel & (p_ > 0), np.minimum(t1, r), t1)
        t0 = np.where(parallel & (q_ < 0), 2.0, t0)  # parallel and outside: reject
    keep = t0 <= t1
    a, d, t0, t1 = a[keep], d[keep], t0[keep, None], t1[keep, None]
    return np.stack([a + t0 * d, a + t1 * d], axis=1)


def draw_segments(image: np.ndarray, px: np.ndarray, colour, thickness: int = 1) -> None:
    """Anti-aliased lines at subpixel precision; ``px`` in pixel units, (K,2,2)."""
    if len(px) == 0:
        return
    # cv2 puts pixel centres at integers; our convention has them at +0.5.
    pts = np.round((px - 0.5) * SUBPIXEL).astype(np.int32)
    cv2.polylines(image, pts, False, colour, thickness, cv2.LINE_AA, SUBPIXEL_BITS)


def new_frame(width: int, height: int, colour) -> np.ndarray:
    """A fresh frame filled with ``colour`` (a copy of a cached one: filling by broadcast is 20x slower)."""
    return _blank(width, height, tuple(int(c) for c in colour)).copy()


@functools.lru_cache(maxsize=16)
def _blank(width: int, height: int, colour: tuple[int, int, int]) -> np.ndarray:
    frame = np.empty((height, width, 3), np.uint8)
    frame[:] = colour
    frame.flags.writeable = False
    return frame
