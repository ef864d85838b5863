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
from scipy.spatial.transform import Rotation, RotationSpline

from engine.camera.conventions import look_at_rotations
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


def _segments(times: np.ndarray, frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each frame strictly inside the keys: its index and the key that starts its segment.

    One binary search per frame, so a shot with K keys and F frames costs O(F log K), not O(F K).
    """
    inside = np.flatnonzero((frames >= times[0]) & (frames < times[-1]))
    seg = np.searchsorted(times, frames[inside], side="right") - 1
    return inside, np.clip(seg, 0, len(times) - 2)


def _kinds(names, kind: str) -> np.ndarray:
    return np.array([n == kind for n in names], bool)


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
    dts = np.diff(times)[:, None]
    chords = np.diff(values, axis=0) / dts
    # Each segment's end velocities, by the kind of its leaving and arriving key.
    m0 = np.where(_kinds(outs[:-1], "ease")[:, None], 0.0, np.where(_kinds(outs[:-1], "bezier")[:, None], smooth[:-1], chords))
    m1 = np.where(_kinds(ins[1:], "ease")[:, None], 0.0, np.where(_kinds(ins[1:], "bezier")[:, None], smooth[1:], chords))
    idx, seg = _segments(times, frames)
    dt = dts[seg]
    s = (frames[idx] - times[seg]) / dt[:, 0]
    out[idx] = hermite(values[seg], values[seg + 1], m0[seg], m1[seg], dt, s)
    held = _kinds(outs, "constant")[seg]
    out[idx[held]] = values[seg[held]]
    return out


def _ease_parameter(kind_out, kind_in, s: np.ndarray) -> np.ndarray:
    """0..1 progress through a segment with the timing the keys ask for (for slerp).

    ``kind_out`` / ``kind_in`` are one kind or one per value of ``s``.
    """
    s = np.asarray(s, float)
    m0 = np.where(np.asarray(kind_out) == "ease", 0.0, 1.0) * np.ones_like(s)
    m1 = np.where(np.asarray(kind_in) == "ease", 0.0, 1.0) * np.ones_like(s)
    return hermite(0.0, 1.0, m0[:, None], m1[:, None], 1.0, s)[:, 0]


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
    idx, seg = _segments(times, frames)
    outs_a, ins_a = np.asarray(outs), np.asarray(ins)
    held = outs_a[seg] == "constant"
    splined = ~held & (outs_a[seg] == "bezier") & (ins_a[seg + 1] == "bezier") if len(times) > 2 else np.zeros(len(seg), bool)
    slerped = ~held & ~splined
    quats[idx[held]] = key_quats[seg[held]]
    if splined.any():
        quats[idx[splined]] = RotationSpline(times, rotations)(frames[idx[splined]]).as_quat()
    if slerped.any():
        # Slerp between the segment's two keys, as scipy's Slerp does: start * exp(u * log(start^-1 end)).
        s_seg = seg[slerped]
        steps = (rotations[:-1].inv() * rotations[1:]).as_rotvec()
        u = _ease_parameter(outs_a[s_seg], ins_a[s_seg + 1], (frames[idx[slerped]] - times[s_seg]) / (times[s_seg + 1] - times[s_seg]))
        quats[idx[slerped]] = (rotations[s_seg] * Rotation.from_rotvec(np.clip(u, 0.0, 1.0)[:, None] * steps[s_seg])).as_quat()
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
    if shot.move is not None:  # a kept move preset: its keys, from the shot's camera at its start
        from engine.camera.moves import shot_with_move

        shot = shot_with_move(project, shot)
    frames = np.arange(shot.duration, dtype=float) if frames is None else np.asarray(frames, float)
    keys = shot.keys
    times = np.array([k.frame for k in keys], float)
    outs = [k.interp_out for k in keys]
    ins = [k.interp_in for k in keys]
    key_pos = np.array([k.position for k in keys], float)

    rotations = None
    if shot.rig is not None:  # keys in rig space, baked to world poses here for every reader
        from engine.camera.rigs.evaluate import rig_camera

        positions, rotations = rig_camera(project, shot, times, outs, ins, frames)
    elif shot.path_space == "subject" and shot.pivot is not None:
        key_pivots = subject_positions(project, shot, shot.pivot, times)
        comps = interpolate_channels(times, _to_subject_space(key_pos, key_pivots), outs, ins, frames)
        positions = _from_subject_space(comps, subject_positions(project, shot, shot.pivot, frames))
    else:
        positions = interpolate_channels(times, key_pos, outs, ins, frames)

    focal = interpolate_channels(times, [shot.focal_at_key(k) for k in keys], outs, ins, frames)[:, 0]
    # A smooth curve can overshoot between keys; keep it inside the lens range a key may hold.
    focal = np.clip(focal, MIN_FOCAL_MM, MAX_FOCAL_MM)
    if rotations is None:
        rotations = interpolate_rotations(times, Rotation.from_quat([k.orientation for k in keys]), outs, ins, frames)
    rotations = _apply_look_at(project, shot, keys, times, frames, positions, rotations)

    c2w = np.tile(np.eye(4), (len(frames), 1, 1))
    c2w[:, :3, :3] = rotations.as_matrix()
    c2w[:, :3, 3] = positions
    from engine.camera.focus import focus_channels  # focus reads this module's interpolation

    focus_m, t_stop = focus_channels(project, shot, frames, c2w)
    return CameraPath(c2w, focal, project.film_back_mm(), project.fps, shot.name, focus_m, t_stop)


def aim_heights(project: Project, shot: Shot, name: str, frames, fraction: float) -> np.ndarray:
    """How high above their ground point ``fraction`` of subject ``name``'s height is on each frame:
    on a standing figure, lowered as far as the pose (between the subject's keys) lowers the eyes, so
    a camera aimed at a seated person aims at them, not at the air where they would stand."""
    from engine.camera.framing import eye_drop

    subject = project.subject(name)
    frames = np.asarray(frames, float)
    height = fraction * subject.height
    if not subject.is_person:
        return np.full(len(frames), height)
    keys = sorted((k for k in shot.subject_keys if k.subject == name), key=lambda k: k.frame)
    drops, last = [], subject.pose
    for k in keys:
        last = k.pose or last
        drops.append(eye_drop(last, float(subject.height)))
    if not keys:
        drops = [eye_drop(subject.pose, float(subject.height))]
    drop = np.interp(frames, [k.frame for k in keys] or [0.0], drops)
    return np.maximum(height - drop, 0.1 * subject.height)


def look_target(project: Project, shot: Shot, key: CameraKey, frames) -> np.ndarray:
    base = subject_positions(project, shot, key.look_at, frames)
    return base + np.outer(aim_heights(project, shot, key.look_at, frames, key.look_at_height), [0.0, 1.0, 0.0])


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
    look_ids = np.array([k.look_at or "" for k in keys], dtype=object)
    aimed = (look_ids[seg] != "") & ((nxt == seg) | (look_ids[nxt] == look_ids[seg]))
    # Frames aimed the same way (subject, height) share one evaluation of the subject's path.
    groups: dict[tuple[str, float], list[int]] = {}
    for idx in np.flatnonzero(aimed):
        key = keys[seg[idx]]
        groups.setdefault((key.look_at, key.look_at_height), []).append(idx)
    for members in groups.values():
        members = np.asarray(members)
        targets = look_target(project, shot, keys[seg[members[0]]], frames[members])
        # All of a group's frames at once (scipy per frame cost ~1 ms a frame); the keys' roll kept.
        aim = look_at_rotations(positions[members], targets) * Rotation.from_rotvec(np.outer(rolls[members], [0.0, 0.0, 1.0]))
        quats[members] = aim.as_quat()
    return Rotation.from_quat(quats)


def evaluate_sequence(project: Project) -> list[CameraPath]:
    return [evaluate_shot(project, shot) for shot in project.shots]
