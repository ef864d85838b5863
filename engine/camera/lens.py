"""Lens maths: focal length (mm) and film back (mm) <-> field of view and pixel intrinsics.

Field of view is derived, never stored. The film back is the part of the sensor the delivery
aspect uses (``Project.film_back_mm``). Images fit the film back's width (square pixels): an
image taller than the delivery aspect shows more above and below, never less at the sides.
"""

from __future__ import annotations

import numpy as np


def fov_deg(focal_mm, film_mm):
    """Angle of view (degrees) across a film dimension of ``film_mm``."""
    return np.rad2deg(2.0 * np.arctan(np.asarray(film_mm, float) / (2.0 * np.asarray(focal_mm, float))))


def focal_from_fov(fov_degrees, film_mm):
    return np.asarray(film_mm, float) / (2.0 * np.tan(np.deg2rad(np.asarray(fov_degrees, float)) / 2.0))


def horizontal_fov_deg(focal_mm, film_back_mm) -> np.ndarray:
    return fov_deg(focal_mm, film_back_mm[0])


def vertical_fov_deg(focal_mm, film_back_mm) -> np.ndarray:
    return fov_deg(focal_mm, film_back_mm[1])


def focal_pixels(focal_mm, film_back_mm, width_px: int):
    """Focal length in pixels for an image ``width_px`` wide that spans the film back's width."""
    return np.asarray(focal_mm, float) * (width_px / film_back_mm[0])


def intrinsics(focal_mm: float, film_back_mm, width_px: int, height_px: int) -> np.ndarray:
    """3x3 pinhole matrix (OpenCV convention, pixel centres at integer + 0.5)."""
    f = float(focal_pixels(focal_mm, film_back_mm, width_px))
    return np.array([[f, 0.0, width_px / 2.0], [0.0, f, height_px / 2.0], [0.0, 0.0, 1.0]])
