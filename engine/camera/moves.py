"""Move presets: camera keys for a shot from a start framing, a subject and a few parameters.

Every preset takes a :class:`MoveContext` (start framing, shot length, fps, optional subject,
easing) plus ``amount`` (metres, degrees or a focal ratio, per move) or ``speed`` (that unit per
second; amount = speed x shot seconds), and returns a :class:`ShotCamera` to put on a shot.
``handheld`` is a modifier that composes with any of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.spatial.transform import Rotation

from engine.camera.bake import bake_keys
from engine.camera.conventions import look_at_rotation
from engine.camera.path import CameraPath
from engine.camera.framing import subject_eye_drop
from engine.errors import ShotlineError
from engine.project import MAX_FOCAL_MM, MIN_FOCAL_MM, CameraKey, Interpolation, Project, Shot, Subject, SubjectKey


@dataclass
class Framing:
    """Where the camera starts: position, rotation and focal length."""

    position: np.ndarray
    rotation: Rotation
    focal_mm: float = 35.0

    @classmethod
    def looking_at(cls, eye, target, focal_mm: float = 35.0, roll_deg: float = 0.0) -> "Framing":
        return cls(np.asarray(eye, float), look_at_rotation(eye, target, roll_deg), focal_mm)

    @property
    def forward(self) -> np.ndarray:
        return self.rotation.apply([0.0, 0.0, -1.0])

    @property
    def right(self) -> np.ndarray:
        return self.rotation.apply([1.0, 0.0, 0.0])


@dataclass
class MoveContext:
    start: Framing
    frames: int
    fps: float = 24.0
    subject: Subject | None = None
    easing: Interpolation = "ease"
    target: np.ndarray | None = None  # what to keep framed when there is no subject

    @property
    def seconds(self) -> float:
        return max(self.frames - 1, 1) / self.fps

    @property
    def last(self) -> int:
        return max(self.frames - 1, 0)


def framing_at(path: CameraPath, frame: int) -> Framing:
    """The camera of ``path`` at ``frame`` as a framing a move can start from."""
    return Framing(path.positions[frame].copy(), Rotation.from_matrix(path.c2w[frame, :3, :3]), float(path.focal_mm[frame]))


@dataclass
class ShotCamera:
    """What a preset puts on a shot: keys, path space and any subject motion."""

    keys: list[CameraKey]
    path_space: str = "world"
    pivot: str | None = None
    subject_keys: list[SubjectKey] = field(default_factory=list)

    def apply_to(self, shot: Shot) -> Shot:
        return shot.model_copy(
            update={
                "keys": self.keys,
                "path_space": self.path_space,
                "pivot": self.pivot,
                "subject_keys": self.subject_keys,
            }
        )


def _amount(ctx: MoveContext, amount: float | None, speed: float | None, default: float) -> float:
    if amount is not None and speed is not None:
        raise ShotlineError("give a move's amount or its speed, not both", "move", "amount")
    if speed is not None:
        return float(speed) * ctx.seconds
    return float(default if amount is None else amount)


def _key(ctx: MoveContext, frame: int, position, rotation: Rotation, focal: float | None = None, **extra) -> CameraKey:
    return CameraKey(
        frame=int(frame),
        position=tuple(float(v) for v in position),
        orientation=tuple(float(v) for v in rotation.as_quat()),
        focal_mm=float(ctx.start.focal_mm if focal is None else focal),
        interp_in=ctx.easing,
        interp_out=ctx.easing,
        **extra,
    )


def aim_point(ctx: MoveContext) -> tuple[np.ndarray, float | None]:
    """The point the start framing looks at: on the subject's axis, else the target, else 5 m ahead.

    Returns the point and, with a subject, its height as a fraction of the subject's height.
    """
    fwd = ctx.start.forward
    if ctx.subject is None:
        if ctx.target is not None:
            return np.asarray(ctx.target, float), None
        return ctx.start.position + 5.0 * fwd, None
    s = np.asarray(ctx.subject.position, float)
    flat = np.array([fwd[0], 0.0, fwd[2]])
    horizontal = np.hypot(*(s - ctx.start.position)[[0, 2]])
    slope = fwd[1] / max(np.linalg.norm(flat), 1e-6)
    height = ctx.start.position[1] + horizontal * slope - s[1]
    # A look-at aims at this fraction of a standing figure, lowered by the pose (interpolate.aim_heights):
    # count the pose the shot starts in back in, so the first frame keeps the start framing.
    drop = subject_eye_drop(ctx.subject)
    fraction = float(np.clip((height + drop) / ctx.subject.height, 0.0, 1.2))
    return s + np.array([0.0, fraction * ctx.subject.height - drop, 0.0]), fraction


def _look_keys(ctx: MoveContext, frames, positions, focals=None) -> list[CameraKey]:
    """Keys aimed at the subject (with a look-at constraint) or at the start's aim point."""
    target, fraction = aim_point(ctx)
    roll = np.rad2deg(ctx.start.rotation.as_euler("YXZ")[2])
    keys = []
    for i, (frame, pos) in enumerate(zip(frames, positions)):
        extra = {}
        if ctx.subject is not None:
            extra = {"look_at": ctx.subject.name, "look_at_height": fraction}
        focal = None if focals is None else focals[i]
        keys.append(_key(ctx, frame, pos, look_at_rotation(pos, target, roll), focal, **extra))
    return keys


