"""Where the camera stands for a shot: the cinematographer's rules for size, angle and the line.

Sizes set the distance from the subject's height, the lens and the film back
(:mod:`engine.camera.framing`); angles set the camera's elevation, azimuth and roll; in a scene with
two subjects every camera stays on one side of the line between them (the 180-degree rule) unless the
director asks to cross it, which keeps screen direction across cuts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.spatial.transform import Rotation

from engine.camera.framing import BODY_LINES, EYES, EYES_FORWARD, SHOT_SIZES, distance_for_size, solve_framing, subject_eye_drop
from engine.camera.moves import Framing
from engine.project import Subject

DEFAULT_FOCAL = {"EWS": 18.0, "WS": 24.0, "FS": 32.0, "MLS": 35.0, "MS": 40.0, "MCU": 50.0, "CU": 65.0, "ECU": 100.0, "INSERT": 85.0}
ELEVATION_DEG = {"high": 30.0, "low": -25.0, "overhead": 85.0}  # the camera above (below) the eyes, seen from them
WORMS_EYE_HEIGHT = 0.12  # metres: the lens on the floor
MIN_LENS_HEIGHT = 0.45  # a low angle steeper than this is a worm's-eye
ROLL_DEG = {"dutch": 15.0}
# Azimuth of the camera from the subject's facing, toward the scene's side of the line (degrees).
AZIMUTH_DEG = {"frontal": 0.0, "three-quarter": 45.0, "profile": 90.0, "from behind": 180.0}
SINGLE_AZIMUTH_DEG = 40.0  # a single in a dialogue: looking past the other's shoulder line
UP = np.array([0.0, 1.0, 0.0])


def _flat(v) -> np.ndarray:
    v = np.array([v[0], 0.0, v[2]], float)
    n = np.linalg.norm(v)
    return v / n if n > 1e-9 else np.array([0.0, 0.0, 1.0])


@dataclass
class Scene:
    """The set as the planner sees it: subjects, the line of action and the side the camera keeps."""

    subjects: list[Subject]
    side: float = 1.0  # +1 / -1: which side of the line of action the cameras stand

    def subject(self, name: str | None) -> Subject | None:
        return next((s for s in self.subjects if s.name == name), None)

    def pos(self, s: Subject) -> np.ndarray:
        return np.asarray(s.position, float)

    @property
    def line(self) -> tuple[Subject, Subject] | None:
        return (self.subjects[0], self.subjects[1]) if len(self.subjects) >= 2 else None

    def side_normal(self) -> np.ndarray:
        """Unit ground vector perpendicular to the line of action, toward the cameras' side."""
        if self.line is None:
            return np.array([0.0, 0.0, 1.0]) * self.side
        a, b = (self.pos(s) for s in self.line)
        d = _flat(b - a)
        return np.array([-d[2], 0.0, d[0]]) * self.side

    def other(self, s: Subject) -> Subject | None:
        """The subject ``s`` plays against: the other end of the line."""
        if self.line is None:
            return None
        a, b = self.line
        return b if s.name == a.name else a

    def facing(self, s: Subject) -> np.ndarray:
        """Where the subject's face points, from its blocking (yaw 0 faces +Z)."""
        yaw = np.deg2rad(s.facing)
        return np.array([np.sin(yaw), 0.0, np.cos(yaw)])


@dataclass
class Placement:
    framing: Framing
    subject: Subject
    distance: float
    aim: np.ndarray
    notes: list[str]


def aim_point(s: Subject, size: str) -> np.ndarray:
    """Where a shot of ``s`` at ``size`` aims: its height on a standing figure, as far lower as the
    pose lowers the eyes (a point of view from a seated person); an insert on a person aims at their
    hands as the pose holds them."""
    if s.is_person and size == "INSERT":
        return np.asarray(s.position, float) + UP * _hands_height(s.pose, float(s.height))
    drop = subject_eye_drop(s)
    return np.asarray(s.position, float) + UP * max(SHOT_SIZES[size].aim * s.height - drop, 0.1 * s.height)


@lru_cache(maxsize=64)
def _hands_height(pose: str, height: float) -> float:
    from engine.greybox import mannequin as M

    figure = M.pose_figure(M.preset_angles(pose if pose not in ("walk", "run") else "stand"), (0.0, 0.0, 0.0), 0.0, height)
    return float(np.mean([figure.joint("wrist_l")[1], figure.joint("wrist_r")[1]]))


