"""Depth of field on a rendered frame, from its depth pass and the camera's lens (thin lens).

The circle of confusion of a point at depth d, with focal length f, T-stop N (taken as the f-number:
the light lost in the glass does not change the geometry) and focus distance s, is, on the sensor,

    c = f² / N · |d − s| / (d · (s − f))

and in pixels c · width_px / film_back_width_mm. The blur is a gather over a few disc kernels (the
shape of a lens's aperture): the frame is blurred once per radius level with OpenCV, each level
averaging only pixels at least that blurred (so a sharp subject does not bleed its colour into the
soft background behind it), and every pixel takes its own radius between the two nearest levels.
Sky (infinite depth) blurs as far away. The largest radius is capped at ``MAX_RADIUS_FRACTION`` of
the frame width: a previz shows that something is soft, it does not need a lens's full bokeh.
"""

from __future__ import annotations

import cv2
import numpy as np

MAX_RADIUS_FRACTION = 1.0 / 48.0  # 17 px at 832 wide
LEVELS = (0.0, 1.0, 2.0, 4.0, 7.0, 11.0, 17.0)  # radii in px at 832 wide; between two, a blend
REFERENCE_WIDTH = 832
FAR_M = 1.0e4  # where sky is


def coc_radius_px(depth: np.ndarray, focal_mm: float, t_stop: float, focus_m: float, film_width_mm: float, width_px: int) -> np.ndarray:
    """Radius in pixels of each pixel's circle of confusion (thin lens)."""
    f = focal_mm / 1000.0
    s = max(float(focus_m), f * 1.001)  # focus closer than the focal length cannot be: the nearest it can be
    d = np.where(np.isfinite(depth), np.maximum(depth, 1e-3), FAR_M).astype(np.float32)
    diameter_m = (f * f / t_stop) * np.abs(d - s) / (d * (s - f))
    return (0.5 * diameter_m * 1000.0 / film_width_mm * width_px).astype(np.float32)


def _disc(radius: float) -> np.ndarray:
    r = int(np.ceil(radius))
    y, x = np.mgrid[-r : r + 1, -r : r + 1]
    # Anti-aliased edge: the disc's coverage of each kernel pixel, roughly.
    k = np.clip(radius + 0.5 - np.hypot(x, y), 0.0, 1.0).astype(np.float32)
    return k / k.sum()


def _soft(rgbw: np.ndarray, radius: float) -> np.ndarray:
    """(H,W,4) premultiplied colour + weight, blurred by a disc of ``radius`` px. Wide discs are
    drawn at a half or a quarter of the size (a soft picture has no detail to lose): 2-5 ms each
    instead of OpenCV's 50 ms for a large kernel at full size."""
    q = 1 if radius <= 3.0 else 2 if radius <= 6.0 else 4
    if q == 1:
        return cv2.filter2D(rgbw, -1, _disc(radius), borderType=cv2.BORDER_REFLECT)
    h, w = rgbw.shape[:2]
    small = cv2.resize(rgbw, ((w + q - 1) // q, (h + q - 1) // q), interpolation=cv2.INTER_AREA)
    small = cv2.filter2D(small, -1, _disc(radius / q), borderType=cv2.BORDER_REFLECT)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def apply_depth_of_field(image: np.ndarray, depth: np.ndarray, focal_mm: float, t_stop: float, focus_m: float, film_width_mm: float) -> np.ndarray:
    """``image`` (H,W,3) uint8 as a lens focused at ``focus_m`` would see it; ``depth`` (H,W) metres."""
    h, w = depth.shape
    scale = w / REFERENCE_WIDTH
    levels = [r * scale for r in LEVELS]
    radius = np.minimum(coc_radius_px(depth, focal_mm, t_stop, focus_m, film_width_mm, w), levels[-1])
    top = float(radius.max())
    if top < levels[1]:
        return image.copy()
    src = image.astype(np.float32)
    # Each pixel blends the two levels around its radius (hat weights); level 0 is the sharp frame.
    stops = np.asarray(levels, np.float32)
    below = np.clip(np.searchsorted(stops, radius, side="right") - 1, 0, len(stops) - 2)
    t = np.clip((radius - stops[below]) / (stops[below + 1] - stops[below]), 0.0, 1.0)
    share = np.where(below == 0, 1.0 - t, 0.0).astype(np.float32)
    out = src * share[..., None]
    used = set(np.unique(below).tolist())
    for k in range(1, len(stops)):
        if k not in used and k - 1 not in used:
            continue  # no pixel's radius is near this level
        # Average only what is at least as soft as the level below: no sharp colour in a soft halo.
        weight = (radius >= stops[k - 1]).astype(np.float32)
        soft = _soft(cv2.merge([src[..., 0] * weight, src[..., 1] * weight, src[..., 2] * weight, weight]), float(stops[k]))
        den = soft[..., 3]
        share = np.where(below == k, 1.0 - t, np.where(below == k - 1, t, 0.0)).astype(np.float32)
        share = np.where(den > 1e-3, share / np.maximum(den, 1e-3), 0.0).astype(np.float32)
        out += soft[..., :3] * share[..., None]
        # Where nothing that soft was near (den 0) the pixel keeps its own colour for that share.
        lost = np.where(den <= 1e-3, np.where(below == k, 1.0 - t, np.where(below == k - 1, t, 0.0)), 0.0).astype(np.float32)
        out += src * lost[..., None]
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)
