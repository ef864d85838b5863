"""Keys -> per-frame camera: positions, orientations and focal length of every frame of a shot.

Positions and focal length use cubic Hermite segments whose end velocities come from each key's
``interp_out`` / ``interp_in``: ``linear`` (the chord, so the segment is a straight constant-speed
line), ``bezier`` (Catmull-Rom velocity from the neighbours, i.e. Kochanek-Bartels with zero
tension, continuity and bias, weighted for uneven key spacing, so velocity is continuous through
the key), ``ease`` (zero velocity) and ``constant`` (hold). Rotations use scipy's C2
``RotationSpline`` between smooth keys and slerp with the same easing elsewhere. In ``subject``
path space positions are interpolated as (distance, azimuth the short way round, height) around
the pivot subject, so two keys around a subject arc around it.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation, RotationSpline, Slerp

from engine.camera.conventions import look_at_rotation
from engine.camera.path import CameraPath
from engine.project import MAX_FOCAL_MM, MIN_FOCAL_MM, CameraKey, Project, Shot


def hermite(p0, p1, m0, m1, dt, s):
    """Cubic Hermite between p0 and p1 with velocities m0, m1 (per frame) over ``dt`` frames."""
    s = np.asarray(s, float)[:, None]
    s2, s3 = s * s, s * s * s
    h00 = 2 * s3 - 3 * s2 + 1
    h10 = s3 - 2 * s2 + s
    h01 = -2 * s3 + 3 * s2
    h11 = s3 - s2
    return h00 * p0 + h10 * dt * m0 + h01 * p1 + h11 * dt * m1


def smooth_velocities(times: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Catmull-Rom velocities for uneven spacing: neighbours' slopes weighted by the far interval.

    End keys take their one chord, so two bezier keys give a straight constant-speed segment.
    """
    n = len(times)
    vel = np.zeros_like(values)
    if n < 2:
        return vel
    slopes = np.diff(values, axis=0) / np.diff(times)[:, None]
    vel[0], vel[-1] = slopes[0], slopes[-1]
    if n > 2:
        dt_prev = (times[1:-1] - times[:-2])[:, None]
        dt_next = (times[2:] - times[1:-1])[:, None]
        vel[1:-1] = (slopes[:-1] * dt_next + slopes[1:] * dt_prev) / (dt_prev + dt_next)
    return vel


def interpolate_channels(times, values, outs, ins, frames) -> np.ndarray:
    """Evaluate (K,D) key values at ``frames`` with per-key out/in interpolation types."""
    times = np.asarray(times, float)
    values = np.asarray(values, float).reshape(len(times), -1)
    frames = np.asarray(frames, float)
    out = np.empty((len(frames), values.shape[1]))
    out[frames <= times[0]] = values[0]
    out[frames >= times[-1]] = values[-1]
    if len(times) == 1:
        return out
    smooth = smooth_velocities(times, values)
    for i in range(len(times) - 1):
        t0, t1 = times[i], times[i + 1]
        mask = (frames >= t0) & (frames < t1)
        if not mask.any():
            continue
        if outs[i] == "constant":
            out[mask] = values[i]
            continue
        dt = t1 - t0
        chord = (values[i + 1] - values[i]) / dt
        m0 = _end_velocity(outs[i], chord, smooth[i])
        m1 = _end_velocity(ins[i + 1], chord, smooth[i + 1])
        out[mask] = hermite(values[i], values[i + 1], m0, m1, dt, (frames[mask] - t0) / dt)
    return out


def _end_velocity(kind: str, chord: np.ndarray, smooth: np.ndarray) -> np.ndarray:
    if kind == "ease":
        return np.zeros_like(chord)
    if kind == "bezier":
        return smooth
    return chord  # linear (and constant on the arriving side, which does not shape the segment)


def _ease_parameter(kind_out: str, kind_in: str, s: np.ndarray) -> np.ndarray:
    """0..1 progress through a segment with the timing the keys ask for (for slerp)."""
    m0 = 0.0 if kind_out == "ease" else 1.0
    m1 = 0.0 if kind_in == "ease" else 1.0
    return hermite(np.zeros(1), np.ones(1), np.array([m0]), np.array([m1]), 1.0, s)[:, 0]


def interpolate_rotations(times, rotations: Rotation, outs, ins, frames) -> Rotation:
    """Orientation on ``frames`` from keyed orientations (memoised: dragging a key's position, the
    commonest edit, leaves the keys' orientations as they were and scipy's spline is the slow part)."""
    times = np.asarray(times, float)
    frames = np.asarray(frames, float)
    if len(frames) > ROTATION_MEMO_MAX_FRAMES:
        return _interpolate_rotations(times, rotations, outs, ins, frames)
    memo = (times.tobytes(), rotations.as_quat().tobytes(), tuple(outs), tuple(ins), frames.tobytes())
    hit = _ROTATION_MEMO.get(memo)
    if hit is None:
        hit = _interpolate_rotations(times, rotations, outs, ins, frames).as_quat()
        hit.setflags(write=False)
        _ROTATION_MEMO[memo] = hit
        while len(_ROTATION_MEMO) > ROTATION_MEMO_SIZE:
            _ROTATION_MEMO.pop(next(iter(_ROTATION_MEMO)))
    return Rotation.from_quat(hit)


ROTATION_MEMO_SIZE = 64
ROTATION_MEMO_MAX_FRAMES = 10_000  # 64 shots of this length: 20 MB at most
_ROTATION_MEMO: dict[tuple, np.ndarray] = {}


