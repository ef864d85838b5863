"""A small numpy ray caster for grey-box sets: a room (checkered floor, walls, ceiling) and solid
primitives (boxes turned about the vertical, spheres, upright capped cylinders), Lambert-shaded.

One ray per pixel centre through the same pinhole as the camera-grid renderer (``engine.grid.render.View``:
OpenGL camera looking down -Z, principal point at the image centre, focal length in pixels), so a
world point lands on the pixel ``View.project_points`` gives. Exact hits, no aliasing filter: at
96×64 a frame costs a few milliseconds, which keeps training data generated on the fly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.grid.render import View

LIGHT = np.array([0.35, 0.85, 0.4]) / np.linalg.norm([0.35, 0.85, 0.4])
AMBIENT = 0.45


@dataclass(frozen=True)
class Solid:
    """A primitive standing on (or above) the floor. ``size`` is (width, height, depth) for a box,
    (diameter, diameter, diameter) for a sphere and (diameter, height, diameter) for a cylinder;
    ``base`` is the centre of its footprint (for a sphere: of the ball's lowest point)."""

    kind: str  # "box", "sphere" or "cylinder"
    base: tuple[float, float, float]
    size: tuple[float, float, float]
    rgb: tuple[int, int, int]
    yaw_deg: float = 0.0

    @property
    def centre(self) -> np.ndarray:
        return np.asarray(self.base, float) + [0.0, self.size[1] / 2, 0.0]

    @property
    def radius(self) -> float:
        """Of the footprint (for keeping cameras and other solids out)."""
        return float(np.hypot(self.size[0], self.size[2]) / 2 if self.kind == "box" else self.size[0] / 2)


@dataclass(frozen=True)
class Room:
    """Axis-aligned interior: x in [x0, x1], z in [z0, z1], floor at y = 0, ceiling at ``height``."""

    x: tuple[float, float]
    z: tuple[float, float]
    height: float
    floor_rgb: tuple[int, int, int]
    wall_rgb: tuple[int, int, int]
    tile: float = 1.0  # floor checker size in metres


def pixel_rays(view: View) -> tuple[np.ndarray, np.ndarray]:
    """Origin (3,) and unit world directions (H·W, 3) through every pixel centre, row by row."""
    w, h = view.width, view.height
    x, y = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
    d = np.stack([(x - w / 2) / view.focal_px, -(y - h / 2) / view.focal_px, -np.ones_like(x)], axis=-1).reshape(-1, 3)
    d = d @ view.c2w[:3, :3].T
    return view.c2w[:3, 3].copy(), d / np.linalg.norm(d, axis=1, keepdims=True)


def _room_hit(o, d, room: Room):
    """Exit distance from inside the room, its normal (pointing in) and which surface: 0 floor, 1 ceiling, 2 wall."""
    with np.errstate(divide="ignore", invalid="ignore"):
        tx = np.where(d[:, 0] > 0, (room.x[1] - o[0]) / d[:, 0], (room.x[0] - o[0]) / d[:, 0])
        ty = np.where(d[:, 1] > 0, (room.height - o[1]) / d[:, 1], (0.0 - o[1]) / d[:, 1])
        tz = np.where(d[:, 2] > 0, (room.z[1] - o[2]) / d[:, 2], (room.z[0] - o[2]) / d[:, 2])
    t = np.stack([tx, ty, tz], axis=1)
    t = np.where(np.isfinite(t) & (t > 0), t, np.inf)
    axis = np.argmin(t, axis=1)
    dist = t[np.arange(len(d)), axis]
    normal = np.zeros_like(d)
    normal[np.arange(len(d)), axis] = -np.sign(d[np.arange(len(d)), axis])
    surface = np.where(axis == 1, np.where(d[:, 1] < 0, 0, 1), 2)
    return dist, normal, surface


def _sphere_hit(o, d, centre, r):
    oc = o - centre
    b = d @ oc
    c = oc @ oc - r * r
    disc = b * b - c
    with np.errstate(invalid="ignore"):
        t = -b - np.sqrt(disc)
    t = np.where((disc >= 0) & (t > 1e-6), t, np.inf)
    normal = (o + t[:, None] * d - centre) / r
    return t, normal


def _box_hit(o, d, solid: Solid):
    """Slab test in the box's own frame (turned by yaw about +Y)."""
    a = np.deg2rad(solid.yaw_deg)
    rot = np.array([[np.cos(a), 0, np.sin(a)], [0, 1, 0], [-np.sin(a), 0, np.cos(a)]])  # local -> world
    lo_ = (o - solid.centre) @ rot
    ld = d @ rot
    half = np.asarray(solid.size, float) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = (-half - lo_) / ld
        t2 = (half - lo_) / ld
    tmin, tmax = np.minimum(t1, t2), np.maximum(t1, t2)
    tmin = np.where(np.isnan(tmin), -np.inf, tmin)
    tmax = np.where(np.isnan(tmax), np.inf, tmax)
    near, far = tmin.max(axis=1), tmax.min(axis=1)
    t = np.where((near <= far) & (near > 1e-6), near, np.inf)
    axis = np.argmax(tmin, axis=1)
    local_n = np.zeros_like(d)
    local_n[np.arange(len(d)), axis] = -np.sign(ld[np.arange(len(d)), axis])
    return t, local_n @ rot.T


def _cylinder_hit(o, d, solid: Solid):
    r, h = solid.size[0] / 2, solid.size[1]
    bx, by, bz = solid.base
    ox, oz = o[0] - bx, o[2] - bz
    a = d[:, 0] ** 2 + d[:, 2] ** 2
    b = ox * d[:, 0] + oz * d[:, 2]
    c = ox * ox + oz * oz - r * r
    disc = b * b - a * c
    with np.errstate(divide="ignore", invalid="ignore"):
        t_side = (-b - np.sqrt(disc)) / a
    y = o[1] + t_side * d[:, 1]
    t_side = np.where((disc >= 0) & (t_side > 1e-6) & (y >= by) & (y <= by + h), t_side, np.inf)
    n_side = np.stack([ox + t_side * d[:, 0], np.zeros(len(d)), oz + t_side * d[:, 2]], axis=1) / r
    with np.errstate(divide="ignore", invalid="ignore"):
        cap_y = np.where(d[:, 1] < 0, by + h, by)
        t_cap = (cap_y - o[1]) / d[:, 1]
    px, pz = ox + t_cap * d[:, 0], oz + t_cap * d[:, 2]
    t_cap = np.where(np.isfinite(t_cap) & (t_cap > 1e-6) & (px * px + pz * pz <= r * r), t_cap, np.inf)
    n_cap = np.zeros_like(d)
    n_cap[:, 1] = -np.sign(d[:, 1])
    side = t_side <= t_cap
    return np.where(side, t_side, t_cap), np.where(side[:, None], n_side, n_cap)


HITS = {"box": _box_hit, "cylinder": _cylinder_hit}


def solid_hit(o, d, solid: Solid):
    if solid.kind == "sphere":
        return _sphere_hit(o, d, solid.centre, solid.size[0] / 2)
    return HITS[solid.kind](o, d, solid)


@dataclass
class Hits:
    """What every pixel's ray hits (rows of H·W): the grey-box passes the ray caster can make."""

    distance: np.ndarray  # along the ray, metres
    depth: np.ndarray  # along the camera's view axis, metres (the grey-box renderer's depth pass)
    position: np.ndarray  # (N, 3) world point
    normal: np.ndarray  # (N, 3) world unit normal, facing the camera's side
    surface: np.ndarray  # 0 floor, 1 ceiling, 2 wall, 3 + k solid k


FLOOR, CEILING, WALL, FIRST_SOLID = 0, 1, 2, 3


def trace(view: View, room: Room, solids: list[Solid]) -> Hits:
    o, d = pixel_rays(view)
    t, normal, surface = _room_hit(o, d, room)
    for k, solid in enumerate(solids):
        ts, ns = solid_hit(o, d, solid)
        nearer = ts < t
        t = np.where(nearer, ts, t)
        normal = np.where(nearer[:, None], ns, normal)
        surface = np.where(nearer, FIRST_SOLID + k, surface)
    forward = -view.c2w[:3, 2]
    return Hits(t, t * (d @ forward), o + t[:, None] * d, normal, surface)


def render(view: View, room: Room, solids: list[Solid], hits: Hits | None = None) -> np.ndarray:
    """(H, W, 3) uint8 frame of the set seen by ``view`` (flat colours, Lambert-shaded: the grey-box look)."""
    hits = hits or trace(view, room, solids)
    p, surface = hits.position, hits.surface
    checker = (np.floor(p[:, 0] / room.tile) + np.floor(p[:, 2] / room.tile)) % 2
    floor = np.asarray(room.floor_rgb, float) * np.where(checker > 0, 1.0, 0.72)[:, None]
    wall = np.asarray(room.wall_rgb, float)
    colour = np.where((surface == FLOOR)[:, None], floor, np.where((surface == CEILING)[:, None], wall * 0.6, wall))
    if solids:
        palette = np.asarray([s.rgb for s in solids], float)
        colour = np.where((surface >= FIRST_SOLID)[:, None], palette[np.clip(surface - FIRST_SOLID, 0, len(solids) - 1)], colour)
    shade = AMBIENT + (1 - AMBIENT) * np.clip(hits.normal @ LIGHT, 0.0, 1.0)
    image = np.clip(colour * shade[:, None], 0, 255).round().astype(np.uint8)
    return image.reshape(view.height, view.width, 3)
