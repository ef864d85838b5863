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

from engine.camera.framing import BODY_LINES, EYES, EYES_FORWARD, PIECE_FILL, SHOT_SIZES, WAIST, distance_for_size, piece_extent, solve_framing, subject_eye_drop
from engine.camera.moves import Framing
from engine.greybox.library import piece_size
from engine.planner.vocabulary import VERTICAL_ANGLES
from engine.project import Subject

DEFAULT_FOCAL = {"EWS": 18.0, "WS": 24.0, "FS": 32.0, "MLS": 35.0, "MS": 40.0, "MCU": 50.0, "CU": 65.0, "ECU": 100.0, "INSERT": 85.0}
ELEVATION_DEG = {"high": 30.0, "low": -25.0, "overhead": 85.0, "aerial": 45.0}  # the camera above (below) the eyes, seen from them
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
    size: str | None = None  # the size it was framed at, where that is not the one asked for


def aim_point(s: Subject, size: str) -> np.ndarray:
    """Where a shot of ``s`` at ``size`` aims: its height on a standing figure, as far lower as the
    pose lowers the eyes (a point of view from a seated person); an insert on a person aims at their
    hands as the pose holds them; a shot of a set piece, at its middle."""
    if not s.is_person:  # a set piece: its middle
        return np.asarray(s.position, float) + UP * (0.5 * piece_size(s)[1])
    if size == "INSERT":
        return np.asarray(s.position, float) + UP * _hands_height(s.pose, float(s.height))
    drop = subject_eye_drop(s)
    return np.asarray(s.position, float) + UP * max(SHOT_SIZES[size].aim * s.height - drop, 0.1 * s.height)


@lru_cache(maxsize=64)
def _hands_height(pose: str, height: float) -> float:
    from engine.greybox import mannequin as M

    figure = M.pose_figure(M.preset_angles(pose if pose not in ("walk", "run") else "stand"), (0.0, 0.0, 0.0), 0.0, height)
    return float(np.mean([figure.joint("wrist_l")[1], figure.joint("wrist_r")[1]]))


def _film_width(scene: Scene, film_height_mm: float) -> float:
    project = getattr(scene, "project", None)
    return float(project.film_back_mm()[0]) if project is not None else film_height_mm * 16.0 / 9.0


# The parts of a person that show over their shoulder, as balls: (joint, radius at 1.75 m).
SHOULDER_PARTS = (("head", 0.115), ("neck", 0.1), ("chest", 0.16), ("shoulder_l", 0.075), ("shoulder_r", 0.075), ("elbow_l", 0.06), ("elbow_r", 0.06))
SHOULDER_SHARE = (0.04, 0.25)  # of the frame the foreground covers: a shape at its edge, not a wall


def _foreground_balls(person: Subject) -> tuple[np.ndarray, np.ndarray]:
    from engine.greybox import mannequin as mq

    figure = mq.pose_figure(mq.preset_angles(person.pose if person.pose in mq.POSES else "stand"), person.position, person.facing, person.height)
    scale = person.height / mq.REFERENCE_HEIGHT
    centres, radii = np.array([figure.joint(j) for j, _ in SHOULDER_PARTS]), np.array([r for _, r in SHOULDER_PARTS]) * scale
    # and the upper arms, between shoulder and elbow
    return np.concatenate([centres, 0.5 * (centres[3:5] + centres[5:7])]), np.concatenate([radii, radii[5:7]])


def _shoulder_in_frame(framing: Framing, balls: tuple[np.ndarray, np.ndarray], face: np.ndarray, film_w: float, film_h: float) -> bool:
    """Whether the foreground person (``balls``: :func:`_foreground_balls`) covers a share of the
    frame in ``SHOULDER_SHARE`` without covering the face at ``face`` (on a grid of points across
    the frame, each ball drawn as its disc)."""
    centres, radii = balls
    inv = framing.rotation.inv()
    local = inv.apply(centres - np.asarray(framing.position, float))
    depth = -local[:, 2]
    if np.all(depth <= 0.05):
        return False
    sx, sy = film_w / (2.0 * framing.focal_mm), film_h / (2.0 * framing.focal_mm)  # tangent of the half views
    ok = depth > 0.05
    cx, cy = local[ok, 0] / depth[ok] / sx, local[ok, 1] / depth[ok] / sy
    rx, ry = radii[ok] / depth[ok] / sx, radii[ok] / depth[ok] / sy
    gx, gy = np.meshgrid(np.linspace(-0.97, 0.97, 32), np.linspace(-0.95, 0.95, 18))
    covered = (((gx[..., None] - cx) / rx) ** 2 + ((gy[..., None] - cy) / ry) ** 2 <= 1.0).any(axis=-1)
    share = float(covered.mean())
    fl = inv.apply(np.asarray(face, float) - np.asarray(framing.position, float))
    if fl[2] >= 0:
        return False
    fx, fy = fl[0] / -fl[2] / sx, fl[1] / -fl[2] / sy
    clear = bool(np.all(((fx - cx) / (rx + 0.12)) ** 2 + ((fy - cy) / (ry + 0.12)) ** 2 > 1.0))
    return SHOULDER_SHARE[0] <= share <= SHOULDER_SHARE[1] and clear


