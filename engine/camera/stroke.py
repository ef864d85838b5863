"""A stroke drawn by hand -> a shot's camera: smoothed positions, an aim, a timing, then keys.

A stroke is what the mouse left: world points with the time (seconds) each was drawn at. It is
smoothed along its length (so a slow, densely sampled stretch is smoothed as much as a fast,
sparse one), its ends kept where they were drawn, and laid over a range of the shot's frames:

- timing ``hand`` follows the speed of the hand: the shot's frames span the stroke's drawing time,
  so the camera is slow where the hand was slow (a pause is a hold);
- ``even`` spreads the frames evenly along the stroke's length (constant speed);
- ``ease`` does the same with a smooth start and stop (cubic ease in and out).

The aim is one of: look at a subject (its moving position per frame), look along the path, keep
the orientation the shot had at the first covered frame, or look at a point. Redrawing over part
of a shot replaces only the frames the stroke covers; the first and last few of those are blended
from the old camera into the new one so there is no jump. ``bake_keys`` then turns the dense
camera into a few editable keys within a stated tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.spatial.transform import Rotation, Slerp

from engine.camera.bake import bake_keys
from engine.camera.conventions import look_at_rotations
from engine.camera.interpolate import aim_heights, subject_positions
from engine.camera.path import CameraPath
from engine.camera.rigs import DollyRig
from engine.camera.rigs.evaluate import constrain_shot
from engine.errors import ShotlineError
from engine.project import CameraKey, Project, Shot

AimMode = Literal["subject", "along", "keep", "point"]
Timing = Literal["hand", "even", "ease"]
AIM_MODES: tuple[str, ...] = ("subject", "along", "keep", "point")
TIMINGS: tuple[str, ...] = ("hand", "even", "ease")

DEFAULT_SMOOTH_M = 0.05  # Gaussian sigma along the stroke: a mouse's jitter, not the move's shape
DRAW_POS_TOL_M = 0.02  # the keys reproduce the drawn camera within 2 cm ...
DRAW_ROT_TOL_DEG = 0.5  # ... and half a degree
BLEND_FRAMES = 8  # frames at each end of a partial redraw that fade from the old camera to the new
TRACK_STEP_M = 0.25  # a track laid from a stroke has a point this often (a smooth curve through them)
MAX_TRACK_STEPS = 400


@dataclass(frozen=True)
class Stroke:
    """Points (N,3) in the world, drawn at ``times`` (N,) seconds (non-decreasing)."""

    points: np.ndarray
    times: np.ndarray

    @classmethod
    def of(cls, points, times=None) -> "Stroke":
        p = np.asarray(points, float).reshape(-1, 3)
        t = np.arange(len(p), dtype=float) if times is None else np.asarray(times, float).reshape(-1)
        if len(p) != len(t):
            raise ShotlineError(f"{len(p)} points but {len(t)} times", "stroke", "times")
        if not (np.all(np.isfinite(p)) and np.all(np.isfinite(t))):
            raise ShotlineError("points and times must be finite numbers", "stroke", "points")
        if np.any(np.diff(t) < 0):
            raise ShotlineError("times must not go backwards", "stroke", "times")
        return cls(p, t)

    def __len__(self) -> int:
        return len(self.points)

    def then(self, more: "Stroke") -> "Stroke":
        """This stroke continued by ``more`` (Shift adds to the stroke): the pause between counts as none."""
        if not len(self):
            return more
        shift = self.times[-1] - (more.times[0] if len(more) else 0.0)
        return Stroke(np.concatenate([self.points, more.points]), np.concatenate([self.times, more.times + shift]))

    def reversed(self) -> "Stroke":
        return Stroke(self.points[::-1].copy(), (self.times[-1] - self.times)[::-1].copy())

    @property
    def length(self) -> float:
        return float(np.linalg.norm(np.diff(self.points, axis=0), axis=1).sum()) if len(self) > 1 else 0.0


def _cumulative_length(points: np.ndarray) -> np.ndarray:
    return np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])


def _at_lengths(points: np.ndarray, cum: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Points along the polyline at arc lengths ``s`` (linear between vertices)."""
    keep = np.concatenate([[True], np.diff(cum) > 1e-12])  # repeated points: one vertex
    return np.stack([np.interp(s, cum[keep], points[keep, i]) for i in range(3)], axis=1)