# -- the presets ------------------------------------------------------------------------------

# Each preset's amount when none is given, by preset (its unit in AMOUNT_UNITS); a push in with a
# subject goes this fraction of the way to it.
DEFAULT_AMOUNTS = {
    "pan": 30.0, "tilt": 20.0, "roll": 15.0, "dolly": 1.0, "truck": 1.5, "pedestal": 0.6, "crane": 2.0,
    "arc": 90.0, "zoom": 2.0, "dolly_zoom": 0.5, "follow": 3.0,
}
DOLLY_SUBJECT_FRACTION = 0.4
AMOUNT_UNITS = {
    "pan": "°", "tilt": "°", "roll": "°", "dolly": " m", "truck": " m", "pedestal": " m", "crane": " m",
    "arc": "°", "zoom": "×", "dolly_zoom": " of the distance", "follow": " m",
}


def static(ctx: MoveContext) -> ShotCamera:
    return ShotCamera([_key(ctx, 0, ctx.start.position, ctx.start.rotation)])


def pan(ctx: MoveContext, direction: str = "right", amount=None, speed=None) -> ShotCamera:
    """Yaw about world up; ``amount`` in degrees (default 30)."""
    deg = _amount(ctx, amount, speed, DEFAULT_AMOUNTS["pan"]) * (1.0 if direction == "left" else -1.0)
    return _turn(ctx, lambda f: Rotation.from_rotvec([0.0, np.deg2rad(deg * f), 0.0]) * ctx.start.rotation, deg)


def tilt(ctx: MoveContext, direction: str = "up", amount=None, speed=None) -> ShotCamera:
    """Pitch about the camera's own horizontal axis; degrees (default 20)."""
    deg = _amount(ctx, amount, speed, DEFAULT_AMOUNTS["tilt"]) * (1.0 if direction == "up" else -1.0)
    return _turn(ctx, lambda f: ctx.start.rotation * Rotation.from_rotvec([np.deg2rad(deg * f), 0.0, 0.0]), deg)


def roll(ctx: MoveContext, direction: str = "left", amount=None, speed=None) -> ShotCamera:
    """Rotate about the lens axis; degrees (default 15). Roll left lifts the image's right side."""
    deg = _amount(ctx, amount, speed, DEFAULT_AMOUNTS["roll"]) * (1.0 if direction == "left" else -1.0)
    return _turn(ctx, lambda f: ctx.start.rotation * Rotation.from_rotvec([0.0, 0.0, np.deg2rad(deg * f)]), deg)


def _turn(ctx: MoveContext, rotation_at, degrees: float) -> ShotCamera:
    """Keys of a turn on the spot, at most 90 degrees apart so that turns past 180 go the way asked
    (two keys would be joined the short way round); interior keys keep the turn's speed."""
    steps = max(1, int(np.ceil(abs(degrees) / 90.0)))
    frames = sorted(set(np.linspace(0, ctx.last, steps + 1).round().astype(int).tolist()))
    n = max(len(frames) - 1, 1)
    keys = [_key(ctx, f, ctx.start.position, rotation_at(i / n)) for i, f in enumerate(frames)]
    for k in keys[1:-1]:
        k.interp_in = k.interp_out = "bezier"
    return ShotCamera(keys)


