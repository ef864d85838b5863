"""Shot sizes, measured on a person: the eyes on the upper third, the frame's bottom edge on the
size's body line.

The body lines are the grey-box mannequin's own (``engine.greybox.mannequin``: the same figure the
renderer draws), as fractions of standing height:

* ECU — eyes and mouth: the bottom edge just under the mouth;
* CU — chin to forehead: the bottom edge at the chin, so the top cuts the forehead;
* MCU — the chest; MS — the waist; MLS (medium wide, cowboy) — the knees;
* FS — the whole body, the bottom edge just under the soles; WS and EWS — the whole body with room
  around it (three and eight body heights of frame).

With the eyes a third of the way down and the bottom edge on the body line, the frame's height at
the subject is 1.5 x (eyes - body line), which is how each size's ``frame_heights`` is derived.
:func:`solve_framing` places a camera (its distance and its pitch) so that both hold through a
pinhole lens at any camera height: eye level, below (low, worm's-eye) or above (high).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from engine.errors import ShotlineError
from engine.greybox import mannequin as M

UPPER_THIRD = 1.0 / 3.0  # the eyes' place from the frame's top, as a fraction of its height


def _body_fraction(y: float) -> float:
    return float(y) / M.REFERENCE_HEIGHT


def _head(offset_in_radii: float) -> float:
    head = M.OFFSETS[: M.INDEX["head"] + 1, 1].sum()  # the head joint's height, standing
    return head + offset_in_radii * M.RADII[M.INDEX["head"]]


def _joint_height(name: str) -> float:
    i, y = M.INDEX[name], 0.0
    while i >= 0:
        y += M.OFFSETS[i, 1]
        i = int(M.PARENTS[i])
    return float(y)


# Heights on a standing mannequin, as fractions of its height. The eyes are the face marker's centre
# (0.015 above the head joint, engine.greybox.mannequin.face_marker); chin and crown are the head
# sphere's bottom and top; the mouth sits half a head radius under its centre.
EYES = _body_fraction(_head(0.0) + 0.015)
MOUTH = _body_fraction(_head(-0.5))
CHIN = _body_fraction(_head(-1.0))
CROWN = _body_fraction(_head(1.0))
CHEST = _body_fraction(_joint_height("chest"))
WAIST = _body_fraction(_joint_height("spine"))
KNEES = _body_fraction(_joint_height("knee_l"))
SOLES = 0.0
EYES_FORWARD = 0.09 / M.REFERENCE_HEIGHT  # the face marker's centre ahead of the head's axis, along the facing


@dataclass(frozen=True)
class ShotSize:
    code: str  # the project's ``Shot.size`` value
    words: str  # what a director says
    frame_heights: float  # frame height / subject height, at the subject
    aim: float  # the body height at the frame's centre for a level lens (eyes a sixth of a frame above it)
    bottom: float | None = None  # the body line at the frame's bottom edge (fraction of height)


def _person(code: str, words: str, bottom: float) -> ShotSize:
    frame = (EYES - bottom) / (1.0 - UPPER_THIRD)
    return ShotSize(code, words, frame, EYES - frame * (0.5 - UPPER_THIRD), bottom)


def _wide(code: str, words: str, frame: float) -> ShotSize:
    return ShotSize(code, words, frame, EYES - frame * (0.5 - UPPER_THIRD), EYES - frame * (1.0 - UPPER_THIRD))


SHOT_SIZES: dict[str, ShotSize] = {
    s.code: s
    for s in (
        _person("ECU", "extreme close-up", MOUTH - 0.25 * (MOUTH - CHIN)),
        _person("CU", "close-up", CHIN),
        _person("MCU", "medium close-up", CHEST),
        _person("MS", "medium shot", WAIST),
        _person("MLS", "medium long shot", KNEES),
        _person("FS", "full shot", SOLES - 0.04),
        _wide("WS", "wide shot", 3.0),
        _wide("EWS", "extreme wide shot", 8.0),
        # An insert frames an object, not a person; geometry alone never classifies as one.
        ShotSize("INSERT", "insert", 0.08, 0.5),
    )
}
PERSON_SIZES = tuple(c for c in SHOT_SIZES if c != "INSERT")  # tightest first
# Each size's body line in words (what the framing checks and the docs say).
BODY_LINES = {"ECU": "under the mouth", "CU": "chin", "MCU": "chest", "MS": "waist", "MLS": "knees", "FS": "under the feet", "WS": "the whole body with headroom", "EWS": "the whole body with headroom"}


# A set piece has no body lines: how many times the frame that just holds it (its height, or its
# width across the picture) a shot of it covers. An insert or a close-up fills the frame with it, a
# wide shows it in its surroundings. Of a long piece (a ledge, a counter) a frame holds at most
# PIECE_SPAN_M across.
PIECE_FILL = {"INSERT": 1.15, "ECU": 1.15, "CU": 1.3, "MCU": 1.6, "MS": 2.0, "MLS": 2.5, "FS": 3.0, "WS": 5.0, "EWS": 10.0}
PIECE_SPAN_M = 3.0


def piece_extent(width: float, height: float, depth: float, aspect: float) -> float:
    """The frame height (metres at the piece) that just holds a piece of this size."""
    return max(height, min(max(width, depth), PIECE_SPAN_M) / aspect)


def classify_piece_size(frame_height_m: float, extent_m: float) -> str:
    """The size of a shot of a set piece whose frame covers ``frame_height_m`` (an insert, not an
    extreme close-up: the two fill the frame alike)."""
    codes = [c for c in PIECE_FILL if c != "ECU"]
    fills = np.log([PIECE_FILL[c] for c in codes])
    return codes[int(np.argmin(np.abs(fills - np.log(max(frame_height_m / extent_m, 1e-9)))))]


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


@dataclass(frozen=True)
class SolvedFraming:
    distance: float  # horizontal, camera to the subject's axis (metres)
    camera_height: float  # above the subject's floor (metres)
    pitch_deg: float  # the lens axis above the horizontal (negative looks down)
    focal_mm: float  # the lens that does it (the one asked for, unless the height forced another)


def solve_framing(
    code: str, subject_height_m: float, focal_mm: float, film_height_mm: float,
    camera_height: float | None = None, elevation_deg: float = 0.0, distance: float | None = None, eye_drop_m: float = 0.0,
) -> SolvedFraming:  # fmt: skip
    """Where a pinhole camera stands so the subject's eyes are on the upper third and the frame's
    bottom edge on the size's body line (both on the subject's vertical axis).

    The camera is either ``elevation_deg`` above the eyes as seen from them (0: eye level), or at
    ``camera_height`` (and, if given, ``distance``: then only the lens is chosen). Seen from the camera, the eyes are ``atan(t/3)`` above the lens axis and the
    bottom line ``atan(t)`` below it (t: tangent of half the vertical field of view), so the two
    points span a fixed angle; the distance is the one at which they do.

    ``eye_drop_m``: how far the eyes are below a standing subject's (seated, crouching: see
    :func:`eye_drop`); the frame keeps its span under the eyes and comes down with them.
    """
    size = shot_size(code)
    if size.bottom is None:
        raise ShotlineError(f"a {size.words} frames an object, not a person's eyes", "", "size")
    eye, bottom = EYES * subject_height_m - eye_drop_m, size.bottom * subject_height_m - eye_drop_m
    t = film_height_mm / (2.0 * focal_mm)
    up, down = np.arctan(t * (1.0 - 2.0 * UPPER_THIRD)), np.arctan(t)
    span = up + down

    def pitch_for(phi: float) -> float:
        return float(np.degrees(-phi - up))

    if camera_height is None:
        phi = np.deg2rad(elevation_deg)
        if phi + span >= np.deg2rad(89.0):
            raise ShotlineError(f"{elevation_deg:.0f} degrees above the eyes leaves no room for a {size.words} under them", "", "angle")
        d = (eye - bottom) / (np.tan(phi + span) - np.tan(phi))
        return SolvedFraming(float(d), float(eye + d * np.tan(phi)), pitch_for(phi), float(focal_mm))
    # At a given height (a worm's-eye lens on the floor) the distance cannot do it alone: seen from
    # below, eyes and body line subtend at most a small angle. The camera keeps the eye-level
    # distance (or the one where that angle is widest, if nearer) and the lens is chosen to fit.
    h = float(camera_height)
    a, b = eye - h, bottom - h
    level = (eye - bottom) / np.tan(span)
    widest = np.sqrt(abs(a * b)) if a * b > 0 else level
    d = float(max(level, widest) if a * b > 0 else level) if distance is None else float(distance)
    subtended = np.arctan2(a, d) - np.arctan2(b, d)
    # span(t) = atan(t/3) + atan(t) grows with t: bisection for the t that spans the subtended angle.
    lo, hi = 1e-6, 50.0
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if np.arctan(mid * (1.0 - 2.0 * UPPER_THIRD)) + np.arctan(mid) < subtended:
            lo = mid
        else:
            hi = mid
    t = 0.5 * (lo + hi)
    focal = film_height_mm / (2.0 * t)
    pitch = np.degrees(np.arctan2(a, d) - np.arctan(t * (1.0 - 2.0 * UPPER_THIRD)))
    return SolvedFraming(d, h, float(pitch), float(focal))


@lru_cache(maxsize=64)
def eye_drop(pose: str, height_m: float) -> float:
    """How far below a standing person's eyes a person of ``height_m`` in ``pose`` has them (the
    posed mannequin's face marker): 0 standing, about 0.45 m seated at 1.75 m."""
    if pose in ("walk", "run"):  # cycles: the head bobs about the standing height
        return 0.0
    figure = M.pose_figure(M.preset_angles(pose), (0.0, 0.0, 0.0), 0.0, height_m)
    drop = EYES * height_m - float(M.face_marker(figure)[0][1])
    return drop if drop > 0.02 else 0.0  # a gesture's lean is not a lower eye line


def subject_eye_drop(subject) -> float:
    """:func:`eye_drop` of a subject in its own pose (0 for a set piece)."""
    return eye_drop(subject.pose, float(subject.height)) if subject.is_person else 0.0