def smooth_polyline(points: np.ndarray, smooth_m: float = DEFAULT_SMOOTH_M, samples: int | None = None) -> np.ndarray:
    """The stroke resampled evenly along its length and smoothed with a Gaussian of ``smooth_m``
    metres; the first and last points stay exactly where they were drawn (odd reflection at the ends,
    which also leaves straight lines straight)."""
    points = np.asarray(points, float)
    cum = _cumulative_length(points)
    length = cum[-1]
    if length <= 1e-9:
        return points[:1].repeat(2, axis=0)
    n = samples or int(np.clip(np.ceil(length / max(smooth_m / 4.0, 1e-3)), 16, 4000))
    even = _at_lengths(points, cum, np.linspace(0.0, length, n))
    sigma = smooth_m / (length / (n - 1))
    if sigma < 0.3:  # narrower than the sampling: nothing to smooth (and a Gaussian that thin is 0/0)
        return even
    pad = min(int(np.ceil(4 * sigma)), n - 1)
    head = 2.0 * even[0] - even[1 : pad + 1][::-1]
    tail = 2.0 * even[-1] - even[-pad - 1 : -1][::-1]
    padded = np.concatenate([head, even, tail])
    out = gaussian_filter1d(padded, sigma, axis=0, mode="nearest")[pad : pad + n]
    out[0], out[-1] = even[0], even[-1]
    return out


def frame_lengths(stroke: Stroke, frames: int, timing: Timing) -> np.ndarray:
    """Fraction (0..1) of the stroke's length the camera has travelled on each of ``frames`` frames."""
    u = np.linspace(0.0, 1.0, frames) if frames > 1 else np.zeros(1)
    if timing == "even":
        return u
    if timing == "ease":
        return u * u * (3.0 - 2.0 * u)
    if timing == "hand":
        cum = _cumulative_length(stroke.points)
        t0, t1 = stroke.times[0], stroke.times[-1]
        if cum[-1] <= 1e-12 or t1 - t0 <= 1e-9:  # no timing in the stroke: evenly
            return u
        # Distance drawn by each instant of the drawing; the shot's frames span the drawing time.
        return np.interp(t0 + u * (t1 - t0), stroke.times, cum) / cum[-1]
    raise ShotlineError(f"unknown timing {timing!r} (one of {', '.join(TIMINGS)})", "stroke", "timing")


def stroke_positions(stroke: Stroke, frames: int, timing: Timing, smooth_m: float = DEFAULT_SMOOTH_M) -> np.ndarray:
    """(frames,3) camera positions along the smoothed stroke, timed as ``timing`` says."""
    if len(stroke) < 2 or stroke.length <= 1e-9:
        raise ShotlineError("a stroke needs at least two distinct points", "stroke", "points")
    smooth = smooth_polyline(stroke.points, smooth_m)
    cum = _cumulative_length(smooth)
    return _at_lengths(smooth, cum, frame_lengths(stroke, frames, timing) * cum[-1])


def along_rotations(positions: np.ndarray, fallback: Rotation) -> Rotation:
    """Looking the way the camera travels, level; where it travels straight up or down (a crane)
    or stands still, it keeps the heading it had (``fallback`` before it first moves)."""
    ahead = np.gradient(positions, axis=0) if len(positions) > 1 else np.zeros((1, 3))
    start = -fallback.apply([0.0, 0.0, 1.0])
    start = np.array([start[0], 0.0, start[2]])
    if np.linalg.norm(start) < 1e-9:  # the shot looked straight down or up: any heading
        start = np.array([0.0, 0.0, -1.0])
    flat = ahead * [1.0, 0.0, 1.0]
    size = np.linalg.norm(flat, axis=1)
    moving = (size > 0.25 * np.linalg.norm(ahead, axis=1)) & (size > 1e-9)
    # Each frame takes the heading of the last frame (up to it) that moved sideways.
    last = np.maximum.accumulate(np.where(moving, np.arange(len(ahead)), -1))
    headings = np.where((last >= 0)[:, None], flat[np.maximum(last, 0)] / np.maximum(size[np.maximum(last, 0)], 1e-300)[:, None], start)
    return look_at_rotations(np.zeros_like(headings), headings)


def aim_rotations(positions: np.ndarray, aim: AimMode, start: Rotation, targets: np.ndarray | None = None) -> Rotation:
    """The camera's rotation on each frame for an aim mode. ``targets``: (N,3) or (3,) the point
    looked at (the subject at its look-at height on each frame, or a fixed point)."""
    n = len(positions)
    if aim == "keep":
        return Rotation.from_quat(np.tile(start.as_quat(), (n, 1)))
    if aim == "along":
        return along_rotations(positions, start)
    if aim in ("subject", "point"):
        if targets is None:
            raise ShotlineError(f"aim {aim!r} needs a target", "stroke", "aim")
        targets = np.broadcast_to(np.asarray(targets, float), (n, 3))
        return look_at_rotations(positions, targets)
    raise ShotlineError(f"unknown aim {aim!r} (one of {', '.join(AIM_MODES)})", "stroke", "aim")