def _two_keys(ctx: MoveContext, end_pos, end_rot: Rotation, end_focal=None) -> ShotCamera:
    return ShotCamera(
        [_key(ctx, 0, ctx.start.position, ctx.start.rotation), _key(ctx, ctx.last, end_pos, end_rot, end_focal)]
    )


def _subject_distance(ctx: MoveContext) -> float:
    target, _ = aim_point(ctx)
    return float(np.linalg.norm(target - ctx.start.position))


def dolly(ctx: MoveContext, direction: str = "in", amount=None, speed=None) -> ShotCamera:
    """Push in / pull out along the lens axis; metres (default 40 % of the subject distance, else 1 m).

    With a subject the camera keeps aiming at it, so the move stays on the lens axis.
    """
    default = DOLLY_SUBJECT_FRACTION * _subject_distance(ctx) if ctx.subject is not None else DEFAULT_AMOUNTS["dolly"]
    dist = _amount(ctx, amount, speed, default)
    if direction == "in" and ctx.subject is not None and dist >= _subject_distance(ctx) - 0.05:
        raise ShotlineError(f"a push in of {dist:.2f} m would pass through {ctx.subject.name}", "move", "amount")
    sign = 1.0 if direction == "in" else -1.0
    end = ctx.start.position + sign * dist * ctx.start.forward
    if ctx.subject is not None:
        # along the line to the point it looks at, so the aim holds still all the way: off it, a close
        # push swings the look by degrees as it nears (the framing's point sits off the lens axis)
        target, _ = aim_point(ctx)
        line = target - ctx.start.position
        end = ctx.start.position + sign * dist * line / max(float(np.linalg.norm(line)), 1e-9)
        return ShotCamera(_look_keys(ctx, [0, ctx.last], [ctx.start.position, end]))
    return _two_keys(ctx, end, ctx.start.rotation)


def _horizontal(v: np.ndarray) -> np.ndarray:
    h = np.array([v[0], 0.0, v[2]])
    n = np.linalg.norm(h)
    return h / n if n > 1e-9 else np.array([1.0, 0.0, 0.0])


def truck(ctx: MoveContext, direction: str = "right", amount=None, speed=None) -> ShotCamera:
    """Slide sideways along the camera's horizontal right; metres (default 1.5)."""
    dist = _amount(ctx, amount, speed, DEFAULT_AMOUNTS["truck"]) * (1.0 if direction == "right" else -1.0)
    return _two_keys(ctx, ctx.start.position + dist * _horizontal(ctx.start.right), ctx.start.rotation)


def pedestal(ctx: MoveContext, direction: str = "up", amount=None, speed=None) -> ShotCamera:
    """Raise or lower the camera without tilting; metres (default 0.6)."""
    dist = _amount(ctx, amount, speed, DEFAULT_AMOUNTS["pedestal"]) * (1.0 if direction == "up" else -1.0)
    return _two_keys(ctx, ctx.start.position + [0.0, dist, 0.0], ctx.start.rotation)


def crane(ctx: MoveContext, direction: str = "up", amount=None, speed=None) -> ShotCamera:
    """Boom up or down while tilting to keep the subject (or the aim point) framed; metres (default 2)."""
    dist = _amount(ctx, amount, speed, DEFAULT_AMOUNTS["crane"])
    if direction == "down":
        # A crane cannot take the lens below the floor; stop 20 cm above it.
        dist = -min(dist, max(ctx.start.position[1] - 0.2, 0.0))
    frames = np.linspace(0, ctx.last, 5).round().astype(int) if ctx.subject is None else [0, ctx.last]
    frames = sorted(set(int(f) for f in frames))
    n = max(len(frames) - 1, 1)
    positions = [ctx.start.position + [0.0, dist * i / n, 0.0] for i in range(len(frames))]
    return ShotCamera(_look_keys(ctx, frames, positions))