def _shoulder_search(scene, fg, balls, f, away, side, base, face, subject, size, focal, focal_mm, film_h, film_w, drop, height_jitter, roll):
    """(eye, focal, pitch) of the nearest place behind ``fg``'s shoulder from which it shows at the
    frame's edge at ``size``, or None."""
    across = _flat(side - away * float(side @ away))
    shoulder = float(balls[0][3:5, 1].max())  # the shoulder joints' height
    for back in (0.9, 1.3, 0.6, 1.8, 2.5):  # a long lens stands back from the shoulder it looks past
        for lift in (0.12, 0.2, 0.06, 0.3):
            for lateral in np.linspace(0.42, 0.08, 9):
                eye = f + away * back + across * lateral * fg.height / 1.75 + UP * (shoulder + lift + height_jitter)
                d = float(np.hypot(*(eye - base)[[0, 2]]))
                fit = solve_framing(size, subject.height, focal, film_h, camera_height=float(eye[1] - base[1]), distance=d, eye_drop_m=drop)
                lens = float(np.clip(fit.focal_mm, 18.0, 300.0)) if focal_mm is None else focal
                if abs(lens - fit.focal_mm) > 0.5:
                    continue  # the size cannot be held from here on the lenses there are
                framing = _placed(eye, base, fit.pitch_deg, lens, roll, subject, []).framing
                if _shoulder_in_frame(framing, balls, face, film_w, film_h) and _line_of_sight_blocker(scene, eye, face) is None:
                    return eye, lens, fit.pitch_deg
    return None


BODY_SIZES = ("MS", "MLS", "FS", "WS", "EWS")  # sizes whose frame shows the body below the chest
MIN_SET_FOCAL_MM = 14.0  # the widest lens the planner takes to keep a camera on the set


SIZES_WIDER = ["ECU", "CU", "MCU", "MS", "MLS", "FS", "WS", "EWS"]  # the shot sizes, tightest first
TWO_SHOT_HALF_WIDTH = 0.7  # a two-shot keeps both heads within this share of the frame's half-width


def place(scene: Scene, subject: Subject, size: str, angles: list[str], film_height_mm: float, focal_mm: float | None = None, **options) -> Placement:
    """The start framing of a shot of ``subject`` at ``size`` from ``angles``, on the set. A
    two-shot that cannot hold both people at that size (they stand too far apart) is framed a
    size wider at a time until both heads are well inside the frame, and says so. ``options``:
    those of :func:`_place_on_set` (foreground, pov_of, two_shot, jitters)."""
    placed = _place_on_set(scene, subject, size, angles, film_height_mm, focal_mm, **options)
    other = scene.other(subject) if options.get("two_shot") and options.get("foreground") is None and options.get("pov_of") is None else None
    if other is None or size not in SIZES_WIDER:
        return placed
    film_w = _film_width(scene, film_height_mm)
    for wider in SIZES_WIDER[SIZES_WIDER.index(size) :]:
        if wider != size:
            placed = _place_on_set(scene, subject, wider, angles, film_height_mm, focal_mm, **options)
        if all(abs(x) <= TWO_SHOT_HALF_WIDTH for x in _screen_x(placed.framing, [aim_point(subject, wider), aim_point(other, wider)], film_w)):
            break
    if wider != size:
        apart = float(np.hypot(*(np.asarray(subject.position, float) - np.asarray(other.position, float))[[0, 2]]))
        placed.notes.append(f"a {SHOT_SIZES[size].words} cannot hold {subject.name} and {other.name}, {apart:.1f} m apart: framed as a {SHOT_SIZES[wider].words}")
        placed.size = wider
    return placed