def _smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def splice(old: CameraPath, new_c2w: np.ndarray, start: int, blend: int = BLEND_FRAMES, blend_start: bool = True, blend_end: bool = True) -> CameraPath:
    """``old`` with frames ``start .. start+len(new_c2w)-1`` replaced by ``new_c2w``; over the first
    and last ``blend`` of those frames the new camera is pulled onto the old one (positions offset
    and rotations slerped by a smoothstep weight), so the cut-in is continuous."""
    c2w = old.c2w.copy()
    m = len(new_c2w)
    stop = start + m
    seg = np.asarray(new_c2w, float).copy()
    k = np.arange(m, dtype=float)
    b = max(min(int(blend), m // 2), 1)
    w_start = 1.0 - _smoothstep(k / b) if blend_start and start > 0 else np.zeros(m)
    w_end = 1.0 - _smoothstep((m - 1 - k) / b) if blend_end and stop < len(old) else np.zeros(m)
    if w_start.any() or w_end.any():
        # Pull toward the old camera at the frame just outside each end.
        before = c2w[start - 1] if start > 0 else seg[0]
        after = c2w[stop] if stop < len(old) else seg[-1]
        seg[:, :3, 3] += w_start[:, None] * (before[:3, 3] - seg[0, :3, 3]) + w_end[:, None] * (after[:3, 3] - seg[-1, :3, 3])
        rot = Rotation.from_matrix(seg[:, :3, :3])
        for w, other in ((w_start, before), (w_end, after)):
            idx = np.flatnonzero(w > 0)
            if len(idx):
                out = []
                for i in idx:
                    pair = Rotation.from_matrix(np.stack([rot[i].as_matrix(), other[:3, :3]]))
                    out.append(Slerp([0.0, 1.0], pair)([w[i]]).as_matrix()[0])
                mats = rot.as_matrix()
                mats[idx] = np.asarray(out)
                rot = Rotation.from_matrix(mats)
        seg[:, :3, :3] = rot.as_matrix()
    c2w[start:stop] = seg
    return CameraPath(c2w, old.focal_mm.copy(), old.film_back_mm, old.fps, old.name)


@dataclass(frozen=True)
class DrawnCamera:
    """What a stroke made of a shot: the dense camera and the keys fitted to it."""

    path: CameraPath
    keys: list[CameraKey]
    frames: tuple[int, int]  # first and last frame the stroke covers
    pos_tol_m: float
    rot_tol_deg: float


def draw_camera(
    old: CameraPath,
    stroke: Stroke,
    *,
    aim: AimMode = "along",
    timing: Timing = "even",
    targets: np.ndarray | None = None,
    frames: tuple[int, int] | None = None,
    smooth_m: float = DEFAULT_SMOOTH_M,
    look_at: str | None = None,
    look_at_height: float = 0.9,
    pos_tol_m: float = DRAW_POS_TOL_M,
    rot_tol_deg: float = DRAW_ROT_TOL_DEG,
    blend: int = BLEND_FRAMES,
) -> DrawnCamera:
    """The shot's camera ``old`` with the stroke drawn over ``frames`` (first, last; the whole shot
    when None), and keys within ``pos_tol_m`` / ``rot_tol_deg`` of it.

    ``targets`` is what the camera looks at for aim ``subject`` or ``point``, (N,3) per frame of the
    whole shot or one (3,) point. ``look_at`` (a subject name) goes on the keys when the stroke
    covers the whole shot with aim ``subject``, so the keys keep aiming at the subject when edited.
    """
    n = len(old)
    a, b = (0, n - 1) if frames is None else (int(frames[0]), int(frames[1]))
    if a > b:  # drawn against the path's direction over the frames it covers
        a, b, stroke = b, a, stroke.reversed()
    if not 0 <= a <= b < n:
        raise ShotlineError(f"frames {a}..{b} are not inside the shot (0..{n - 1})", "stroke", "frames")
    if b == a and n > 1:
        raise ShotlineError("a stroke must cover at least two frames", "stroke", "frames")
    count = b - a + 1
    positions = stroke_positions(stroke, count, timing, smooth_m)
    seg_targets = None
    if targets is not None:
        t = np.asarray(targets, float)
        seg_targets = t[a : b + 1] if t.ndim == 2 else t
    rotations = aim_rotations(positions, aim, old.rotations[a], seg_targets)
    seg = np.tile(np.eye(4), (count, 1, 1))
    seg[:, :3, :3] = rotations.as_matrix()
    seg[:, :3, 3] = positions
    path = splice(old, seg, a, blend)
    whole = a == 0 and b == n - 1
    fields = {"look_at": look_at, "look_at_height": look_at_height} if whole and aim == "subject" and look_at else {}
    keys = bake_keys(path, pos_tol_m=pos_tol_m, rot_tol_deg=rot_tol_deg, **fields)
    return DrawnCamera(path, keys, (a, b), pos_tol_m, rot_tol_deg)


def covered_frames(old_positions: np.ndarray, stroke: Stroke, snap_m: float) -> tuple[int, int] | None:
    """The frames a redraw covers: when both ends of the stroke start and end within ``snap_m`` of
    the existing path (seen from above), the frames nearest them, in order; else None (the whole
    shot). A stroke drawn against the path's direction covers the same frames, reversed by the caller."""
    if len(stroke) < 2 or len(old_positions) < 3:
        return None
    flat = old_positions[:, [0, 2]]
    ends = []
    for p in (stroke.points[0], stroke.points[-1]):
        d = np.linalg.norm(flat - p[[0, 2]], axis=1)
        i = int(np.argmin(d))
        if d[i] > snap_m:
            return None
        ends.append(i)
    if abs(ends[1] - ends[0]) < 2 or {min(ends), max(ends)} == {0, len(old_positions) - 1}:
        return None
    return ends[0], ends[1]


def draw_on_shot(
    project: Project,
    shot: Shot,
    old: CameraPath,
    stroke: Stroke,
    *,
    aim: AimMode = "along",
    timing: Timing = "even",
    subject: str | None = None,
    point=None,
    frames: tuple[int, int] | None = None,
    look_at_height: float = 0.9,
    **options,
) -> tuple[Shot, DrawnCamera]:
    """``shot`` with the stroke drawn over its camera ``old`` (its evaluated path): world keys (a
    subject-space shot becomes a world one), aimed at ``subject`` (a name in the project) at
    ``look_at_height`` of its height, or at ``point``."""
    on_track = isinstance(shot.rig, DollyRig)
    if on_track:
        frames = None  # the stroke is the whole track: the camera runs along all of it over the shot
    targets = None
    if aim == "subject":
        if not subject:
            raise ShotlineError("aim at a subject needs the subject's name", "stroke", "subject")
        frames_all = np.arange(shot.duration, dtype=float)
        base = subject_positions(project, shot, subject, frames_all)
        targets = base + np.outer(aim_heights(project, shot, subject, frames_all, look_at_height), [0.0, 1.0, 0.0])
    elif aim == "point":
        if point is None:
            raise ShotlineError("aim at a point needs the point", "stroke", "point")
        targets = np.asarray(point, float)
    drawn = draw_camera(old, stroke, aim=aim, timing=timing, targets=targets, frames=frames,
                        look_at=subject if aim == "subject" else None, look_at_height=look_at_height, **options)
    update = {"keys": drawn.keys, "path_space": "world", "pivot": None, "move": None}
    if on_track:  # with a dolly on the shot, the stroke becomes its track and the keys ride it
        update["rig"] = track_from_stroke(stroke, shot.rig, options.get("smooth_m", DEFAULT_SMOOTH_M))
        return constrain_shot(project, shot.model_copy(update=update)), drawn
    return shot.model_copy(update=update), drawn


def track_from_stroke(stroke: Stroke, rig: DollyRig, smooth_m: float = DEFAULT_SMOOTH_M) -> DollyRig:
    """A dolly track laid along the (smoothed) stroke: a smooth track through points every
    ``TRACK_STEP_M``, on the floor below the stroke, the lens at the stroke's lowest height above it
    (the camera height the stroke was drawn at, on the ground plane)."""
    line = smooth_polyline(stroke.points, smooth_m)
    cum = _cumulative_length(line)
    if cum[-1] < 0.01:
        raise ShotlineError(f"a stroke of {cum[-1] * 100:.2g} cm is too short for a dolly track", "stroke", "points")
    count = int(np.clip(np.ceil(cum[-1] / TRACK_STEP_M), 1, MAX_TRACK_STEPS)) + 1
    points = _at_lengths(line, cum, np.linspace(0.0, cum[-1], count))
    height = float(np.clip(points[:, 1].min(), 0.0, 100.0))
    points = points - [0.0, height, 0.0]
    return rig.model_copy(update={"track": [tuple(map(float, p)) for p in points], "smooth": True, "height": height})
