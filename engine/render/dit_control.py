"""The control a DiT follows: a shot's grey-box passes as the model's input channels.

The bundled model takes 7 channels per pixel, in [-1, 1], concatenated to its noisy frames:

- 0: inverse depth on the passes' fixed log scale (near bright, ``engine.greybox.passes``), -1 for sky;
- 1–3: the surface normal in world axes (+Y up), so the caption's light has one direction in
  every shot whatever the camera does; 0 for sky;
- 4–6: the flat colour of what the pixel sees: a subject's own colour, fixed codes for the
  floor, the room's walls and ceiling, black for sky (the id pass made into colours).

The same function serves the training data (the numpy ray caster's hits) and the engine (the
grey-box renderer's depth / normal / id passes), so the model sees at run time what it learnt on.
"""

from __future__ import annotations

import numpy as np

from engine.greybox.passes import FAR_VIS, NEAR_VIS

CHANNELS = 7
FLOOR_CODE = (96, 96, 96)
WALL_CODE = (200, 200, 200)
CEILING_CODE = (150, 150, 150)
SKY_CODE = (0, 0, 0)


def inverse_depth(depth: np.ndarray) -> np.ndarray:
    """Metres -> [0, 1], 1 at 0.3 m, 0 at 100 m and beyond (and for inf)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.log(np.clip(depth, NEAR_VIS, FAR_VIS) / FAR_VIS) / np.log(NEAR_VIS / FAR_VIS)
    return np.where(np.isfinite(depth), t, 0.0)


def encode(depth: np.ndarray, normal_world: np.ndarray, flat_rgb: np.ndarray) -> np.ndarray:
    """(…, H, W) metres, (…, H, W, 3) unit normals, (…, H, W, 3) uint8 colours -> (…, H, W, 7) float32."""
    d = inverse_depth(depth)[..., None] * 2.0 - 1.0
    n = np.where(np.isfinite(depth)[..., None], normal_world, 0.0)
    c = flat_rgb.astype(np.float32) / 127.5 - 1.0
    return np.concatenate([d, n, c], axis=-1).astype(np.float32)


def camera_to_world_normals(normal_cam: np.ndarray, c2w: np.ndarray) -> np.ndarray:
    """The grey-box normal pass (camera axes, OpenGL) -> world axes with the frame's camera-to-world."""
    return normal_cam @ np.asarray(c2w, float)[:3, :3].T


def preview(control: np.ndarray) -> np.ndarray:
    """(H, W, 7) -> (H, W, 3) uint8 for a person: the flat colours darkened with distance."""
    near = (control[..., :1] + 1.0) / 2.0
    colour = (control[..., 4:7] + 1.0) * 127.5
    return np.clip(colour * (0.35 + 0.65 * near), 0, 255).round().astype(np.uint8)
