"""Starting noise that moves with the set: each frame's noise is the frame before's, carried along
the grey-box geometry (depth and the true cameras), so what a pixel-space model paints from it sticks
to the walls and floor as the camera moves instead of boiling in place.

This is the idea of noise warping (Chang et al., "How I Warped Your Noise", 2024; Go-with-the-Flow,
2025; Time-to-Move starts from a warped reference the same way), here with the exact motion the
grey-box knows rather than estimated optical flow. A pixel whose surface point was hidden or outside
the frame before (a disocclusion) gets fresh noise; ``keep`` < 1 mixes fresh noise into every pixel
(keep·warped + √(1-keep²)·fresh stays unit-variance), which loosens the tie where nearest-pixel
warping repeats a value under a zoom or a push. The first frame of a later shot starts from the
first shot's noise where it sees the same surfaces, so the same wall starts alike in every shot.
"""

from __future__ import annotations

import numpy as np
import torch

from engine.greybox.passes import FAR_VIS, NEAR_VIS

DEPTH_TOLERANCE = 0.05  # a point is the same surface when its depths agree to 5 %


def control_depth(control: np.ndarray) -> np.ndarray:
    """Z-depth (metres; inf for sky) from a control's channel 0 (``engine.render.dit_control``:
    inverse depth on the passes' fixed log scale, -1 for sky)."""
    t = (np.asarray(control[..., 0], np.float64) + 1.0) / 2.0
    depth = FAR_VIS * np.exp(t * np.log(NEAR_VIS / FAR_VIS))
    return np.where(t > 1e-4, depth, np.inf)


def _rays(h: int, w: int, focal_px: float) -> np.ndarray:
    """(H, W, 3) camera-axis rays (OpenCV: x right, y down, z forward) through pixel centres, z = 1."""
    u, v = np.meshgrid(np.arange(w) + 0.5 - w / 2.0, np.arange(h) + 0.5 - h / 2.0)
    return np.stack([u / focal_px, v / focal_px, np.ones_like(u)], axis=-1)


def correspondence(depth_dst: np.ndarray, c2w_dst: np.ndarray, focal_dst: float, depth_src: np.ndarray, c2w_src: np.ndarray, focal_src: float) -> tuple[np.ndarray, np.ndarray]:
    """For every pixel of the destination frame, the flat index of the source frame's pixel that
    sees the same surface point (nearest pixel), and whether it does (in frame, in front, not hidden)."""
    h, w = depth_dst.shape
    rays = _rays(h, w, focal_dst)
    sky = ~np.isfinite(depth_dst)
    rot_dst, rot_src = c2w_dst[:3, :3], c2w_src[:3, :3]
    world = (rays * np.where(sky, 0.0, depth_dst)[..., None]) @ rot_dst.T + c2w_dst[:3, 3]  # sky: a direction, below
    directions = rays @ rot_dst.T
    local = np.where(sky[..., None], directions @ rot_src, (world - c2w_src[:3, 3]) @ rot_src)  # R^T x, row-wise
    z = local[..., 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        u = np.floor(local[..., 0] / z * focal_src + w / 2.0)
        v = np.floor(local[..., 1] / z * focal_src + h / 2.0)
    inside = (z > 1e-6) & (u >= 0) & (u < w) & (v >= 0) & (v < h)
    ui, vi = np.where(inside, u, 0).astype(int), np.where(inside, v, 0).astype(int)
    seen = depth_src[vi, ui]
    same = np.where(sky, ~np.isfinite(seen), np.isfinite(seen) & (np.abs(seen - z) <= DEPTH_TOLERANCE * np.abs(z)))
    return (vi * w + ui).ravel(), (inside & same).ravel()


def warped_noise(depths: list[np.ndarray], c2ws: list[np.ndarray], focals: list[np.ndarray], channels: int, generator: torch.Generator, keep: float = 1.0) -> list[torch.Tensor]:
    """Per shot, (1, C, N, H, W) starting noise carried along the shots' geometry: ``depths`` (N, H, W)
    z-depth per shot, ``c2ws`` (N, 4, 4) OpenCV camera-to-world, ``focals`` (N,) in pixels."""
    if not 0.0 <= keep <= 1.0:
        raise ValueError(f"keep is between 0 and 1 (got {keep})")
    mix = float(np.sqrt(max(1.0 - keep * keep, 0.0)))
    out = []
    first: tuple[np.ndarray, np.ndarray, float, np.ndarray] | None = None
    for depth, c2w, focal in zip(depths, c2ws, focals):
        n, h, w = depth.shape
        fresh = torch.randn((channels, n, h * w), generator=generator).numpy()
        noise = np.empty_like(fresh)
        noise[:, 0] = fresh[:, 0]
        if first is not None:  # a later shot starts from the first shot's noise where it sees the same set
            idx, ok = correspondence(depth[0], c2w[0], float(focal[0]), first[0], first[1], first[2])
            noise[:, 0] = np.where(ok, keep * first[3][:, idx] + mix * fresh[:, 0], fresh[:, 0])
        for t in range(1, n):
            idx, ok = correspondence(depth[t], c2w[t], float(focal[t]), depth[t - 1], c2w[t - 1], float(focal[t - 1]))
            noise[:, t] = np.where(ok, keep * noise[:, t - 1][:, idx] + mix * fresh[:, t], fresh[:, t])
        if first is None:
            first = (depth[0], c2w[0], float(focal[0]), noise[:, 0].copy())
        out.append(torch.from_numpy(noise.reshape(1, channels, n, h, w)).float())
    return out