def place(
    scene: Scene,
    subject: Subject,
    size: str,
    angles: list[str],
    film_height_mm: float,
    focal_mm: float | None = None,
    foreground: Subject | None = None,
    pov_of: Subject | None = None,
    two_shot: bool = False,
    azimuth_jitter_deg: float = 0.0,
    height_jitter: float = 0.0,
) -> Placement:
    """The start framing of a shot of ``subject`` at ``size`` from ``angles``."""
    notes = []
    focal = focal_mm or DEFAULT_FOCAL[size]
    aim = aim_point(subject, size)
    side = scene.side_normal()
    facing = scene.facing(subject)
    if two_shot and scene.other(subject) is not None:
        other = scene.other(subject)
        aim = (aim + aim_point(other, size)) / 2.0
        direction = side
        notes.append(f"two-shot of {subject.name} and {other.name} from the side of the line")
    else:
        az = next((AZIMUTH_DEG[a] for a in angles if a in AZIMUTH_DEG), None)
        if az is None:
            az = SINGLE_AZIMUTH_DEG if scene.other(subject) is not None else 20.0
        az += azimuth_jitter_deg
        # Rotate the facing toward the scene's side by ``az`` about the vertical.
        toward = side - facing * (side @ facing)
        toward = _flat(toward) if np.linalg.norm(toward) > 1e-9 else _flat(np.cross(UP, facing))
        direction = np.cos(np.deg2rad(az)) * facing + np.sin(np.deg2rad(az)) * toward
    roll = next((ROLL_DEG[a] for a in angles if a in ROLL_DEG), 0.0)
    # The framing is solved on the vertical line through the eyes (the face is ahead of the body's axis),
    # at the eyes' height in the subject's pose (a seated person's are lower).
    drop = subject_eye_drop(subject)
    base = np.asarray(subject.position, float) + facing * EYES_FORWARD * subject.height
    if two_shot and scene.other(subject) is not None:
        other = scene.other(subject)
        base = (base + np.asarray(other.position, float) + scene.facing(other) * EYES_FORWARD * other.height) / 2.0

    if pov_of is not None:
        distance = distance_for_size(size, subject.height, focal, film_height_mm)
        eye = aim_point(pov_of, "ECU") + 0.1 * _flat(aim - np.asarray(pov_of.position, float))
        notes.append(f"point of view: from {pov_of.name}'s eyes")
        return Placement(Framing.looking_at(eye, aim, focal, roll), subject, float(np.linalg.norm(aim - eye)), aim, notes)
    if foreground is not None:
        # Behind the foreground subject's shoulder on the cameras' side, looking past it at the
        # subject; the lens is chosen so the subject's eyes sit on the upper third at the size's line.
        f = np.asarray(foreground.position, float)
        away = _flat(f - base)
        shoulder = 0.92 * foreground.height - subject_eye_drop(foreground)
        eye = f + away * 0.6 + side * 0.35 + UP * (shoulder + height_jitter)
        d = float(np.hypot(*(eye - base)[[0, 2]]))
        fit = solve_framing(size, subject.height, focal, film_height_mm, camera_height=float(eye[1] - base[1]), distance=d, eye_drop_m=drop)
        if focal_mm is None:
            focal = float(np.clip(fit.focal_mm, 18.0, 300.0))
        if abs(focal - fit.focal_mm) > 0.5:
            fit = solve_framing(size, subject.height, focal, film_height_mm, camera_height=float(eye[1] - base[1]), distance=d, eye_drop_m=drop)
            notes.append(f"the {focal:.0f} mm lens asked for cannot hold a {SHOT_SIZES[size].words} from this shoulder")
        notes.append(f"over {foreground.name}'s shoulder, {d:.2f} m from {subject.name} on a {focal:.0f} mm lens")
        return _placed(eye, base, fit.pitch_deg, focal, roll, subject, notes)

    vertical = next((a for a in angles if a in ("high", "low", "overhead", "worm's eye")), None)
    if vertical == "overhead" or size == "INSERT":
        # Straight down (or an object's detail): no eye line to put on a third; aim as before.
        distance = distance_for_size(size, subject.height, focal, film_height_mm)
        el = np.deg2rad(ELEVATION_DEG["overhead"] if vertical == "overhead" else 0.0)
        eye = aim + distance * (np.cos(el) * direction + np.sin(el) * UP)
        notes.append(f"{SHOT_SIZES[size].words}: camera {distance:.2f} m from {subject.name} on a {focal:.0f} mm lens")
        return Placement(Framing.looking_at(eye, aim, focal, roll), subject, distance, aim, notes)
    if vertical == "worm's eye":
        fit = solve_framing(size, subject.height, focal, film_height_mm, camera_height=WORMS_EYE_HEIGHT, eye_drop_m=drop)
        notes.append(f"worm's-eye view: lens {WORMS_EYE_HEIGHT * 100:.0f} cm above the ground")
    else:
        fit = solve_framing(size, subject.height, focal, film_height_mm, elevation_deg=ELEVATION_DEG.get(vertical, 0.0), eye_drop_m=drop)
        if fit.camera_height + height_jitter < MIN_LENS_HEIGHT:
            fit = solve_framing(size, subject.height, focal, film_height_mm, camera_height=MIN_LENS_HEIGHT, eye_drop_m=drop)
            notes.append(f"kept the lens {MIN_LENS_HEIGHT * 100:.0f} cm above the ground")
        elif height_jitter:
            fit = solve_framing(size, subject.height, focal, film_height_mm, camera_height=fit.camera_height + height_jitter, distance=fit.distance, eye_drop_m=drop)
    if abs(fit.focal_mm - focal) > 0.5:
        notes.append(f"a {fit.focal_mm:.0f} mm lens holds the {SHOT_SIZES[size].words} from there")
        focal = fit.focal_mm
    eye = base + direction * fit.distance + UP * fit.camera_height
    face = base + UP * (EYES * subject.height - drop)
    blocker = _line_of_sight_blocker(scene, eye, face, subject.name)
    if blocker is not None:  # a lens in or behind the car (or behind Jonas) sees only that: swing round the subject until clear
        for turn in (25.0, -25.0, 50.0, -50.0, 75.0, -75.0, 110.0, -110.0):
            swung = Rotation.from_rotvec(UP * np.deg2rad(turn)).apply(direction)
            candidate = base + swung * fit.distance + UP * fit.camera_height
            if _line_of_sight_blocker(scene, candidate, face, subject.name) is None:
                what = blocker if scene.subject(blocker) is not None else f"the {blocker}"  # Jonas, the water tank
                notes.append(f"swung the camera {turn:+.0f}° round {subject.name}: {what} stood between the lens and {subject.name}")
                eye = candidate
                break
    notes.append(f"{SHOT_SIZES[size].words} ({BODY_LINES[size]} at the frame's foot, eyes on the upper third): camera {fit.distance:.2f} m from {subject.name} on a {focal:.0f} mm lens")
    return _placed(eye, base, fit.pitch_deg, focal, roll, subject, notes)


