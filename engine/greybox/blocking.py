"""Blocking over time: where every subject is, which way it faces and how a person is posed, per frame.

Positions come from the same function the cameras' look-at and pivots use
(``engine.camera.interpolate.subject_positions``: linear between subject keys), so a camera aimed
at a subject and the subject drawn agree. Facing turns the short way round between keys that give
it; when no key of a subject gives a facing, a moving person faces where they go (and keeps that
heading once they stop). Poses blend between keys (smoothstep over the segment); a key without a
pose keeps the previous one. A person who moves walks (or runs) with the gait's phase driven by the
distance travelled and each planted foot held at its point on the ground (``_locomotion``), so the
feet do not slide, from the first step out of standing to the last one back into the pose.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.camera.interpolate import subject_positions
from engine.errors import ShotlineError
from engine.greybox import mannequin as mq
from engine.project import Project, Shot, Subject

MOVE_SPEED = 0.02  # m/s: slower than this a person stands (drift between near-equal keys)
BLEND_SPEED = 0.5  # m/s at which the gait's arms and lean have fully taken over from the pose
RAMP_S = 0.25  # seconds for a walk to take over from standing (the pelvis lowering into the stride)
SETTLE_S = 0.5  # seconds to step back into the pose after stopping


@dataclass
class SubjectTrack:
    """One subject over the frames of a shot: positions (N,3), facing (N,) degrees and, for people,
    joint angles (N,J,3) and a pelvis height per frame (NaN: stand on the floor)."""

    subject: Subject
    positions: np.ndarray
    facing: np.ndarray
    angles: np.ndarray | None = None
    pelvis_y: np.ndarray | None = None
    # What the renderer draws of every frame, made once for the whole track (engine.greybox.scene).
    drawn: dict = field(default_factory=dict, repr=False, compare=False)

    def figure(self, i: int) -> mq.Figure:
        pelvis = None if self.pelvis_y is None or np.isnan(self.pelvis_y[i]) else float(self.pelvis_y[i])
        return mq.pose_figure(self.angles[i], self.positions[i], float(self.facing[i]), self.subject.height, pelvis)


def _smoothstep(u):
    u = np.clip(u, 0.0, 1.0)
    return u * u * (3 - 2 * u)


def _keys(shot: Shot | None, name: str):
    if shot is None:
        return []
    return sorted((k for k in shot.subject_keys if k.subject == name), key=lambda k: k.frame)


def _facing(subject: Subject, keys, frames: np.ndarray, positions: np.ndarray) -> np.ndarray:
    if any(k.facing is not None for k in keys):
        values, last = [], subject.facing
        for k in keys:
            last = k.facing if k.facing is not None else last
            values.append(last)
        kf = np.array([k.frame for k in keys], float)
        kv = np.unwrap(np.deg2rad(values))  # the short way round between keys
        return np.rad2deg(np.interp(frames, kf, kv))
    facing = np.full(len(frames), float(subject.facing))
    if not subject.is_person or len(frames) < 2:
        return facing
    step = np.gradient(positions[:, [0, 2]], axis=0)
    moving = np.hypot(step[:, 0], step[:, 1]) > 1e-6
    heading = np.rad2deg(np.arctan2(step[:, 0], step[:, 1]))
    last = float(subject.facing)
    for i in range(len(frames)):
        if moving[i]:
            last = float(heading[i])
        facing[i] = last
    return facing


def _pose_angles(subject: Subject, keys, frames: np.ndarray, scale: float) -> np.ndarray:
    if not any(k.pose is not None for k in keys):
        return np.broadcast_to(mq.preset_angles(subject.pose, scale), (len(frames), len(mq.JOINTS), 3)).copy()
    names, last = [], subject.pose
    for k in keys:
        last = k.pose if k.pose is not None else last
        names.append(last)
    presets = np.stack([mq.preset_angles(n, scale) for n in names])
    kf = np.array([k.frame for k in keys], float)
    seg = np.clip(np.searchsorted(kf, frames, side="right") - 1, 0, len(kf) - 1)
    nxt = np.minimum(seg + 1, len(kf) - 1)
    span = np.where(nxt > seg, kf[nxt] - kf[seg], 1.0)
    u = _smoothstep(np.where(nxt > seg, (frames - kf[seg]) / span, 0.0))
    u[frames < kf[0]] = 0.0
    return presets[seg] * (1 - u)[:, None, None] + presets[nxt] * u[:, None, None]


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) of each run of True."""
    edges = np.flatnonzero(np.diff(np.r_[0, flags.astype(int), 0]))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def _locomotion(track: SubjectTrack, fps: float, scale: float) -> None:
    """Walk (or run) wherever the person moves, feet planted in the world.

    The gait's phase advances with the distance walked (a cycle per ``cycle_length``). Each foot
    is on the ground for the gait's ``duty`` of a cycle: it lands where the gait puts it ahead of
    the hip at that frame and then stays at that world point until it lifts, so a planted foot
    cannot slide whatever the speed does (starting, slowing, a walk turning into a run). A swing
    carries it from where it lifted to where it will land. A walk starts from the standing pose
    with the left foot where it stands (mid-stance) and the right stepping; when the person stops,
    each foot in turn steps back to where the pose puts it, then the pose takes over. Legs come
    from two-bone IK on those targets; arms and spine blend from the pose to the gait's with speed.
    """
    pos = track.positions
    n = len(pos)
    if n < 2:
        return
    step = np.linalg.norm(np.diff(pos[:, [0, 2]], axis=0), axis=1)
    speed = np.append(step, step[-1]) * fps  # of the segment a frame starts (the last keeps the previous)
    moving = speed / scale >= MOVE_SPEED
    if not moving.any():
        return
    height = track.subject.height
    base = track.angles.copy()
    standing = mq.pose_figures(base, pos, track.facing, height)  # the poses on the floor, as keyed
    stand_pelvis = standing.joints[:, mq.INDEX["pelvis"], 1] - pos[:, 1]
    turn = mq.yaw_matrix(track.facing)  # (N,3,3) body -> world
    ground = pos.copy()
    ankle_h = mq.ANKLE_HEIGHT * scale

    # Phase, gait and the gait's own angles (arms, spine, pelvis height) per moving frame.
    phase = np.zeros(n)
    duty = np.full(n, mq.WALK.duty)
    reach = np.zeros(n)
    gait_pose = np.zeros_like(base)
    gait_pelvis = stand_pelvis.copy()
    lift = np.zeros(n)
    phi = 0.0
    for i in range(n):
        if not moving[i]:
            continue
        v = speed[i] / scale  # at reference proportions, as the gait's tables are
        gait = mq.RUN if v > mq.RUN_SPEED else mq.WALK
        cycle = gait.cycle_length(v, scale)
        if i == 0 or not moving[i - 1]:
            phi = gait.duty / 2  # the left foot mid-stance, under the hip where it stood
        phase[i], duty[i], reach[i], lift[i] = phi, gait.duty, gait.duty * cycle / 2, gait.lift * scale
        gait_pose[i], gait_pelvis[i] = mq.gait_angles(gait, phi % 1.0, cycle, scale)
        phi += step[i] / cycle if i + 1 < n else 0.0

    # How much the walk has taken over: ramps in over RAMP_S from standing, out over the settle.
    ramp_frames = max(int(round(RAMP_S * fps)), 1)
    settle_frames = max(int(round(SETTLE_S * fps)), 2)
    weight = np.zeros(n)
    for a, b in _runs(moving):
        start_w = 1.0 if a == 0 else 0.0
        weight[a:b] = np.minimum(1.0, start_w + (np.arange(a, b) - a + 1) / ramp_frames)
    settling = np.zeros(n, bool)
    for a, b in _runs(~moving):
        if a == 0:
            continue  # standing from the first frame: nothing to settle
        k = min(settle_frames, b - a)
        settling[a : a + k] = True
        weight[a : a + k] = weight[a - 1] * (1.0 - (np.arange(k) + 1) / k)
        gait_pelvis[a : a + k] = gait_pelvis[a - 1]
        gait_pose[a : a + k] = gait_pose[a - 1]

    def plant(i: int, hip_x: float, offset: float) -> np.ndarray:
        """Where the gait puts this foot on the ground at frame ``i`` (world)."""
        p = (phase[i] + offset) % 1.0
        z = reach[i] - (p / duty[i]) * 2 * reach[i] if p < duty[i] else reach[i]
        return ground[i] + turn[i] @ np.array([hip_x, ankle_h, z])

    legs = moving | settling
    targets, lifted = {}, {}
    for k_side, (side, offset) in enumerate((("l", 0.0), ("r", 0.5))):
        hip_x = float(mq.OFFSETS[mq.INDEX[f"hip_{side}"], 0] * scale)
        neutral = standing.joints[:, mq.INDEX[f"ankle_{side}"]]
        on_ground = moving & (((phase + offset) % 1.0) < duty)
        target = neutral.copy()
        up = np.zeros(n)
        current = neutral[0].copy()
        i = 0
        while i < n:
            if moving[i] and on_ground[i]:
                j = i
                while j < n and moving[j] and on_ground[j]:
                    j += 1
                starting = i == 0 or not moving[i - 1]
                point = current if starting else plant(i, hip_x, offset)
                target[i:j] = point
                current = point.copy()
                i = j
            elif moving[i]:
                j = i
                while j < n and moving[j] and not on_ground[j]:
                    j += 1
                land = plant(j, hip_x, offset) if j < n and moving[j] else neutral[min(j, n - 1)]
                u = ((phase[i:j] + offset) % 1.0 - duty[i:j]) / (1.0 - duty[i:j])
                u0 = u[0] - 1.0 / max(j - i + 1, 2)  # the first frame of the swing has already left
                u = np.clip((u - u0) / max(1.0 - u0, 1e-6), 0.0, 1.0)
                ease = _smoothstep(u)[:, None]
                target[i:j] = current + (land - current) * ease
                up[i:j] = lift[i:j] * np.sin(np.pi * u)
                current = land.copy()
                i = j
            else:
                j = i
                while j < n and not moving[j]:
                    j += 1
                k = int(settling[i:j].sum())
                if k:  # step back to the pose: the left foot in the first half, the right in the second
                    half = max(k // 2, 1)
                    a, b = (i, i + half) if side == "l" else (i + half, i + k)
                    target[i:a] = current
                    if b > a:
                        u = (np.arange(a, b) - a + 1) / (b - a)
                        goal = neutral[min(i + k, n - 1)]
                        if np.linalg.norm(goal - current) > 0.01 * scale:
                            target[a:b] = current + (goal - current) * _smoothstep(u)[:, None]
                            up[a:b] = mq.WALK.lift * scale * 0.6 * np.sin(np.pi * u)
                        else:
                            target[a:b] = current
                    target[b : i + k] = neutral[min(i + k, n - 1)]
                current = neutral[j - 1].copy() if j > i else current
                i = j
        targets[side], lifted[side] = target, up

    pelvis = np.full(n, np.nan)
    for i in np.flatnonzero(legs):
        w = weight[i]
        v = speed[i] / scale if moving[i] else 0.0
        upper = w * float(_smoothstep((v - MOVE_SPEED) / (BLEND_SPEED - MOVE_SPEED))) if moving[i] else w
        angles = base[i] * (1 - upper) + gait_pose[i] * upper
        py = stand_pelvis[i] * (1 - w) + gait_pelvis[i] * w
        angles[mq.INDEX["pelvis"]] = 0.0
        for side in ("l", "r"):
            b = turn[i].T @ (targets[side][i] - ground[i])
            hip_deg, knee_deg = mq.two_bone_ik(b[2], b[1] + lifted[side][i] - (py - 0.03 * scale), mq.THIGH * scale, mq.SHIN * scale)
            angles[mq.INDEX[f"hip_{side}"]] = (hip_deg, 0.0, 0.0)
            angles[mq.INDEX[f"knee_{side}"]] = (knee_deg, 0.0, 0.0)
            angles[mq.INDEX[f"ankle_{side}"]] = (-(hip_deg + knee_deg), 0.0, 0.0)  # sole flat on the ground
        track.angles[i] = angles
        pelvis[i] = py
    track.pelvis_y = pelvis


def subject_track(project: Project, shot: Shot | None, subject: Subject, frames) -> SubjectTrack:
    """The subject over ``frames`` of ``shot`` (None: the set as it stands, no keys)."""
    frames = np.asarray(frames, float)
    if shot is None:
        positions = np.tile(np.asarray(subject.position, float), (len(frames), 1))
    else:
        positions = subject_positions(project, shot, subject.name, frames)
    keys = _keys(shot, subject.name)
    track = SubjectTrack(subject, positions, _facing(subject, keys, frames, positions))
    if subject.is_person:
        scale = subject.height / mq.REFERENCE_HEIGHT
        track.angles = _pose_angles(subject, keys, frames, scale)
        _locomotion(track, project.fps, scale)
    return track


def shot_tracks(project: Project, shot: Shot | None, frames=None) -> list[SubjectTrack]:
    """Every subject of the project over the frames of ``shot`` (all of them by default)."""
    if frames is None:
        frames = np.arange(shot.duration if shot is not None else 1)
    return [subject_track(project, shot, s, frames) for s in project.subjects]


def blocking_project(subjects: list[dict], shots: list[tuple[int, list[dict]]], fps: float, source: str = "request") -> Project:
    """A project holding only blocking — the set and each shot's subject keys — for a renderer
    whose cameras come from elsewhere (a render request's poses). ``shots`` is (frames, subject
    keys) per shot; each shot gets a placeholder camera key, never evaluated. Bad blocking is a
    ShotlineError naming the field (``subjects[1].pose``, ``shots[0].subject_keys[2].subject``)."""
    import json

    from pydantic import ValidationError

    from engine.project import validation_error

    doc = {
        "fps": fps,
        "subjects": subjects,
        "shots": [
            {"id": f"s{i}", "name": f"shot {i + 1}", "duration": frames, "keys": [{"frame": 0, "position": [0.0, 0.0, 0.0]}], "subject_keys": keys}
            for i, (frames, keys) in enumerate(shots)
        ],
    }
    try:
        return Project.model_validate_json(json.dumps(doc), strict=True)
    except ValidationError as exc:
        raise validation_error(exc, source) from None
    except (TypeError, ValueError) as exc:
        raise ShotlineError(f"blocking is not JSON data ({exc})", source, "subjects") from None
