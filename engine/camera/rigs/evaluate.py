"""A rigged shot's keys -> per-frame cameras, and edited keys -> keys the rig can hold.

``rig_camera`` is called by ``engine.camera.interpolate.evaluate_shot`` (the one evaluation path):
each key is read in rig space (its position channels, and pan/tilt for a head that cannot roll),
those channels are interpolated between keys with the keys' own interpolation, and the rig turns
them back into world positions and orientations. Look-at constraints and the lens are applied
after, as for a free camera. ``constrain_shot`` snaps a shot's stored keys onto its rig (the
document runs it on every edit), so what a key shows in the viewport and the inspector is where
the rig puts it.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation

from engine.camera.interpolate import interpolate_channels, interpolate_rotations, subject_positions
from engine.camera.rigs import CraneRig, DollyRig, SteadicamRig, TripodRig
from engine.camera.rigs.base import head_channels, head_quats
from engine.project import CameraKey, Project, Shot

SNAP_EPS = 1e-9  # a key this close to where the rig puts it is left bit-identical (files round-trip)
TURN_EPS = 1e-14  # ... and turned this little (1 - |q.q'|: about 3e-7 rad, above the dot product's rounding)

# What the inspector shows of a key in rig space: (label, unit) per position channel.
CHANNELS: dict[type, tuple[tuple[str, str], ...]] = {
    DollyRig: (("Along track", " m"),),
    CraneRig: (("Swing", "°"), ("Boom", "°")),
    SteadicamRig: (),
    TripodRig: (),
}


def steadicam_positions(project: Project, shot: Shot, rig: SteadicamRig) -> np.ndarray:
    """The operator's lens on every frame of the shot, behind the subject's evaluated positions."""
    frames = np.arange(shot.duration, dtype=float)
    return rig.follow(subject_positions(project, shot, rig.subject, frames), project.fps)


def rig_camera(project: Project, shot: Shot, times, outs, ins, frames) -> tuple[np.ndarray, Rotation]:
    """Positions (N,3) and orientations of the rigged shot on ``frames`` (before look-at)."""
    rig = shot.rig
    frames = np.asarray(frames, float)
    key_pos = np.array([k.position for k in shot.keys], float)
    key_rot = Rotation.from_quat([k.orientation for k in shot.keys])
    if isinstance(rig, SteadicamRig):
        follow = steadicam_positions(project, shot, rig)
        at = np.clip(frames, 0, shot.duration - 1)
        positions = np.stack([np.interp(at, np.arange(shot.duration), follow[:, d]) for d in range(3)], axis=1)
    else:
        channels = rig.channels(key_pos)
        values = interpolate_channels(times, channels, outs, ins, frames) if channels.shape[1] else np.zeros((len(frames), 0))
        positions = rig.positions(values)
    if rig.locks_roll:
        rotations = _head_rotations(times, head_channels(key_rot), outs, ins, frames)
    else:
        rotations = interpolate_rotations(times, key_rot, outs, ins, frames)
    return positions, rotations


def _head_rotations(times, channels, outs, ins, frames) -> Rotation:
    """A level head's orientation on ``frames``, memoised like engine.camera.interpolate's rotations:
    dragging a key's position leaves the keys' pan and tilt as they were."""
    memo = (np.asarray(times, float).tobytes(), channels.tobytes(), tuple(outs), tuple(ins), np.asarray(frames, float).tobytes())
    hit = _HEAD_MEMO.get(memo)
    if hit is None:
        hit = head_quats(interpolate_channels(times, channels, outs, ins, frames))
        hit.setflags(write=False)
        if len(frames) <= HEAD_MEMO_MAX_FRAMES:
            _HEAD_MEMO[memo] = hit
            while len(_HEAD_MEMO) > HEAD_MEMO_SIZE:
                _HEAD_MEMO.pop(next(iter(_HEAD_MEMO)))
    return Rotation.from_quat(hit)


HEAD_MEMO_SIZE = 64
HEAD_MEMO_MAX_FRAMES = 10_000
_HEAD_MEMO: dict[tuple, np.ndarray] = {}


def snapped_poses(project: Project, shot: Shot, positions: np.ndarray, quats: np.ndarray, frames) -> tuple[np.ndarray, np.ndarray]:
    """Where the shot's rig puts lens positions (K,3) and orientations (K,4) keyed on ``frames``."""
    rig = shot.rig
    if isinstance(rig, SteadicamRig):
        follow = steadicam_positions(project, shot, rig)
        snapped = follow[np.clip(np.asarray(frames, int), 0, shot.duration - 1)]
    else:
        snapped = rig.snap(positions)
    if rig.locks_roll:
        quats = head_quats(head_channels(Rotation.from_quat(quats)))
    return snapped, quats