def arc(ctx: MoveContext, direction: str = "left", amount=None, speed=None) -> ShotCamera:
    """Orbit the subject by ``amount`` degrees (default 90) toward the camera's left or right.

    The path is interpolated around the subject (distance and height held), keys at most 45 degrees
    apart so arcs beyond 180 degrees go the way asked, not the short way.
    """
    if ctx.subject is None:
        raise ShotlineError("an arc needs a subject to move around", "move", "subject")
    deg = _amount(ctx, amount, speed, DEFAULT_AMOUNTS["arc"])
    sign = -1.0 if direction == "left" else 1.0  # increasing azimuth moves the camera to its right
    pivot = np.asarray(ctx.subject.position, float)
    d = ctx.start.position - pivot
    radius, az0 = np.hypot(d[0], d[2]), np.arctan2(d[0], d[2])
    steps = max(1, int(np.ceil(abs(deg) / 45.0)))
    frames = np.linspace(0, ctx.last, steps + 1).round().astype(int)
    frames = sorted(set(int(f) for f in frames))
    azimuths = az0 + sign * np.deg2rad(deg) * np.linspace(0.0, 1.0, len(frames))
    positions = [pivot + [radius * np.sin(a), d[1], radius * np.cos(a)] for a in azimuths]
    keys = _look_keys(ctx, frames, positions)
    # Interior keys keep the orbit's speed; only the ends take the move's easing.
    for k in keys[1:-1]:
        k.interp_in = k.interp_out = "bezier"
    return ShotCamera(keys, path_space="subject", pivot=ctx.subject.name)


def zoom(ctx: MoveContext, direction: str = "in", amount=None, speed=None) -> ShotCamera:
    """Change focal length by a ratio (default 2x in, 1/2 out); the camera does not move."""
    ratio = _amount(ctx, amount, speed, DEFAULT_AMOUNTS["zoom"])
    if ratio <= 0:
        raise ShotlineError("a zoom ratio must be positive", "move", "amount")
    ratio = ratio if direction == "in" else 1.0 / ratio
    end_focal = float(np.clip(ctx.start.focal_mm * ratio, MIN_FOCAL_MM, MAX_FOCAL_MM))
    return _two_keys(ctx, ctx.start.position, ctx.start.rotation, end_focal)


def dolly_zoom(ctx: MoveContext, direction: str = "in", amount=None, speed=None) -> ShotCamera:
    """Dolly toward (in) or away from (out) the subject while the focal length keeps it the same size.

    ``amount`` is the fraction of the distance travelled (default 0.5). Focal length is kept
    proportional to distance (f = f0 d / d0); position and focal share their keys and easing,
    so the proportion holds on every frame.
    """
    frac = _amount(ctx, amount, speed, DEFAULT_AMOUNTS["dolly_zoom"])
    target, _ = aim_point(ctx)
    d0 = float(np.linalg.norm(target - ctx.start.position))
    d1 = d0 * (1.0 - frac) if direction == "in" else d0 * (1.0 + frac)
    if d1 <= 0.05:
        raise ShotlineError("a dolly zoom cannot reach the subject", "move", "amount")
    end = target + (ctx.start.position - target) * (d1 / d0)
    focal1 = ctx.start.focal_mm * d1 / d0
    return ShotCamera(_look_keys(ctx, [0, ctx.last], [ctx.start.position, end], [ctx.start.focal_mm, focal1]))


def follow(ctx: MoveContext, to=None, amount=None, speed=None) -> ShotCamera:
    """Track a walking subject: it walks to ``to`` (default 3 m along its facing from the camera's
    right), the camera keeps its offset and aims at it. Both move at constant speed."""
    if ctx.subject is None:
        raise ShotlineError("follow needs a subject to track", "move", "subject")
    start = np.asarray(ctx.subject.position, float)
    if to is None:
        dist = _amount(ctx, amount, speed, DEFAULT_AMOUNTS["follow"])
        to = start + dist * _horizontal(ctx.start.right)
    to = np.asarray(to, float)
    offset = ctx.start.position - start
    linear = MoveContext(ctx.start, ctx.frames, ctx.fps, ctx.subject, "linear", ctx.target)
    keys = _look_keys(linear, [0, ctx.last], [ctx.start.position, to + offset])
    sk = [
        SubjectKey(subject=ctx.subject.name, frame=0, position=tuple(map(float, start))),
        SubjectKey(subject=ctx.subject.name, frame=ctx.last, position=tuple(map(float, to))),
    ]
    return ShotCamera(keys, subject_keys=sk)


