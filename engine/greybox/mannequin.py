"""The mannequin: a 17-joint figure, pose presets as joint angles, and a gait that does not slide.

Body frame: origin on the ground between the feet, +Y up, +Z forward (where the face looks), +X
the figure's left. Proportions are for a 1.75 m person and scale with height. Every joint has a
parent, an offset from it in the rest pose (standing, arms down) and a local rotation given as
Euler angles in degrees, applied as ``Rx(x) @ Ry(y) @ Rz(z)`` (twist, then side, then pitch):

* X pitches: positive leans a spine forward, swings a hanging limb backward (so a hip at -30
  lifts the thigh forward, a knee at +60 bends the shin back, an elbow at -90 flexes the forearm);
* Z swings sideways (a left arm out is +Z, a right arm out -Z); Y twists about the bone.

A pose is those angles plus, for the pelvis, a whole-body rotation. The figure is put on the
ground after forward kinematics (its lowest point touches y = 0), so sitting, crouching and lying
need no hand-tuned heights. Walking and running come from foot targets on the ground solved by
two-bone IK (``gait``), with the phase driven by distance travelled: a stance foot moves back in
the body frame exactly as fast as the body moves forward, which is what keeps it planted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

REFERENCE_HEIGHT = 1.75

# name, parent, offset from parent (rest pose, metres at 1.75 m), radius of the limb leaving it.
SKELETON: list[tuple[str, str | None, tuple[float, float, float], float]] = [
    ("pelvis", None, (0.0, 0.965, 0.0), 0.13),
    ("spine", "pelvis", (0.0, 0.12, 0.0), 0.125),
    ("chest", "spine", (0.0, 0.2, 0.0), 0.14),
    ("neck", "chest", (0.0, 0.17, 0.0), 0.05),
    ("head", "neck", (0.0, 0.19, 0.0), 0.115),
    ("shoulder_l", "chest", (0.19, 0.12, 0.0), 0.048),
    ("elbow_l", "shoulder_l", (0.0, -0.29, 0.0), 0.042),
    ("wrist_l", "elbow_l", (0.0, -0.26, 0.0), 0.045),
    ("shoulder_r", "chest", (-0.19, 0.12, 0.0), 0.048),
    ("elbow_r", "shoulder_r", (0.0, -0.29, 0.0), 0.042),
    ("wrist_r", "elbow_r", (0.0, -0.26, 0.0), 0.045),
    ("hip_l", "pelvis", (0.1, -0.03, 0.0), 0.068),
    ("knee_l", "hip_l", (0.0, -0.43, 0.0), 0.055),
    ("ankle_l", "knee_l", (0.0, -0.43, 0.0), 0.045),
    ("hip_r", "pelvis", (-0.1, -0.03, 0.0), 0.068),
    ("knee_r", "hip_r", (0.0, -0.43, 0.0), 0.055),
    ("ankle_r", "knee_r", (0.0, -0.43, 0.0), 0.045),
]
JOINTS = [j[0] for j in SKELETON]
INDEX = {name: i for i, name in enumerate(JOINTS)}
PARENTS = np.array([INDEX[p] if p else -1 for _, p, _, _ in SKELETON])
OFFSETS = np.array([o for _, _, o, _ in SKELETON], float)
RADII = np.array([r for *_, r in SKELETON], float)
ANKLE_HEIGHT = 0.075  # the ankle above the sole when standing (at 1.75 m)
FOOT = (0.1, 0.06, 0.25)  # the foot box: width, height, length (at 1.75 m)
FOOT_FORWARD = 0.06  # the foot box's centre ahead of the ankle
THIGH = SHIN = 0.43
# The face (head frame, at 1.75 m): two dark eyes on the eye line and a nose below them, so facing
# reads from the front and in profile (a visor across the face read as a slab in close-ups).
FACE_MARKER_OFFSET = (0.0, 0.015, 0.09)  # the eye line, between the eyes
EYE_X = 0.042  # each eye's centre either side of the middle
EYE_Z = 0.095  # how far forward the eyes' centres sit (the head sphere's radius is 0.115)
EYE_DIAMETER = 0.04
FACE_MARKER_SIZE = (2 * EYE_X + EYE_DIAMETER, EYE_DIAMETER, EYE_DIAMETER)  # the eyes' bounding box
NOSE_OFFSET = (0.0, -0.03, 0.108)
NOSE_DIAMETER = 0.038
BONES = [(i, int(p)) for i, p in enumerate(PARENTS) if p >= 0]  # (child, parent): a capsule each
# Capsule radius of the bone that ends at each joint (torso thick, clavicles and hips slim).
BONE_RADIUS = {
    "spine": 0.125, "chest": 0.135, "neck": 0.115, "head": 0.05,
    "shoulder_l": 0.055, "elbow_l": 0.05, "wrist_l": 0.042,
    "shoulder_r": 0.055, "elbow_r": 0.05, "wrist_r": 0.042,
    "hip_l": 0.075, "knee_l": 0.068, "ankle_l": 0.052,
    "hip_r": 0.075, "knee_r": 0.068, "ankle_r": 0.052,
}


def _side(angles: dict[str, tuple[float, float, float]], side: str, joint: str, x=0.0, y=0.0, z=0.0) -> None:
    """Set a left/right joint; the right side mirrors Y and Z so one set of numbers serves both."""
    sign = 1.0 if side == "l" else -1.0
    angles[f"{joint}_{side}"] = (x, sign * y, sign * z)


def _both(angles, joint, x=0.0, y=0.0, z=0.0) -> None:
    _side(angles, "l", joint, x, y, z)
    _side(angles, "r", joint, x, y, z)


def _preset(**kwargs) -> np.ndarray:
    a = np.zeros((len(JOINTS), 3))
    for name, value in kwargs.items():
        a[INDEX[name]] = value
    return a


def _stand() -> dict:
    a: dict = {}
    _both(a, "shoulder", 0.0, 0.0, 6.0)
    _both(a, "elbow", -8.0)
    return a


def _sit() -> dict:
    a = _stand()
    _both(a, "hip", -90.0, 0.0, 4.0)
    _both(a, "knee", 90.0)
    _both(a, "shoulder", -25.0, 0.0, 8.0)
    _both(a, "elbow", -55.0)
    a["spine"] = (-4.0, 0.0, 0.0)
    return a


def _crouch() -> dict:
    a = _stand()
    _both(a, "hip", -105.0, 0.0, 8.0)
    _both(a, "knee", 135.0)
    _both(a, "ankle", -30.0)
    a["spine"] = (25.0, 0.0, 0.0)
    a["chest"] = (10.0, 0.0, 0.0)
    a["neck"] = (-25.0, 0.0, 0.0)
    _both(a, "shoulder", -45.0, 0.0, 10.0)
    _both(a, "elbow", -45.0)
    return a


def _lie() -> dict:
    a = _stand()
    a["pelvis"] = (-90.0, 0.0, 0.0)  # on the back, face up, head towards -Z
    _both(a, "shoulder", 0.0, 0.0, 12.0)
    return a


def _point() -> dict:
    a = _stand()
    _side(a, "r", "shoulder", -88.0, 0.0, 8.0)
    _side(a, "r", "elbow", -4.0)
    a["neck"] = (0.0, -12.0, 0.0)
    return a


def _arms_crossed() -> dict:
    a = _stand()
    _both(a, "shoulder", -32.0, -72.0, 12.0)
    _both(a, "elbow", -112.0)
    return a


def _talking() -> dict:
    a = _stand()
    _side(a, "r", "shoulder", -38.0, 0.0, 16.0)
    _side(a, "r", "elbow", -78.0, 20.0)
    _side(a, "l", "shoulder", -12.0, 0.0, 8.0)
    _side(a, "l", "elbow", -42.0)
    a["neck"] = (0.0, 6.0, -5.0)
    return a


@dataclass(frozen=True)
class Gait:
    """A locomotion cycle: ``duty`` is the fraction of it a foot is on the ground."""

    duty: float
    lift: float  # swing foot height (m at 1.75 m)
    arm_swing: float  # shoulder pitch amplitude (degrees)
    elbow: float
    lean: float  # spine pitch
    bounce: float  # pelvis rise at mid-flight (m at 1.75 m)

    def cycle_length(self, speed: float, scale: float) -> float:
        """Distance travelled in one full cycle (two steps), from the ground speed (m/s)."""
        if self is RUN:
            stride = np.clip(0.8 + 0.17 * speed, 1.0, 1.5)
        else:  # slower than a stroll, shorter steps too (a shuffle takes small steps, not long slow ones)
            stride = np.clip(0.35 + 0.2 * speed, 0.4, 0.7) * np.clip(np.sqrt(speed / 0.5), 0.25, 1.0)
        return float(2.0 * stride * scale)


WALK = Gait(duty=0.55, lift=0.09, arm_swing=22.0, elbow=-18.0, lean=3.0, bounce=0.0)
RUN = Gait(duty=0.28, lift=0.2, arm_swing=45.0, elbow=-90.0, lean=12.0, bounce=0.04)
RUN_SPEED = 2.2  # m/s (at 1.75 m): faster than this a person runs


def gait_angles(gait: Gait, phase: float, cycle: float, scale: float) -> tuple[np.ndarray, float]:
    """Joint angles (J,3) and pelvis height for a point ``phase`` (0..1) of a cycle ``cycle`` m long.

    Each foot's target in the body frame: on the ground moving back by ``duty * cycle`` during
    stance (as fast as the body goes forward), lifted forward again in swing; legs by IK.
    """
    a = np.zeros((len(JOINTS), 3))
    reach = gait.duty * cycle / 2  # how far ahead/behind the hip a stance foot goes
    leg = (THIGH + SHIN) * scale
    hip_height = float(np.sqrt(max((0.99 * leg) ** 2 - reach**2, (0.6 * leg) ** 2))) + ANKLE_HEIGHT * scale
    pelvis_y = hip_height + 0.03 * scale
    flight = gait.bounce * scale * max(0.0, np.sin(2 * np.pi * ((phase % 0.5) / 0.5)) if gait.duty < 0.5 else 0.0)
    pelvis_y += flight
    for side, offset in (("l", 0.0), ("r", 0.5)):
        p = (phase + offset) % 1.0
        if p < gait.duty:  # stance: from +reach back to -reach
            z = reach - (p / gait.duty) * 2 * reach
            y = ANKLE_HEIGHT * scale
        else:  # swing: forward again, lifted
            u = (p - gait.duty) / (1 - gait.duty)
            z = -reach + (0.5 - 0.5 * np.cos(np.pi * u)) * 2 * reach
            y = ANKLE_HEIGHT * scale + gait.lift * scale * np.sin(np.pi * u)
        hip_y = pelvis_y - 0.03 * scale
        hip_deg, knee_deg = two_bone_ik(z, y - hip_y, THIGH * scale, SHIN * scale)
        a[INDEX[f"hip_{side}"]] = (hip_deg, 0.0, 0.0)
        a[INDEX[f"knee_{side}"]] = (knee_deg, 0.0, 0.0)
        a[INDEX[f"ankle_{side}"]] = (-(hip_deg + knee_deg), 0.0, 0.0)  # sole flat on the ground
        # The arm on this side swings against the leg: forward when the leg is back.
        swing = gait.arm_swing * np.cos(2 * np.pi * (p - 0.5 * gait.duty))
        other = "r" if side == "l" else "l"
        sign = 1.0 if other == "l" else -1.0
        a[INDEX[f"shoulder_{other}"]] = (swing - 4.0, 0.0, sign * 7.0)
        a[INDEX[f"elbow_{other}"]] = (gait.elbow - 0.2 * max(0.0, -swing), 0.0, 0.0)
    a[INDEX["spine"]] = (gait.lean, 0.0, 0.0)
    return a, pelvis_y


def two_bone_ik(forward: float, up: float, l1: float, l2: float) -> tuple[float, float]:
    """Hip and knee pitch (degrees) that put the ankle ``forward``/``up`` of the hip, knee forward."""
    d = float(np.clip(np.hypot(forward, up), 1e-6, (l1 + l2) * 0.9999))
    alpha = np.arctan2(-forward, -up)  # the hip->ankle direction as a pitch of a hanging bone
    cos_hip = np.clip((l1 * l1 + d * d - l2 * l2) / (2 * l1 * d), -1.0, 1.0)
    cos_knee = np.clip((l2 * l2 + d * d - l1 * l1) / (2 * l2 * d), -1.0, 1.0)
    beta1, beta2 = np.arccos(cos_hip), np.arccos(cos_knee)
    # alpha is measured with the same sign as Rx: a bone along (0, -cos a, -sin a) has pitch a.
    return float(np.rad2deg(alpha - beta1)), float(np.rad2deg(beta1 + beta2))


def _as_array(d: dict) -> np.ndarray:
    return _preset(**d)


_STATIC = {
    "stand": _stand(),
    "sit": _sit(),
    "crouch": _crouch(),
    "lie": _lie(),
    "point": _point(),
    "arms crossed": _arms_crossed(),
    "talking": _talking(),
}
NOMINAL_SPEED = {"walk": 1.4, "run": 3.5}  # the stride a held "walk"/"run" pose shows


def preset_angles(name: str, scale: float = 1.0) -> np.ndarray:
    """Joint angles (J,3) of a pose preset; walk and run show a frame of their cycle, mid-stride."""
    if name in _STATIC:
        return _as_array(_STATIC[name])
    if name in ("walk", "run"):
        gait = WALK if name == "walk" else RUN
        angles, _ = gait_angles(gait, 0.15, gait.cycle_length(NOMINAL_SPEED[name], scale), scale)
        return angles
    raise KeyError(name)


POSES = tuple(_STATIC) + ("walk", "run")


def _rotations(angles_deg: np.ndarray) -> np.ndarray:
    """(…,3) Euler degrees -> (…,3,3) matrices ``Rx(x) @ Ry(y) @ Rz(z)``."""
    x, y, z = np.moveaxis(np.deg2rad(angles_deg), -1, 0)
    cx, sx, cy, sy, cz, sz = np.cos(x), np.sin(x), np.cos(y), np.sin(y), np.cos(z), np.sin(z)
    o, i = np.zeros_like(x), np.ones_like(x)
    rx = np.stack([i, o, o, o, cx, -sx, o, sx, cx], -1).reshape(*x.shape, 3, 3)
    ry = np.stack([cy, o, sy, o, i, o, -sy, o, cy], -1).reshape(*x.shape, 3, 3)
    rz = np.stack([cz, -sz, o, sz, cz, o, o, o, i], -1).reshape(*x.shape, 3, 3)
    return rx @ ry @ rz


def yaw_matrix(deg) -> np.ndarray:
    """Rotation about +Y by ``deg`` (0 faces +Z, 90 faces +X), (…,3,3)."""
    a = np.deg2rad(np.asarray(deg, float))
    c, s, o, i = np.cos(a), np.sin(a), np.zeros_like(a), np.ones_like(a)
    return np.stack([c, o, s, o, i, o, -s, o, c], -1).reshape(*a.shape, 3, 3)


@dataclass
class Figure:
    """A posed mannequin in the world: joint positions (J,3) and joint frames (J,3,3)."""

    joints: np.ndarray
    frames: np.ndarray
    scale: float

    def joint(self, name: str) -> np.ndarray:
        return self.joints[INDEX[name]]

    @property
    def face_point(self) -> np.ndarray:
        """The front of the face, on the eye line's middle at the head sphere's surface."""
        return self.joints[INDEX["head"]] + self.frames[INDEX["head"]] @ (np.array([0.0, 0.0, 0.115]) * self.scale)


def forward_kinematics(angles: np.ndarray, pelvis_y, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Body-frame joint positions (…,J,3) and frames (…,J,3,3) for joint angles (…,J,3), a whole
    track of frames at once. ``pelvis_y`` (None, a height, or heights per frame with NaN) fixes the
    pelvis; elsewhere it takes its rest offset."""
    angles = np.asarray(angles, float)
    batch = angles.shape[:-2]
    local = _rotations(angles)
    offsets = OFFSETS * scale
    pos = np.zeros(batch + (len(JOINTS), 3))
    rot = np.zeros(batch + (len(JOINTS), 3, 3))
    rest = np.broadcast_to(offsets[0], batch + (3,))
    if pelvis_y is None:
        root = rest
    else:
        py = np.broadcast_to(np.asarray(pelvis_y, float), batch)
        root = np.where(np.isnan(py)[..., None], rest, np.stack([np.zeros_like(py), np.nan_to_num(py), np.zeros_like(py)], -1))
    for j, parent in enumerate(PARENTS):  # parents come before children
        if parent < 0:
            pos[..., j, :] = root
            rot[..., j, :, :] = local[..., j, :, :]
        else:
            pos[..., j, :] = pos[..., parent, :] + rot[..., parent, :, :] @ offsets[j]
            rot[..., j, :, :] = rot[..., parent, :, :] @ local[..., j, :, :]
    return pos, rot


