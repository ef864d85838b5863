"""Depth of field on a rendered frame, from its depth pass and the camera's lens (thin lens).

The circle of confusion of a point at depth d, with focal length f, T-stop N (taken as the f-number:
the light lost in the glass does not change the geometry) and focus distance s, is, on the sensor,

    c = f² / N · |d − s| / (d · (s − f))

and in pixels c · width_px / film_back_width_mm. The blur is a gather over disc kernels (the shape
of a lens's aperture) in octaves (``_gather``): discs of 1 and 2 px at full size, wider blurs on
the frame halved again and again, every pixel blending the blurs around its own radius; wide discs
average only pixels that are themselves soft, so a sharp subject does not bleed its colour into the
soft background behind it. Sky (infinite depth) blurs as far away. The largest radius is capped
at ``MAX_RADIUS_FRACTION`` of the frame width: a previz shows that something is soft, it does not
need a lens's full bokeh. (A gather cannot spread a soft foreground over a sharp background: the
edge of an out-of-focus shoulder in front of a sharp face stays crisper than a lens would draw it.)
"""

from __future__ import annotations

import cv2
import numpy as np

MAX_RADIUS_FRACTION = 1.0 / 40.0  # 21 px at 832 wide
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


DISC_1, DISC_2 = _disc(1.0), _disc(2.0)


def _lerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    out = b - a
    out *= t[..., None]
    out += a
    return out


def _masked_blur(src: np.ndarray, weight: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Average of the pixels with weight under ``kernel`` (black where none is: every caller blends
    such a pixel in with weight 0, or never reads it)."""
    num = cv2.filter2D(src * weight[..., None], -1, kernel, borderType=cv2.BORDER_REFLECT)
    den = cv2.filter2D(weight, -1, kernel, borderType=cv2.BORDER_REFLECT)
    np.maximum(den, 1e-4, out=den)
    num /= den[..., None]
    return num


def _gather(src: np.ndarray, radius: np.ndarray, soft: np.ndarray | None = None) -> np.ndarray:
    """One octave: radii up to 2 px blurred here (discs of 1 and 2 px), larger ones by the same
    gather on the frame at half the size, blended in from 2 to 4 px. So every octave draws two
    small discs and a few whole-frame sums, and the wide blurs cost a quarter as much each octave
    down: a blur of 16 px is a 2 px disc three halvings down.

    A disc averages only pixels that are themselves at least half as soft (``soft``: those the
    octave above handed down), so a sharp subject's colour does not bleed into the soft
    background behind it."""
    top = float(radius.max()) if radius.size else 0.0
    if top < 0.05:
        return src
    soft1 = cv2.filter2D(src, -1, DISC_1, borderType=cv2.BORDER_REFLECT) if soft is None else _masked_blur(src, soft, DISC_1)
    out = _lerp(src, soft1, np.minimum(radius, 1.0))
    if top <= 1.0:
        return out
    weight = (radius >= 1.0).astype(np.float32)
    if soft is not None:
        weight *= soft
    out = _lerp(out, _masked_blur(src, weight, DISC_2), np.clip(radius - 1.0, 0.0, 1.0))
    h, w = radius.shape
    if top > 2.0 and min(h, w) >= 8:
        half = ((w + 1) // 2, (h + 1) // 2)
        share = cv2.resize(weight, half, interpolation=cv2.INTER_AREA)
        keep = share > 1e-4
        safe = np.maximum(share, 1e-4)
        small_src = cv2.resize(src * weight[..., None], half, interpolation=cv2.INTER_AREA) / safe[..., None]
        small_radius = np.where(keep, cv2.resize(radius * weight, half, interpolation=cv2.INTER_AREA) / safe * 0.5, 0.0).astype(np.float32)
        kept = keep.astype(np.float32)
        small = _gather(small_src, small_radius, kept)
        # Back up to this size from the kept pixels only (bilinear, renormalised): a sharp
        # neighbour's empty coarse pixel must not darken the soft ones beside it.
        up = cv2.resize(kept, (w, h), interpolation=cv2.INTER_LINEAR)[..., None]
        coarse = cv2.resize(small * kept[..., None], (w, h), interpolation=cv2.INTER_LINEAR)
        coarse /= np.maximum(up, 1e-4)  # 0 only far from any soft pixel, where the blend takes none
        out = _lerp(out, coarse, np.clip((radius - 2.0) * 0.5, 0.0, 1.0))
    return out


def apply_depth_of_field(image: np.ndarray, depth: np.ndarray, focal_mm: float, t_stop: float, focus_m: float, film_width_mm: float) -> np.ndarray:
    """``image`` (H,W,3) uint8 as a lens focused at ``focus_m`` would see it; ``depth`` (H,W) metres."""
    h, w = depth.shape
    limit = MAX_RADIUS_FRACTION * w
    radius = np.minimum(coc_radius_px(depth, focal_mm, t_stop, focus_m, film_width_mm, w), limit)
    if float(radius.max()) < 0.25:
        return image.copy()
    out = _gather(image.astype(np.float32), radius)
    out += 0.5
    return np.clip(out, 0, 255).astype(np.uint8)