def follow_along(ctx: MoveContext, frames, subject_path) -> list[CameraKey]:
    """Keys of a follow that keeps its start offset from the subject on every one of ``frames``
    (``subject_path`` (N,3), where the subject stands then): the camera waits while they get up,
    walks when they walk and stops when they stop, aimed at them throughout."""
    subject_path = np.asarray(subject_path, float)
    positions = ctx.start.position + (subject_path - subject_path[0])
    linear = MoveContext(ctx.start, ctx.frames, ctx.fps, ctx.subject, "linear", ctx.target)
    return _look_keys(linear, [int(f) for f in frames], list(positions))


def handheld(
    camera: ShotCamera,
    ctx: MoveContext,
    amplitude: float = 1.0,
    seed: int = 0,
    every: int = 2,
    project: Project | None = None,
) -> ShotCamera:
    """Add an operator's sway to any move: smooth, seeded, realistic size.

    ``amplitude`` 1.0 is a steady operator: about 6 mm of position sway and 0.3 degrees of
    pan/tilt (0.2 of roll) standard deviation, with most energy below 2 Hz. The move is baked into
    keys every ``every`` frames; any look-at constraint is baked into the orientations.
    """
    from engine.camera.interpolate import evaluate_shot  # the modifier needs the evaluator (a throwaway shot: no cache)

    subjects = [ctx.subject] if ctx.subject is not None else []
    if project is None:
        project = Project(fps=ctx.fps, subjects=subjects)
    shot = camera.apply_to(Shot(id="handheld", name="handheld", duration=max(ctx.frames, 1), keys=camera.keys))
    base = evaluate_shot(project, shot)
    rng = np.random.default_rng(seed)
    n = len(base)
    sigma = max(ctx.fps / 8.0, 1.0)  # frames; keeps sway below ~2 Hz like a body holding a camera

    def smooth_noise(dims: int, std: float) -> np.ndarray:
        pad = int(4 * sigma)
        raw = gaussian_filter1d(rng.standard_normal((n + 2 * pad, dims)), sigma, axis=0)[pad : pad + n]
        return raw / max(raw.std(), 1e-12) * std

    pos_noise = smooth_noise(3, 0.006 * amplitude)
    ang_noise = smooth_noise(3, 1.0) * np.array([0.3, 0.3, 0.2]) * amplitude  # pan, tilt, roll degrees
    c2w = base.c2w.copy()
    c2w[:, :3, 3] += pos_noise
    c2w[:, :3, :3] = (base.rotations * Rotation.from_euler("YXZ", ang_noise, degrees=True)).as_matrix()
    # A key every ``every`` frames keeps the sway's shape; the tolerance pass adds any it misses.
    keys = bake_keys(CameraPath(c2w, base.focal_mm, base.film_back_mm, base.fps), every=every, rot_tol_deg=0.05, pos_tol_m=0.001)
    return ShotCamera(keys, subject_keys=camera.subject_keys)


# name -> (preset, fixed keyword arguments): what the Moves menu and the planner offer.
MOVES: dict[str, tuple[Callable[..., ShotCamera], dict]] = {
    "static": (static, {}),
    "pan_left": (pan, {"direction": "left"}),
    "pan_right": (pan, {"direction": "right"}),
    "tilt_up": (tilt, {"direction": "up"}),
    "tilt_down": (tilt, {"direction": "down"}),
    "roll_left": (roll, {"direction": "left"}),
    "roll_right": (roll, {"direction": "right"}),
    "push_in": (dolly, {"direction": "in"}),
    "pull_out": (dolly, {"direction": "out"}),
    "truck_left": (truck, {"direction": "left"}),
    "truck_right": (truck, {"direction": "right"}),
    "pedestal_up": (pedestal, {"direction": "up"}),
    "pedestal_down": (pedestal, {"direction": "down"}),
    "crane_up": (crane, {"direction": "up"}),
    "crane_down": (crane, {"direction": "down"}),
    "arc_left": (arc, {"direction": "left"}),
    "arc_right": (arc, {"direction": "right"}),
    "zoom_in": (zoom, {"direction": "in"}),
    "zoom_out": (zoom, {"direction": "out"}),
    "dolly_zoom_in": (dolly_zoom, {"direction": "in"}),
    "dolly_zoom_out": (dolly_zoom, {"direction": "out"}),
    "follow": (follow, {}),
}