def _screen_x(framing: Framing, points, film_w: float) -> list[float]:
    """Where world ``points`` fall across ``framing``'s picture: -1 its left edge, +1 its right."""
    out = []
    for p in points:
        local = framing.rotation.inv().apply(np.asarray(p, float) - framing.position)
        out.append(float(local[0] / max(-local[2], 1e-6) * framing.focal_mm / (0.5 * film_w)))
    return out


def _place_on_set(
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
    """The start framing of a shot of ``subject`` at ``size`` from ``angles``, on the set.

    A framing that would put the camera outside the set's walls (:mod:`engine.planner.set_bounds`)
    is held from inside them on a wider lens, as an operator in that set would (down to
    ``MIN_SET_FOCAL_MM``), unless a lens was asked for; if no lens can, the plan says so."""
    from engine.planner.set_bounds import inside, reach, set_bounds

    args = (scene, subject, size, angles, film_height_mm)
    rest = dict(foreground=foreground, pov_of=pov_of, two_shot=two_shot, azimuth_jitter_deg=azimuth_jitter_deg, height_jitter=height_jitter)
    first = _place(*args, focal_mm, **rest)
    bounds = set_bounds(getattr(scene, "project", None))
    if inside(bounds, first.framing.position) or pov_of is not None or size == "EWS":
        return first  # an extreme wide shot may look in from beyond the set (a roof across the street, a drone)
    far = float(np.hypot(*(np.asarray(first.framing.position) - np.asarray(first.aim))[[0, 2]]))
    if not inside(bounds, first.aim):
        first.notes.append(f"{subject.name} stands outside the set's walls (x {first.aim[0]:.1f}, z {first.aim[2]:.1f} m), and so does the camera")
        return first
    if focal_mm is None and foreground is None:
        # Widest lens first: where even that leaves the set, the camera swings round the subject
        # (on the same side of the line) to where the set is deeper, as the blocker check does.
        at_wall: list[tuple[float, Placement]] = []
        for turn in (0.0, 25.0, -25.0, 50.0, -50.0, 75.0, -75.0):
            turned = rest | {"azimuth_jitter_deg": azimuth_jitter_deg + turn}
            widest = _place(*args, MIN_SET_FOCAL_MM, **turned)
            if not inside(bounds, widest.framing.position):
                edge = _held_at_the_wall(widest, bounds, subject, film_height_mm, angles)
                if edge is not None:
                    at_wall.append((turn, edge))
                continue
            # The longest lens that still stands inside: the distance grows about as the lens does,
            # so the lens that reaches the wall is the widest one's times the room over its distance.
            best = widest
            room = reach(bounds, widest.aim, widest.framing.position)
            d14 = float(np.hypot(*(np.asarray(widest.framing.position) - np.asarray(widest.aim))[[0, 2]]))
            lens = min(MIN_SET_FOCAL_MM * room / max(d14, 1e-6) * 0.98, float(first.framing.focal_mm))
            for _ in range(4):
                if lens <= MIN_SET_FOCAL_MM + 0.25:
                    break
                trial = _place(*args, lens, **turned)
                if inside(bounds, trial.framing.position):
                    best = trial
                    break
                lens *= 0.93
            swung = f", swung {turn:+.0f}° round {subject.name}" if turn else ""
            best.notes.append(
                f"a {best.framing.focal_mm:.0f} mm lens{swung} keeps the camera on the set: on the {first.framing.focal_mm:.0f} mm "
                f"the {SHOT_SIZES[size].words} put it {far:.1f} m out, past the set's walls"
            )
            return best
        # No lens holds the size from inside (a wide shot in a kitchen): as wide as the set allows,
        # the camera backed against the wall on the widest lens, the eyes still on the upper third.
        # Of the swings, the one with the most room; a swing only for clearly more (a metre or a third).
        if at_wall:
            turn, edge = max(at_wall, key=lambda te: te[1].distance)
            straight = next((e for t, e in at_wall if t == 0.0), None)
            if straight is not None and edge.distance <= max(straight.distance * 1.33, straight.distance + 1.0):
                turn, edge = 0.0, straight
            swung = f" swung {turn:+.0f}° round {subject.name} and" if turn else ""
            edge.notes.append(
                f"no lens down to {MIN_SET_FOCAL_MM:.0f} mm holds the {SHOT_SIZES[size].words} from inside the set's walls "
                f"({far:.1f} m out on the {first.framing.focal_mm:.0f} mm): the camera is{swung} backed against the wall, "
                f"{edge.distance:.1f} m from {subject.name} on a {MIN_SET_FOCAL_MM:.0f} mm lens, a tighter frame"
            )
            return edge
    why = "the lens asked for puts it there" if focal_mm else f"no lens down to {MIN_SET_FOCAL_MM:.0f} mm holds the {SHOT_SIZES[size].words} from inside"
    first.notes.append(f"the camera stands outside the set's walls (x {first.framing.position[0]:.1f}, z {first.framing.position[2]:.1f} m): {why}")
    return first


def _held_at_the_wall(first: Placement, bounds, subject: Subject, film_height_mm: float, angles: list[str]) -> Placement | None:
    """``first``'s camera pulled in along its line to the subject until it stands on the set, at
    its height, on the widest lens, pitched so the eyes stay on the upper third."""
    from engine.camera.framing import UPPER_THIRD
    from engine.planner.set_bounds import reach

    eye = np.asarray(first.framing.position, float)
    base = np.asarray(first.aim, float)
    ray = np.array([eye[0] - base[0], eye[2] - base[2]])
    length = float(np.linalg.norm(ray))
    d = min(reach(bounds, base, eye) - 0.05, length)
    if d < 0.5:
        return None
    ray /= length
    start = base[[0, 2]]
    at = np.array([start[0] + ray[0] * d, eye[1], start[1] + ray[1] * d])
    eyes = EYES * subject.height - subject_eye_drop(subject) + float(np.asarray(subject.position, float)[1])
    t = film_height_mm / (2.0 * MIN_SET_FOCAL_MM)
    pitch = float(np.degrees(np.arctan2(eyes - at[1], d) - np.arctan(t * (1.0 - 2.0 * UPPER_THIRD))))
    roll = next((ROLL_DEG[a] for a in angles if a in ROLL_DEG), 0.0)
    axis = np.array([base[0], at[1], base[2]])
    # its notes but the last, which gave the distance it now does not stand at
    return _placed(at, axis, pitch, MIN_SET_FOCAL_MM, roll, subject, list(first.notes[:-1]))


def _place(
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
    if foreground is not None and size == "INSERT":
        # "An insert of Jonas's hand, over Mara's shoulder": an insert frames the hands, with no eye
        # line for a shoulder to frame; it is planned as the insert (the framing solve has no eyes to place)
        notes.append(f"an insert frames {subject.name}'s hands, not an eye line over {foreground.name}'s shoulder: planned the insert")
        foreground = None
    if foreground is not None:
        # Behind the foreground subject's shoulder on the cameras' side, looking past it at the
        # subject; the lens is chosen so the subject's eyes sit on the upper third at the size's line.
        f = np.asarray(foreground.position, float)
        away = _flat(f - base)
        shoulder = 0.92 * foreground.height - subject_eye_drop(foreground)
        face = base + UP * (EYES * subject.height - drop)
        # Behind the shoulder, unless a set piece is there (Jonas with his back to the ledge): then
        # along the shoulder's side, on the cameras' side of the line, until the lens is clear of it.
        walls = []
        for back, across in OTS_STANDS:
            eye = f + away * back + side * across + UP * (shoulder + height_jitter)
            walls.append(_line_of_sight_blocker(scene, eye, face))
            if walls[-1] is None:
                break
        if walls[0] is not None:
            notes.append(f"the {walls[0].lower()} is behind {foreground.name}: " + (f"stood the camera {back:.1f} m behind and {across:.1f} m beside the shoulder, clear of it" if walls[-1] is None else "no place behind the shoulder is clear of it"))
        d = float(np.hypot(*(eye - base)[[0, 2]]))
        fit = solve_framing(size, subject.height, focal, film_height_mm, camera_height=float(eye[1] - base[1]), distance=d, eye_drop_m=drop)
        if focal_mm is None:
            focal = float(np.clip(fit.focal_mm, 18.0, 300.0))
        if abs(focal - fit.focal_mm) > 0.5:
            fit = solve_framing(size, subject.height, focal, film_height_mm, camera_height=float(eye[1] - base[1]), distance=d, eye_drop_m=drop)
            notes.append(f"the {focal:.0f} mm lens asked for cannot hold a {SHOT_SIZES[size].words} from this shoulder")
        placed = _placed(eye, base, fit.pitch_deg, focal, roll, subject, notes)
        film_w = _film_width(scene, film_height_mm)
        balls = _foreground_balls(foreground)
        if not _shoulder_in_frame(placed.framing, balls, face, film_w, film_height_mm):
            # On a long lens (a close-up over the shoulder) the shoulder falls outside the narrow
            # frame: a plain single. Stand further back, nearer the shoulder's line and lower, as an
            # operator does, until it is a dark shape at the frame's edge clear of the face.
            found = _shoulder_search(scene, foreground, balls, f, away, side, base, face, subject, size, focal, focal_mm, film_height_mm, film_w, drop, height_jitter, roll)
            if found is not None:
                eye, fit_focal, pitch = found
                focal = fit_focal
                d = float(np.hypot(*(eye - base)[[0, 2]]))
                notes.append(f"stood back behind {foreground.name}'s shoulder to keep it in the frame on the {focal:.0f} mm lens")
                placed = _placed(eye, base, pitch, focal, roll, subject, notes)
            else:
                notes.append(f"{foreground.name}'s shoulder is out of the frame at this size")
        notes.append(f"over {foreground.name}'s shoulder, {d:.2f} m from {subject.name} on a {focal:.0f} mm lens")
        return placed

    vertical = next((a for a in angles if a in VERTICAL_ANGLES), None)
    if not subject.is_person and pov_of is None:
        return _place_piece(scene, subject, size, vertical, focal, film_height_mm, roll, azimuth_jitter_deg, notes)
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
    # The face, and in the sizes that show the body its middle too (a vent pipe that hides Jonas
    # from the chest down spoils a wide shot as surely as one that hides his face).
    body = [face] + ([base + UP * (WAIST * subject.height - drop)] if size in BODY_SIZES else [])

    def hidden_by(at):
        return next((b for b in (_line_of_sight_blocker(scene, at, p, subject.name) for p in body) if b is not None), None)

    eye = _swung_clear(scene, subject, direction, lambda way: base + way * fit.distance + UP * fit.camera_height, hidden_by, notes)
    notes.append(f"{SHOT_SIZES[size].words} ({BODY_LINES[size]} at the frame's foot, eyes on the upper third): camera {fit.distance:.2f} m from {subject.name} on a {focal:.0f} mm lens")
    return _placed(eye, base, fit.pitch_deg, focal, roll, subject, notes)


PIECE_ELEVATION_DEG = {None: 8.0, "high": 35.0, "low": -15.0, "worm's eye": -30.0, "overhead": 85.0, "aerial": 45.0}  # the lens above (below) a piece's middle


def _place_piece(scene: Scene, piece: Subject, size: str, vertical: str | None, focal: float, film_height_mm: float, roll: float,
                 azimuth_jitter_deg: float, notes: list[str]) -> Placement:  # fmt: skip
    """A shot of a set piece: the whole piece in the frame (the person sizes' body lines mean nothing
    on a water tank), the lens a little above its middle, from the side the people are on."""
    w, h, d = piece_size(piece)
    frame_h = PIECE_FILL[size] * piece_extent(w, h, d, _film_width(scene, film_height_mm) / film_height_mm)
    at = np.asarray(piece.position, float)
    aim = aim_point(piece, size)
    people = [np.asarray(p.position, float) for p in scene.subjects if p.is_person]
    away = np.mean(people, axis=0) - at if people else np.zeros(3)
    toward = _flat(away) if np.hypot(away[0], away[2]) > 1e-6 else scene.facing(piece)
    toward = Rotation.from_rotvec(UP * np.deg2rad(20.0 + azimuth_jitter_deg)).apply(toward)
    distance = frame_h * focal / film_height_mm  # at its axis, where describe measures it
    el = np.deg2rad(PIECE_ELEVATION_DEG.get(vertical, PIECE_ELEVATION_DEG[None]))

    def eye_at(way):
        eye = aim + distance * (np.cos(el) * way + np.sin(el) * UP)
        return np.array([eye[0], max(eye[1], WORMS_EYE_HEIGHT), eye[2]])

    # someone standing between the lens and the tank: swing round it, as round a person
    eye = _swung_clear(scene, piece, toward, eye_at, lambda at: _line_of_sight_blocker(scene, at, aim, piece.name), notes)
    notes.append(f"{SHOT_SIZES[size].words} of the {piece.name.lower()}: all of it in the frame, camera {distance:.2f} m from it on a {focal:.0f} mm lens")
    return Placement(Framing.looking_at(eye, aim, focal, roll), piece, distance, aim, notes)


# Where an over-the-shoulder's lens stands from the foreground person: metres behind them (away from
# the subject) and across toward the cameras' side of the line, the first clear of the set's pieces.
OTS_STANDS = ((0.6, 0.35), (0.35, 0.4), (0.2, 0.5), (0.1, 0.75), (0.0, 1.0), (-0.2, 1.2))
SWING_DEG = (25.0, -25.0, 50.0, -50.0, 75.0, -75.0, 110.0, -110.0)


def _swung_clear(scene: Scene, subject: Subject, direction: np.ndarray, eye_at, hidden_by, notes: list[str]) -> np.ndarray:
    """The lens ``eye_at(direction)``, or, where ``hidden_by`` finds something in its way (a lens in
    or behind the car, or behind Jonas, sees only that), swung round the subject until clear."""
    eye = eye_at(direction)
    blocker = hidden_by(eye)
    if blocker is None:
        return eye
    for turn in SWING_DEG:
        candidate = eye_at(Rotation.from_rotvec(UP * np.deg2rad(turn)).apply(direction))
        if hidden_by(candidate) is None:
            what = blocker if scene.subject(blocker) is not None else f"the {blocker}"  # Jonas, the water tank
            notes.append(f"swung the camera {turn:+.0f}° round {subject.name}: {what} stood between the lens and {subject.name}")
            return candidate
    return eye


PERSON_RADIUS_M = 0.25  # a standing mannequin's shoulders, as a post on the ground


def _line_of_sight_blocker(scene: Scene, eye: np.ndarray, target: np.ndarray, subject: str | None = None, margin: float = 0.1) -> str | None:
    """The name of what holds the lens or stands between it and ``target``, if anything: a library
    set piece (its real size, scaled and turned, ``margin`` around it) or another person (a post of
    their height and shoulders, where the shots before left them; ``subject`` is the one framed)."""
    from engine.greybox.library import SHAPE_SIZES

    project = getattr(scene, "project", None)
    pieces = [p for p in (project.subjects if project is not None else ()) if not p.is_person and p.shape in SHAPE_SIZES and p.name != subject]
    people = [p for p in scene.subjects if p.is_person and p.name != subject] if subject is not None else []
    if not pieces and not people:
        return None
    eye, target = np.asarray(eye, float), np.asarray(target, float)
    along = eye + np.linspace(0.0, 0.92, 24)[:, None] * (target - eye)  # the lens and its line of sight, short of the face
    for person in people:
        rel = along - np.asarray(person.position, float)
        if np.any((np.hypot(rel[:, 0], rel[:, 2]) < PERSON_RADIUS_M + margin) & (rel[:, 1] > -margin) & (rel[:, 1] < person.height + margin)):
            return person.name
    if not pieces:
        return None
    centre, cos_sin, half, height = _piece_boxes(tuple((p.shape, tuple(p.position), float(p.facing), tuple(p.scale)) for p in pieces))
    # every piece at once, in its own axes (as in_piece_axes), in the order the pieces are listed
    rel = along[None, :, :] - centre[:, None, :]
    c, si = cos_sin[:, 0:1], cos_sin[:, 1:2]
    x, y, z = c * rel[..., 0] - si * rel[..., 2], rel[..., 1], si * rel[..., 0] + c * rel[..., 2]
    hit = ((np.abs(x) < half[:, 0:1] + margin) & (np.abs(z) < half[:, 1:2] + margin) & (y > -margin) & (y < height[:, None] + margin)).any(axis=1)
    return pieces[int(np.argmax(hit))].name if hit.any() else None


@lru_cache(maxsize=32)
def _piece_boxes(pieces: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per set piece (shape, position, facing, scale): its base centre, the cosine and sine of its
    yaw, its half width and half depth, and its height (the library size times its scale)."""
    from engine.greybox.library import SHAPE_SIZES

    size = np.array([np.asarray(SHAPE_SIZES.get(shape, (1.0, 1.0, 1.0))) * np.asarray(scale) for shape, _, _, scale in pieces], float)
    yaw = np.deg2rad([facing for _, _, facing, _ in pieces])
    centre = np.array([position for _, position, _, _ in pieces], float)
    return centre, np.stack([np.cos(yaw), np.sin(yaw)], axis=1), size[:, [0, 2]] / 2.0, size[:, 1]


def in_piece_axes(piece: Subject, points):
    """``points`` (..., 3) in a set piece's own axes (x across, z out of its front: yaw 0 faces +Z, y
    up from its base) as arrays x, y, z; its size (width, height, depth: the library size times its
    scale); and the cosine and sine of its yaw, to turn back."""
    size = piece_size(piece)
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
