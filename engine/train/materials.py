"""Photo textures and named lights for the bundled model's targets: the same grey-box shot rendered
as the caption describes it ("brick walls, gravel floor, warm evening light").

The textures are scikit-image's bundled photos (``skimage.data``: brick, gravel, grass, the moon's
surface, a checkerboard), made tileable-enough by low-pass filtering and given a base colour each;
they are only read while making training and benchmark data (scikit-image is in the ``test``
extra, the app never imports this module). A material is looked up by world position: the floor by
(x, z), a wall by (the wall's horizontal axis, y). Solids and people keep the flat colour the control
shows them in; the light (direction in the world, colour, ambient colour) decides their shading.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from engine.train.raycast import CEILING, FIRST_SOLID, FLOOR, WALL, Hits


@dataclass(frozen=True)
class Material:
    photo: str  # skimage.data function name
    rgb: tuple[int, int, int]  # mean colour
    metres: float  # one texture repeat covers this many metres
    contrast: float  # how far the photo modulates the colour (0 flat)
    streak: bool = False  # blurred along one axis: a wood grain from a grass photo


MATERIALS = {
    "brick": Material("brick", (168, 82, 62), 1.6, 0.55),
    "gravel": Material("gravel", (142, 136, 124), 1.0, 0.5),
    "grass": Material("grass", (84, 132, 58), 1.0, 0.5),
    "wood": Material("grass", (150, 100, 62), 1.2, 0.45, streak=True),
    "concrete": Material("moon", (158, 158, 152), 3.0, 0.45),
    "tiled": Material("checkerboard", (205, 203, 192), 2.4, 0.3),  # 30 cm tiles
}
WALL_MATERIALS = ("brick", "concrete", "wood", "tiled")
FLOOR_MATERIALS = ("gravel", "grass", "wood", "tiled", "concrete")


@dataclass(frozen=True)
class Light:
    direction: tuple[float, float, float]  # towards the light, world
    rgb: tuple[float, float, float]  # key light colour × strength
    ambient: tuple[float, float, float]


LIGHTS = {
    "warm evening light": Light((0.85, 0.3, 0.35), (1.25, 0.78, 0.45), (0.28, 0.26, 0.36)),
    "cold fluorescent light": Light((0.05, 1.0, 0.1), (0.55, 0.66, 0.75), (0.42, 0.5, 0.58)),
    "soft daylight": Light((-0.35, 0.8, 0.45), (0.62, 0.6, 0.56), (0.45, 0.46, 0.5)),
    "dim tungsten night light": Light((-0.5, 0.6, -0.6), (0.75, 0.48, 0.22), (0.1, 0.1, 0.16)),
}
CEILING_RGB = (210, 208, 200)
TEXTURE_PX = 64  # texels per repeat: about 2 cm at 1.2 m, finer than a 96×64 frame resolves


@lru_cache(maxsize=None)
def texture(name: str) -> np.ndarray:
    """(TEXTURE_PX, TEXTURE_PX) float32 modulation with mean 0 and standard deviation 1."""
    import skimage.data

    m = MATERIALS[name]
    photo = getattr(skimage.data, m.photo)().astype(np.float32)
    if m.streak:
        photo = cv2.GaussianBlur(photo, (0, 0), sigmaX=24, sigmaY=1.5)
    small = cv2.resize(photo, (TEXTURE_PX, TEXTURE_PX), interpolation=cv2.INTER_AREA)
    small = (small - small.mean()) / max(float(small.std()), 1e-6)
    return np.clip(small, -2.5, 2.5)


def _lookup(tex: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Bilinear, wrapping: u, v in repeats."""
    n = tex.shape[0]
    x, y = (u % 1.0) * n, (v % 1.0) * n
    x0, y0 = np.floor(x).astype(int), np.floor(y).astype(int)
    fx, fy = x - x0, y - y0
    x0, y0, x1, y1 = x0 % n, y0 % n, (x0 + 1) % n, (y0 + 1) % n
    return (tex[y0, x0] * (1 - fx) + tex[y0, x1] * fx) * (1 - fy) + (tex[y1, x0] * (1 - fx) + tex[y1, x1] * fx) * fy


def albedo(name: str, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """(N, 3) colour of material ``name`` at (u, v) metres."""
    m = MATERIALS[name]
    mod = 1.0 + m.contrast * 0.5 * _lookup(texture(name), u / m.metres, v / m.metres)
    return np.asarray(m.rgb, float)[None] * np.clip(mod, 0.2, 2.0)[:, None]


def textured(hits: Hits, solid_rgb: np.ndarray, wall: str, floor: str, light: str, shape: tuple[int, int]) -> np.ndarray:
    """(H, W, 3) uint8: the shot as the caption describes it. ``solid_rgb`` (K, 3) the solids' colours."""
    p, n, s = hits.position, hits.normal, hits.surface
    colour = np.empty_like(p)
    is_floor, is_wall, is_ceiling, is_solid = s == FLOOR, s == WALL, s == CEILING, s >= FIRST_SOLID
    colour[is_floor] = albedo(floor, p[is_floor, 0], p[is_floor, 2])
    along_x = np.abs(n[:, 2]) > np.abs(n[:, 0])  # a wall facing ±z runs along x
    u = np.where(along_x, p[:, 0], p[:, 2])
    colour[is_wall] = albedo(wall, u[is_wall], p[is_wall, 1])
    colour[is_ceiling] = CEILING_RGB
    if is_solid.any():
        colour[is_solid] = solid_rgb[s[is_solid] - FIRST_SOLID]
    lit = LIGHTS[light]
    direction = np.asarray(lit.direction, float)
    direction /= np.linalg.norm(direction)
    key = np.clip(n @ direction, 0.0, 1.0)[:, None] * np.asarray(lit.rgb)[None]
    image = colour * (np.asarray(lit.ambient)[None] + key)
    return np.clip(image, 0, 255).round().astype(np.uint8).reshape(*shape, 3)