def apply_move(name: str, ctx: MoveContext, **params) -> ShotCamera:
    """Run a preset by its menu name (``push_in``, ``arc_left`` …)."""
    try:
        fn, fixed = MOVES[name]
    except KeyError:
        raise ShotlineError(f"unknown move {name!r}; known: {', '.join(MOVES)}", "move", "name") from None
    return fn(ctx, **fixed, **params)


# -- moves kept on a shot with their parameters (Shot.move) -------------------------------------


def preset_of(name: str) -> str:
    """The preset function's name behind a menu name (``push_in`` -> ``dolly``): its amount's key."""
    return MOVES[name][0].__name__


def default_amount(name: str, ctx: MoveContext) -> float | None:
    """What ``amount`` a preset uses when given none (None for a move that takes no amount)."""
    preset = preset_of(name)
    if preset == "dolly" and ctx.subject is not None:
        return DOLLY_SUBJECT_FRACTION * _subject_distance(ctx)
    return DEFAULT_AMOUNTS.get(preset)


def move_context(project: Project, shot: Shot, move=None) -> MoveContext:
    """Where a kept move starts: the shot's own camera (its keys, on its rig) at the move's start."""
    from engine.camera.interpolate import evaluate_shot  # the evaluator calls back into this module

    move = move or shot.move
    base = shot.model_copy(update={"move": None})
    start = framing_at(evaluate_shot(project, base, [float(move.start)]), 0)
    frames = shot.duration - move.start if move.frames is None else min(move.frames, shot.duration - move.start)
    subject = project.subject(move.subject) if move.subject else None
    return MoveContext(start, max(frames, 1), project.fps, subject, "ease" if move.easing == "ease" else "linear")


def move_camera(project: Project, shot: Shot, move=None) -> ShotCamera:
    """The camera a kept move makes of ``shot``: the preset's keys, shaped by the move's speed curve
    and shifted to its start. Raises ShotlineError when the preset cannot run (an arc without a subject)."""
    move = move or shot.move
    ctx = move_context(project, shot, move)
    params = {} if move.amount is None or default_amount(move.name, ctx) is None else {"amount": move.amount}
    camera = apply_move(move.name, ctx, **params)
    keys = [k.model_copy() for k in camera.keys]
    if move.easing in ("ease_in", "ease_out") and len(keys) > 1:
        keys[0].interp_out = keys[0].interp_in = "ease" if move.easing == "ease_in" else "linear"
        keys[-1].interp_in = keys[-1].interp_out = "ease" if move.easing == "ease_out" else "linear"
    if move.start:
        keys = [k.model_copy(update={"frame": k.frame + move.start}) for k in keys]
        subject_keys = [k.model_copy(update={"frame": k.frame + move.start}) for k in camera.subject_keys]
        camera = ShotCamera(keys, camera.path_space, camera.pivot, subject_keys)
    else:
        camera = ShotCamera(keys, camera.path_space, camera.pivot, camera.subject_keys)
    return camera


def shot_with_move(project: Project, shot: Shot) -> Shot:
    """``shot`` with its kept move turned into the keys it evaluates to (no move left on it).

    A move that can no longer run (its subject walked into the push in's way) holds the start
    framing rather than break every view; the inspector says why (``move_camera`` raises it).
    The shot's own subject keys stay: the document writes a follow's walk onto the shot when the
    move is applied or edited."""
    try:
        camera = move_camera(project, shot)
    except ShotlineError:
        return shot.model_copy(update={"move": None})
    return shot.model_copy(update={"keys": camera.keys, "path_space": camera.path_space, "pivot": camera.pivot, "move": None})
