"""Viewport camera maths, shared by drawing and picking so a handle is grabbed where it is drawn.

No Qt, no vispy: column vectors, world +Y up, metres, cameras look down -Z (DESIGN.md). A view is
a 4x4 world-to-camera matrix and a 4x4 projection to OpenGL clip space; pixels have (0, 0) at the
top-left of the canvas.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.spatial.transform import Rotation

from engine.camera.conventions import invert_poses, pose_matrix
from engine.camera.lens import focal_pixels

FOV_Y_DEG = 40.0


@dataclass(frozen=True)
class Orbit:
    """The director's free camera: orbit ``center`` at ``distance``, turned by azimuth (about +Y)
    and elevation (degrees); ``ortho`` for the flat top/front/side views."""

    center: tuple[float, float, float] = (0.0, 1.0, 0.0)
    azimuth: float = 35.0
    elevation: float = 28.0
    distance: float = 14.0
    ortho: bool = False

    def rotation(self) -> Rotation:
        return Rotation.from_euler("YX", [self.azimuth, -self.elevation], degrees=True)

    def c2w(self) -> np.ndarray:
        rot = self.rotation()
        eye = np.asarray(self.center, float) + rot.apply([0.0, 0.0, self.distance])
        return pose_matrix(eye, rot.as_quat())

    def orbited(self, d_azimuth: float, d_elevation: float) -> "Orbit":
        # Orbiting leaves a flat view, as in Blender's auto-perspective.
        elevation = float(np.clip(self.elevation + d_elevation, -89.9, 89.9))
        return replace(self, azimuth=(self.azimuth + d_azimuth) % 360.0, elevation=elevation, ortho=False)

    def panned(self, dx_px: float, dy_px: float, height_px: int) -> "Orbit":
        """Move the centre so the scene follows the mouse (pixels at the centre's depth)."""
        metres_per_px = 2.0 * self.distance * np.tan(np.deg2rad(FOV_Y_DEG) / 2.0) / max(height_px, 1)
        rot = self.rotation()
        shift = rot.apply([-dx_px * metres_per_px, dy_px * metres_per_px, 0.0])
        return replace(self, center=tuple(float(v) for v in np.asarray(self.center) + shift))

    def zoomed(self, factor: float) -> "Orbit":
        return replace(self, distance=float(np.clip(self.distance * factor, 0.05, 5000.0)))


# Blender's numpad views: top looks down with +X right and -Z up the screen; front looks down -Z;
# side (right) looks down -X.
NAMED_VIEWS = {"top": (0.0, 90.0), "front": (0.0, 0.0), "side": (90.0, 0.0)}


def named_view(orbit: Orbit, name: str) -> Orbit:
    azimuth, elevation = NAMED_VIEWS[name]
    return replace(orbit, azimuth=azimuth, elevation=elevation, ortho=True)


def perspective(fov_y_deg: float, aspect: float, near: float, far: float) -> np.ndarray:
    f = 1.0 / np.tan(np.deg2rad(fov_y_deg) / 2.0)
    return np.array(
        [
            [f / aspect, 0.0, 0.0, 0.0],
            [0.0, f, 0.0, 0.0],
            [0.0, 0.0, (far + near) / (near - far), 2.0 * far * near / (near - far)],
            [0.0, 0.0, -1.0, 0.0],
        ]
    )


def orthographic(half_width: float, half_height: float, near: float, far: float) -> np.ndarray:
    return np.array(
        [
            [1.0 / half_width, 0.0, 0.0, 0.0],
            [0.0, 1.0 / half_height, 0.0, 0.0],
            [0.0, 0.0, -2.0 / (far - near), -(far + near) / (far - near)],
            [0.0, 0.0, 0.0, 1.0],
        ]
    )


@dataclass(frozen=True)
class ViewState:
    """What the viewport draws with: world-to-camera, projection and the canvas size in pixels."""

    world_to_camera: np.ndarray
    projection: np.ndarray
    width: int
    height: int

    @property
    def matrix(self) -> np.ndarray:
        return self.projection @ self.world_to_camera

    @property
    def ortho(self) -> bool:
        return self.projection[3, 3] == 1.0

    def project(self, points) -> tuple[np.ndarray, np.ndarray]:
        """World points (…,3) -> pixels (…,2) and whether each is in front of the camera."""
        p = np.asarray(points, float)
        h = np.concatenate([p, np.ones(p.shape[:-1] + (1,))], axis=-1) @ self.matrix.T
        w = h[..., 3:4]
        with np.errstate(divide="ignore", invalid="ignore"):
            ndc = h[..., :3] / w
        px = np.stack([(ndc[..., 0] + 1.0) * 0.5 * self.width, (1.0 - ndc[..., 1]) * 0.5 * self.height], axis=-1)
        return px, w[..., 0] > 0

    def ray(self, pixel) -> tuple[np.ndarray, np.ndarray]:
        """The world ray (origin, unit direction) under a pixel."""
        x = 2.0 * pixel[0] / self.width - 1.0
        y = 1.0 - 2.0 * pixel[1] / self.height
        inv = np.linalg.inv(self.matrix)
        a = inv @ np.array([x, y, -1.0, 1.0])
        b = inv @ np.array([x, y, 1.0, 1.0])
        a, b = a[:3] / a[3], b[:3] / b[3]
        d = b - a
        return a, d / np.linalg.norm(d)

    def metres_per_pixel(self, at) -> float:
        """World size of one pixel at a point (for hit radii and handle sizes)."""
        p = np.asarray(at, float)
        c = self.world_to_camera @ np.append(p, 1.0)
        depth = 1.0 if self.ortho else max(-c[2], 1e-6)
        return depth * 2.0 / (self.projection[1, 1] * self.height)


def orbit_view(orbit: Orbit, width: int, height: int) -> ViewState:
    aspect = width / max(height, 1)
    near, far = orbit.distance * 0.005, orbit.distance * 200.0
    if orbit.ortho:
        half_h = orbit.distance * np.tan(np.deg2rad(FOV_Y_DEG) / 2.0)
        proj = orthographic(half_h * aspect, half_h, -far, far)
    else:
        proj = perspective(FOV_Y_DEG, aspect, near, far)
    return ViewState(invert_poses(orbit.c2w()), proj, width, height)


def delivery_frame(width: int, height: int, aspect: float) -> tuple[float, float, float, float]:
    """The largest rectangle (x, y, w, h) of the delivery aspect centred in the canvas."""
    if width / height > aspect:
        w, h = height * aspect, float(height)
    else:
        w, h = float(width), width / aspect
    return (width - w) / 2.0, (height - h) / 2.0, w, h


def look_through_view(c2w: np.ndarray, focal_mm: float, film_back_mm, aspect: float, width: int, height: int) -> ViewState:
    """The shot camera's own view: the delivery frame fits the canvas and spans the film back's
    width, exactly as the camera-grid renderer projects (engine.grid.render.View)."""
    _, _, frame_w, _ = delivery_frame(width, height, aspect)
    f_px = float(focal_pixels(focal_mm, film_back_mm, frame_w))
    near, far = 0.02, 2000.0
    proj = perspective(1.0, 1.0, near, far)  # depth rows; the focal rows follow
    proj[0, 0] = 2.0 * f_px / width
    proj[1, 1] = 2.0 * f_px / height
    return ViewState(invert_poses(np.asarray(c2w, float)), proj, width, height)


def ray_plane_y(origin: np.ndarray, direction: np.ndarray, y: float) -> np.ndarray | None:
    """Where a ray meets the horizontal plane at height ``y`` (None if parallel or behind)."""
    if abs(direction[1]) < 1e-9:
        return None
    t = (y - origin[1]) / direction[1]
    return None if t < 0 else origin + t * direction


def closest_on_vertical(origin: np.ndarray, direction: np.ndarray, through: np.ndarray) -> float:
    """Height of the point on the vertical line through ``through`` closest to the ray."""
    up = np.array([0.0, 1.0, 0.0])
    w0 = origin - through
    b = direction @ up
    denom = 1.0 - b * b
    if denom < 1e-9:  # looking straight along the line: keep the height
        return float(through[1])
    t_line = (w0 @ up - b * (direction @ w0)) / denom
    return float(through[1] + t_line)