def _interpolate_rotations(times, rotations: Rotation, outs, ins, frames) -> Rotation:
    quats = np.empty((len(frames), 4))
    key_quats = rotations.as_quat()
    quats[frames <= times[0]] = key_quats[0]
    quats[frames >= times[-1]] = key_quats[-1]
    if len(times) == 1:
        return Rotation.from_quat(quats)
    spline = RotationSpline(times, rotations) if len(times) > 2 else None
    for i in range(len(times) - 1):
        t0, t1 = times[i], times[i + 1]
        mask = (frames >= t0) & (frames < t1)
        if not mask.any():
            continue
        if outs[i] == "constant":
            quats[mask] = key_quats[i]
        elif spline is not None and outs[i] == "bezier" and ins[i + 1] == "bezier":
            quats[mask] = spline(frames[mask]).as_quat()
        else:
            u = _ease_parameter(outs[i], ins[i + 1], (frames[mask] - t0) / (t1 - t0))
            quats[mask] = Slerp([0.0, 1.0], rotations[i : i + 2])(np.clip(u, 0.0, 1.0)).as_quat()
    return Rotation.from_quat(quats)


def subject_positions(project: Project, shot: Shot, name: str, frames) -> np.ndarray:
    """Where subject ``name`` stands on each frame of ``shot`` (linear between its subject keys)."""
    frames = np.asarray(frames, float)
    base = np.asarray(project.subject(name).position, float)
    keys = sorted((k for k in shot.subject_keys if k.subject == name), key=lambda k: k.frame)
    if not keys:
        return np.tile(base, (len(frames), 1))
    kf = np.array([k.frame for k in keys], float)
    kp = np.array([k.position for k in keys], float)
    return np.stack([np.interp(frames, kf, kp[:, d]) for d in range(3)], axis=1)


def _to_subject_space(positions: np.ndarray, pivots: np.ndarray) -> np.ndarray:
    d = positions - pivots
    radius = np.hypot(d[:, 0], d[:, 2])
    azimuth = np.unwrap(np.arctan2(d[:, 0], d[:, 2]))  # the short way round between keys
    return np.stack([radius, azimuth, d[:, 1]], axis=1)


def _from_subject_space(components: np.ndarray, pivots: np.ndarray) -> np.ndarray:
    r, az, h = components[:, 0], components[:, 1], components[:, 2]
    return pivots + np.stack([r * np.sin(az), h, r * np.cos(az)], axis=1)


def evaluate_shot(project: Project, shot: Shot, frames=None) -> CameraPath:
    """The shot's camera on every frame (or on ``frames``, which may be fractional)."""
    frames = np.arange(shot.duration, dtype=float) if frames is None else np.asarray(frames, float)
    keys = shot.keys
    times = np.array([k.frame for k in keys], float)
    outs = [k.interp_out for k in keys]
    ins = [k.interp_in for k in keys]
    key_pos = np.array([k.position for k in keys], float)

    if shot.path_space == "subject" and shot.pivot is not None:
        key_pivots = subject_positions(project, shot, shot.pivot, times)
        comps = interpolate_channels(times, _to_subject_space(key_pos, key_pivots), outs, ins, frames)
        positions = _from_subject_space(comps, subject_positions(project, shot, shot.pivot, frames))
    else:
        positions = interpolate_channels(times, key_pos, outs, ins, frames)

    focal = interpolate_channels(times, [shot.focal_at_key(k) for k in keys], outs, ins, frames)[:, 0]
    # A smooth curve can overshoot between keys; keep it inside the lens range a key may hold.
    focal = np.clip(focal, MIN_FOCAL_MM, MAX_FOCAL_MM)
    rotations = interpolate_rotations(times, Rotation.from_quat([k.orientation for k in keys]), outs, ins, frames)
    rotations = _apply_look_at(project, shot, keys, times, frames, positions, rotations)

    c2w = np.tile(np.eye(4), (len(frames), 1, 1))
    c2w[:, :3, :3] = rotations.as_matrix()
    c2w[:, :3, 3] = positions
    return CameraPath(c2w, focal, project.film_back_mm(), project.fps, shot.name)


def look_target(project: Project, shot: Shot, key: CameraKey, frames) -> np.ndarray:
    subject = project.subject(key.look_at)
    base = subject_positions(project, shot, key.look_at, frames)
    return base + np.array([0.0, key.look_at_height * subject.height, 0.0])


def _apply_look_at(project, shot, keys, times, frames, positions, rotations: Rotation) -> Rotation:
    """Aim at the subject on frames whose surrounding keys both look at it; keep the keys' roll."""
    if not any(k.look_at for k in keys):
        return rotations
    seg = np.clip(np.searchsorted(times, frames, side="right") - 1, 0, len(keys) - 1)
    nxt = np.clip(seg + 1, 0, len(keys) - 1)
    before, after = frames <= times[0], frames >= times[-1]
    nxt[before], seg[after] = 0, len(keys) - 1
    nxt[after] = len(keys) - 1
    quats = rotations.as_quat()
    rolls = rotations.as_euler("YXZ")[:, 2]
    for i, key in enumerate(keys):
        if not key.look_at:
            continue
        mask = (seg == i) & ((nxt == i) | np.array([keys[j].look_at == key.look_at for j in nxt]))
        if not mask.any():
            continue
        targets = look_target(project, shot, key, frames[mask])
        for idx, target in zip(np.flatnonzero(mask), targets):
            quats[idx] = look_at_rotation(positions[idx], target, np.rad2deg(rolls[idx])).as_quat()
    return Rotation.from_quat(quats)


def evaluate_sequence(project: Project) -> list[CameraPath]:
    return [evaluate_shot(project, shot) for shot in project.shots]
