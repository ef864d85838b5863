"""What the viewport draws, as plain arrays: ground grid, subject proxies, path ticks, frustums.

No Qt, no vispy, so the shapes can be checked against the camera maths directly.
"""

from __future__ import annotations

import numpy as np

from engine.camera.path import CameraPath

PERSON_MIN_HEIGHT_M = 1.2  # taller subjects are drawn as people (capsules), shorter as objects (boxes)
FRUSTUM_DEPTH_M = 0.8
AIM_HANDLE_M = 1.0


def ground_grid(half_size: float = 20.0, step: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Line segments (S,2,3) on y = 0: minor lines every ``step``, and major ones every 5 steps."""
    n = int(round(half_size / step))
    minor, major = [], []
    for i in range(-n, n + 1):
        v = i * step
        for seg in (((v, 0.0, -half_size), (v, 0.0, half_size)), ((-half_size, 0.0, v), (half_size, 0.0, v))):
            (major if i % 5 == 0 else minor).append(seg)
    return np.asarray(minor, float), np.asarray(major, float)


def second_ticks(path: CameraPath) -> np.ndarray:
    """Camera positions on every whole second of the shot (frame 0, fps, 2·fps, …)."""
    step = max(int(round(path.fps)), 1)
    return path.positions[::step]


def frustum_segments(c2w: np.ndarray, focal_mm: float, film_back_mm, depth: float = FRUSTUM_DEPTH_M) -> np.ndarray:
    """The camera's pyramid (S,2,3): apex at the camera, the frame rectangle ``depth`` metres in
    front with the lens's true angles of view, and a small triangle on top that shows which way is up."""
    half_w = depth * film_back_mm[0] / (2.0 * focal_mm)
    half_h = depth * film_back_mm[1] / (2.0 * focal_mm)
    corners = np.array([[-half_w, -half_h, -depth], [half_w, -half_h, -depth], [half_w, half_h, -depth], [-half_w, half_h, -depth]])
    apex = np.zeros(3)
    up = [[-0.5 * half_w, half_h * 1.1, -depth], [0.0, half_h * 1.5, -depth], [0.5 * half_w, half_h * 1.1, -depth]]
    local = [(apex, c) for c in corners] + [(corners[i], corners[(i + 1) % 4]) for i in range(4)]
    local += [(up[0], up[1]), (up[1], up[2]), (up[2], up[0])]
    segs = np.asarray(local, float)
    r, t = c2w[:3, :3], c2w[:3, 3]
    return segs @ r.T + t


def capsule(center_xz, height: float, segments: int = 16, rings: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """A standing capsule (a person): vertices and triangle faces, feet at y = 0."""
    radius = min(0.14 * height, 0.35)
    theta = np.linspace(0.0, 2.0 * np.pi, segments, endpoint=False)
    # Profile from the bottom pole to the top pole: hemisphere, straight side, hemisphere.
    phis = np.linspace(-np.pi / 2, 0.0, rings)
    bottom = [(radius * np.cos(p), radius + radius * np.sin(p)) for p in phis]
    top = [(radius * np.cos(p), height - radius + radius * np.sin(p)) for p in -phis[::-1]]
    profile = np.array(bottom + top)  # (rings*2, 2) of (r, y)
    verts = []
    for r, y in profile:
        for t in theta:
            verts.append((center_xz[0] + r * np.cos(t), y, center_xz[1] + r * np.sin(t)))
    faces = []
    for i in range(len(profile) - 1):
        for j in range(segments):
            a, b = i * segments + j, i * segments + (j + 1) % segments
            c, d = a + segments, b + segments
            faces += [(a, b, d), (a, d, c)]
    return np.asarray(verts, float), np.asarray(faces, np.uint32)


def box(center_xz, height: float) -> tuple[np.ndarray, np.ndarray]:
    """A box standing on the floor (an object), as wide as it is tall, up to a metre."""
    half = min(height, 1.0) / 2.0
    x, z = center_xz
    v = np.array([[x + sx * half, y, z + sz * half] for y in (0.0, height) for sz in (-1, 1) for sx in (-1, 1)], float)
    faces = [(0, 1, 3), (0, 3, 2), (4, 6, 7), (4, 7, 5), (0, 4, 5), (0, 5, 1), (2, 3, 7), (2, 7, 6), (0, 2, 6), (0, 6, 4), (1, 5, 7), (1, 7, 3)]
    return v, np.asarray(faces, np.uint32)


def subject_proxy(position, height: float) -> tuple[np.ndarray, np.ndarray]:
    xz = (float(position[0]), float(position[2]))
    mesh = capsule(xz, height) if height >= PERSON_MIN_HEIGHT_M else box(xz, height)
    verts, faces = mesh
    verts[:, 1] += float(position[1])
    return verts, faces


def dashed(points: np.ndarray, dash: int = 3) -> np.ndarray:
    """Segments (S,2,3) drawing every other run of ``dash`` steps of a polyline: a ghost path."""
    segs = np.stack([points[:-1], points[1:]], axis=1)
    keep = (np.arange(len(segs)) // dash) % 2 == 0
    return segs[keep]
