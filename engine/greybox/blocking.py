"""Blocking over time: where every subject is, which way it faces and how a person is posed, per frame.

Positions come from the same function the cameras' look-at and pivots use
(``engine.camera.interpolate.subject_positions``: linear between subject keys), so a camera aimed
at a subject and the subject drawn agree. Facing turns the short way round between keys that give
it; when no key of a subject gives a facing, a moving person faces where they go (and keeps that
heading once they stop). Poses blend between keys (smoothstep over the segment); a key without a
pose keeps the previous one. A person whose ground speed is above ``WALK_THRESHOLD`` walks (or
runs) with the gait's phase driven by the distance travelled, so the feet do not slide.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.camera.interpolate import subject_positions
from engine.errors import ShotlineError
from engine.greybox import mannequin as mq
from engine.project import Project, Shot, Subject

WALK_THRESHOLD = 0.15  # m/s: slower than this a moving person shuffles in their pose
BLEND_SPEED = 0.5  # m/s at which the gait has fully taken over from the pose


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


def _locomotion(track: SubjectTrack, fps: float, scale: float) -> None:
    """Blend the gait over the poses wherever the person moves, phase from the distance walked."""
    pos = track.positions
    n = len(pos)
    if n < 2:
        return
    step = np.linalg.norm(np.diff(pos[:, [0, 2]], axis=0), axis=1)
    # Speed of the segment a frame starts (the last frame keeps the previous one).
    speed = np.append(step, step[-1]) * fps
    pelvis = np.full(n, np.nan)
    phase = 0.0
    for i in range(n):
        v = speed[i] / scale  # at reference proportions, as the gait's tables are
        if v < WALK_THRESHOLD:
            continue
        gait = mq.RUN if v > mq.RUN_SPEED else mq.WALK
        cycle = gait.cycle_length(v, scale)
        gait_angles, pelvis_y = mq.gait_angles(gait, phase % 1.0, cycle, scale)
        w = float(_smoothstep((v - WALK_THRESHOLD) / (BLEND_SPEED - WALK_THRESHOLD)))
        track.angles[i] = track.angles[i] * (1 - w) + gait_angles * w
        if w >= 1.0:
            pelvis[i] = pelvis_y
        if i + 1 < n:
            phase += step[i] / cycle
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