PERSON_RADIUS_M = 0.25  # a standing mannequin's shoulders, as a post on the ground


def _line_of_sight_blocker(scene: Scene, eye: np.ndarray, target: np.ndarray, subject: str | None = None, margin: float = 0.1) -> str | None:
    """The name of what holds the lens or stands between it and ``target``, if anything: a library
    set piece (its real size, scaled and turned, ``margin`` around it) or another person (a post of
    their height and shoulders, where the shots before left them; ``subject`` is the one framed)."""
    from engine.greybox.library import SHAPE_SIZES

    project = getattr(scene, "project", None)
    pieces = [p for p in (project.subjects if project is not None else ()) if not p.is_person and p.shape in SHAPE_SIZES]
    people = [p for p in scene.subjects if p.is_person and p.name != subject] if subject is not None else []
    if not pieces and not people:
        return None
    eye, target = np.asarray(eye, float), np.asarray(target, float)
    along = eye + np.linspace(0.0, 0.92, 24)[:, None] * (target - eye)  # the lens and its line of sight, short of the face
    for person in people:
        rel = along - np.asarray(person.position, float)
        if np.any((np.hypot(rel[:, 0], rel[:, 2]) < PERSON_RADIUS_M + margin) & (rel[:, 1] > -margin) & (rel[:, 1] < person.height + margin)):
            return person.name
    for piece in pieces:
        x, y, z, (w, h, d), _ = in_piece_axes(piece, along)
        if np.any((np.abs(x) < w / 2 + margin) & (np.abs(z) < d / 2 + margin) & (y > -margin) & (y < h + margin)):
            return piece.name
    return None


def in_piece_axes(piece: Subject, points):
    """``points`` (..., 3) in a set piece's own axes (x across, z out of its front: yaw 0 faces +Z, y
    up from its base) as arrays x, y, z; its size (width, height, depth: the library size times its
    scale); and the cosine and sine of its yaw, to turn back."""
    from engine.greybox.library import SHAPE_SIZES

    size = tuple(float(v) for v in np.asarray(SHAPE_SIZES.get(piece.shape, (1.0, 1.0, 1.0))) * np.asarray(piece.scale))
    yaw = np.deg2rad(piece.facing)
    c, si = float(np.cos(yaw)), float(np.sin(yaw))
    rel = np.asarray(points, float) - np.asarray(piece.position, float)
    return c * rel[..., 0] - si * rel[..., 2], rel[..., 1], si * rel[..., 0] + c * rel[..., 2], size, (c, si)


def _placed(eye: np.ndarray, base: np.ndarray, pitch_deg: float, focal: float, roll: float, subject: Subject, notes: list[str]) -> Placement:
    """The camera at ``eye`` turned toward the subject's axis at ``base``, pitched ``pitch_deg``."""
    to = _flat(base - eye)
    p = np.deg2rad(pitch_deg)
    horizontal = float(np.hypot(*(base - eye)[[0, 2]]))
    aim = np.array([base[0], eye[1] + horizontal * np.tan(p), base[2]])  # where the lens axis meets the subject's axis
    # The camera turned by yaw, then pitch, then roll (camera looks down -Z): look_at_rotation's
    # result, built directly (a 500-shot script builds a thousand of these).
    yaw = np.arctan2(-to[0], -to[2])
    rotation = Rotation.from_euler("YXZ", [yaw, p, np.deg2rad(roll)])
    return Placement(Framing(np.asarray(eye, float), rotation, focal), subject, float(np.linalg.norm(aim - eye)), aim, notes)
