"""Shot sizes: how much of a person the frame holds, and the camera distance that gives it.

A size is the frame's height as a multiple of the subject's height at the subject's distance,
with the height on the body the lens aims at (eyes for close sizes, middle of the body for wide
ones). The figures follow the usual cutting points: an extreme close-up holds the eyes, a
close-up the head and top of the shoulders, a medium close-up cuts mid-chest, a medium shot at
the waist, a medium long shot (cowboy) mid-thigh, a full shot the whole body with headroom.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.errors import ShotlineError


@dataclass(frozen=True)
class ShotSize:
    code: str  # the project's ``Shot.size`` value
    words: str  # what a director says
    frame_heights: float  # frame height / subject height
    aim: float  # height on the body the lens aims at, as a fraction of the subject's height


SHOT_SIZES: dict[str, ShotSize] = {
    s.code: s
    for s in (
        ShotSize("ECU", "extreme close-up", 0.10, 0.93),
        ShotSize("CU", "close-up", 0.25, 0.88),
        ShotSize("MCU", "medium close-up", 0.36, 0.83),
        ShotSize("MS", "medium shot", 0.55, 0.72),
        ShotSize("MLS", "medium long shot", 0.80, 0.62),
        ShotSize("FS", "full shot", 1.25, 0.55),
        ShotSize("WS", "wide shot", 3.0, 0.5),
        ShotSize("EWS", "extreme wide shot", 8.0, 0.5),
        # An insert frames an object, not a person; geometry alone never classifies as one.
        ShotSize("INSERT", "insert", 0.08, 0.5),
    )
}
PERSON_SIZES = tuple(c for c in SHOT_SIZES if c != "INSERT")  # tightest first


def shot_size(code: str) -> ShotSize:
    try:
        return SHOT_SIZES[code]
    except KeyError:
        raise ShotlineError(f"unknown shot size {code!r}; known: {', '.join(SHOT_SIZES)}", "", "size") from None


def frame_height_at(distance_m, focal_mm, film_height_mm):
    """Height in metres that the frame covers at ``distance_m`` in front of a pinhole lens."""
    return np.asarray(distance_m, float) * np.asarray(film_height_mm, float) / np.asarray(focal_mm, float)


def distance_for_size(code: str, subject_height_m: float, focal_mm: float, film_height_mm: float) -> float:
    """Camera-to-subject distance at which ``focal_mm`` frames the subject at size ``code``."""
    return shot_size(code).frame_heights * subject_height_m * focal_mm / film_height_mm


def classify_size(frame_height_m: float, subject_height_m: float) -> str:
    """The person size nearest (in log scale) to a frame covering ``frame_height_m`` at the subject."""
    ratio = float(frame_height_m) / float(subject_height_m)
    if not np.isfinite(ratio) or ratio <= 0:
        raise ShotlineError(f"frame height ratio {ratio} must be positive", "", "frame_height")
    codes = np.array(PERSON_SIZES)
    heights = np.array([SHOT_SIZES[c].frame_heights for c in codes])
    return str(codes[np.argmin(np.abs(np.log(heights) - np.log(ratio)))])