def ground(pos: np.ndarray, rot: np.ndarray, scale: float) -> np.ndarray:
    """How far to lift each figure (…) so its lowest point touches the floor (soles, limb surfaces)."""
    lowest = np.min(pos[..., 1] - RADII * scale, axis=-1)
    for side in ("l", "r"):
        j = INDEX[f"ankle_{side}"]
        lowest = np.minimum(lowest, _foot_corners(pos[..., j, :], rot[..., j, :, :], scale)[..., 1].min(axis=-1))
    return -lowest


def _foot_corners(ankle: np.ndarray, frame: np.ndarray, scale: float) -> np.ndarray:
    w, h, length = (np.array(FOOT) * scale) / 2
    centre = np.array([0.0, -ANKLE_HEIGHT * scale + h, FOOT_FORWARD * scale])
    corners = np.array([[x, y, z] for x in (-w, w) for y in (-h, h) for z in (-length, length)]) + centre
    return ankle[..., None, :] + corners @ np.swapaxes(frame, -1, -2)


def pose_figures(angles: np.ndarray, positions, facing_deg, height: float, pelvis_y=None) -> Figure:
    """Figures for a track of frames: joint angles (N,J,3) at ``positions`` (N,3) facing
    ``facing_deg`` (N,); ``pelvis_y`` (N,) from a gait fixes the pelvis height where it is not NaN,
    elsewhere the figure stands on the floor. ``joints`` (N,J,3), ``frames`` (N,J,3,3)."""
    scale = height / REFERENCE_HEIGHT
    positions = np.asarray(positions, float)
    pos, rot = forward_kinematics(angles, pelvis_y, scale)
    lift = positions[:, 1].copy()
    grounded = np.ones(len(lift), bool) if pelvis_y is None else np.isnan(np.asarray(pelvis_y, float))
    if grounded.any():
        lift[grounded] += ground(pos[grounded], rot[grounded], scale)
    pos[..., 1] += lift[:, None]
    turn = yaw_matrix(np.asarray(facing_deg, float))  # (N,3,3)
    world = pos @ np.swapaxes(turn, -1, -2) + (positions * [1.0, 0.0, 1.0])[:, None, :]
    return Figure(world, turn[:, None] @ rot, scale)


def pose_figure(angles: np.ndarray, position, facing_deg: float, height: float, pelvis_y: float | None = None) -> Figure:
    """Place a figure with joint angles (J,3) at ``position`` facing ``facing_deg``.

    ``pelvis_y`` (from a gait) fixes the pelvis height; otherwise the figure stands on the floor.
    """
    batch = pose_figures(
        np.asarray(angles, float)[None], np.asarray(position, float)[None], [facing_deg], height,
        None if pelvis_y is None else np.array([pelvis_y], float),
    )  # fmt: skip
    return Figure(batch.joints[0], batch.frames[0], batch.scale)


def face_marker(figure: Figure) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The eyes: (centre of the eye line, head frame, the eyes' bounding box); the scene draws them
    from the same constants, for whole tracks at once."""
    s = figure.scale
    h = INDEX["head"]
    centre = figure.joints[h] + figure.frames[h] @ (np.array(FACE_MARKER_OFFSET) * s)
    return centre, figure.frames[h], np.array(FACE_MARKER_SIZE) * s