def constrain_shot(project: Project, shot: Shot) -> Shot:
    """``shot`` with every key where its rig can put it (the same object when all already are)."""
    if shot.rig is None:
        return shot
    positions = np.array([k.position for k in shot.keys], float)
    quats = np.array([k.orientation for k in shot.keys], float)
    snapped, snapped_q = snapped_poses(project, shot, positions, quats, [k.frame for k in shot.keys])
    # q and -q are the same orientation: 1 - |q . q'| is zero for the same rotation (half its angle squared / 2).
    unit = quats / np.linalg.norm(quats, axis=1, keepdims=True)
    turned = 1.0 - np.abs(np.einsum("ki,ki->k", unit, snapped_q))
    moved = (np.abs(snapped - positions).max(axis=1) > SNAP_EPS) | (turned > TURN_EPS)
    if not moved.any():
        return shot
    keys = [
        k.model_copy(update={"position": tuple(map(float, p)), "orientation": tuple(map(float, q))}) if m else k
        for k, p, q, m in zip(shot.keys, snapped, snapped_q, moved)
    ]
    return shot.model_copy(update={"keys": keys})


def constrain_project(project: Project, shot_ids: set[str] | None = None) -> Project:
    """The project with the rigged shots (those in ``shot_ids``, or all) snapped onto their rigs."""
    shots = [constrain_shot(project, s) if shot_ids is None or s.id in shot_ids else s for s in project.shots]
    if all(a is b for a, b in zip(shots, project.shots)):
        return project
    return project.model_copy(update={"shots": shots})


def key_channels(shot: Shot, key: CameraKey) -> list[float]:
    """The key's rig-space position channels (a dolly key's distance along its track …)."""
    if shot.rig is None or not CHANNELS[type(shot.rig)]:
        return []
    return [float(v) for v in shot.rig.channels(np.asarray(key.position, float)[None])[0]]


def key_at_channels(shot: Shot, key: CameraKey, values) -> CameraKey:
    """``key`` moved to the rig-space position ``values``."""
    position = shot.rig.positions(np.asarray(values, float)[None])[0]
    return key.model_copy(update={"position": tuple(map(float, position))})


def rig_for(kind: str, project: Project, shot: Shot, path) -> object:
    """A new rig of ``kind`` fitted to the shot's camera as it is (``path``, its evaluated camera):
    a track along its path, a crane reaching its first frame, a tripod where it starts, a
    Steadicam behind the subject it looks at."""
    positions = path.positions
    first = positions[0]
    if kind == "tripod":
        return TripodRig(position=tuple(map(float, first)))
    if kind == "crane":
        # The pivot level with the lens and the base behind it: the arm starts level, reaching the first frame.
        height = float(np.clip(first[1], 0.5, 100.0))
        arm = 3.0
        back = path.c2w[0, :3, 2] * [1.0, 0.0, 1.0]
        back = back / np.linalg.norm(back) if np.linalg.norm(back) > 1e-9 else np.array([0.0, 0.0, 1.0])
        base = first + back * np.sqrt(max(arm * arm - (first[1] - height) ** 2, 0.0))
        return CraneRig(base=(float(base[0]), 0.0, float(base[2])), height=height, arm=arm)
    if kind == "steadicam":
        looked = next((k.look_at for k in shot.keys if k.look_at), None) or (project.subjects[0].name if project.subjects else None)
        if looked is None:
            from engine.errors import ShotlineError

            raise ShotlineError("a Steadicam follows a subject: the set has none", "rig", "subject")
        at = subject_positions(project, shot, looked, [0.0])[0]
        return SteadicamRig(subject=looked, offset=tuple(float(v) for v in first - at))
    if kind == "dolly":
        height = float(np.clip(first[1], 0.0, 100.0))
        floor = positions - [0.0, height, 0.0]
        ends = [floor[0], floor[-1]]
        if np.linalg.norm(ends[1] - ends[0]) < 0.5:  # a static shot: two metres of track across the lens
            right = path.c2w[0, :3, 0] * [1.0, 0.0, 1.0]
            right = right / max(np.linalg.norm(right), 1e-9)
            ends = [floor[0] - right, floor[0] + right]
        return DollyRig(track=[tuple(map(float, p)) for p in ends], height=height)
    raise ValueError(kind)
