"""Dense camera path -> a few editable keys, within a stated tolerance (the one ``bake_keys``).

Every feature that turns a sampled camera into keys goes through here: splitting a subject-space
shot, the planner's sequences of moves, handheld sway, imports of per-frame formats, and later
recorded takes, drawn strokes and cloned cameras.

The keys start at the path's first and last frames (and every ``every`` frames when asked); then,
as Douglas-Peucker does for polylines, each span between two keys whose re-interpolated camera
strays past the tolerance gets a key at its worst frame, until no span does. The error is
measured with the same interpolation ``engine.camera.interpolate`` evaluates the keys with, so
what is checked here is what every view will show.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation

from engine.camera.interpolate import interpolate_channels, interpolate_rotations
from engine.camera.path import CameraPath
from engine.project import MAX_FOCAL_MM, MAX_FOCUS_M, MAX_T_STOP, MIN_FOCAL_MM, MIN_FOCUS_M, MIN_T_STOP, CameraKey, Interpolation

DEFAULT_ROT_TOL_DEG = 0.5
DEFAULT_POS_TOL_FRACTION = 0.01  # of the path's length
MIN_POS_TOL_M = 0.005
DEFAULT_FOCAL_TOL = 0.005  # relative
DEFAULT_FOCUS_TOL = 0.01  # relative, for focus distance and T-stop (a focus puller's mark is ~1 %)


def path_length(positions: np.ndarray) -> float:
    return float(np.linalg.norm(np.diff(positions, axis=0), axis=1).sum()) if len(positions) > 1 else 0.0


def key_at(path: CameraPath, frame: int, interp: Interpolation = "bezier", **fields) -> CameraKey:
    """A key holding the camera exactly as it is at ``frame`` of ``path``."""
    f = int(frame)
    return CameraKey(
        frame=f,
        position=tuple(float(v) for v in path.c2w[f, :3, 3]),
        orientation=tuple(float(v) for v in Rotation.from_matrix(path.c2w[f, :3, :3]).as_quat()),
        focal_mm=float(np.clip(path.focal_mm[f], MIN_FOCAL_MM, MAX_FOCAL_MM)),
        interp_in=interp,
        interp_out=interp,
        **fields,
    )


def bake_keys(
    path: CameraPath,
    *,
    rot_tol_deg: float = DEFAULT_ROT_TOL_DEG,
    pos_tol_m: float | None = None,
    focal_tol: float = DEFAULT_FOCAL_TOL,
    every: int | None = None,
    interp: Interpolation = "bezier",
    ends: Interpolation | None = None,
    **fields,
) -> list[CameraKey]:
    """Keys that reproduce ``path`` within the tolerances on every frame.

    ``pos_tol_m`` defaults to 1 % of the path's length (at least 5 mm); rotation is the angle
    between the path's and the keys' orientations; focal length is relative. ``every`` puts a key
    at least every that many frames (1 keeps every frame: lossless). ``interp`` is the keys'
    interpolation and ``ends`` (if given) that of the first key's start and the last key's end.
    Extra ``fields`` (``look_at=...``) go on every key.
    """
    n = len(path)
    if pos_tol_m is None:
        pos_tol_m = max(DEFAULT_POS_TOL_FRACTION * path_length(path.positions), MIN_POS_TOL_M)
    picked = {0, n - 1}
    if every:
        picked |= set(range(0, n, max(int(every), 1)))
    frames = np.arange(n, dtype=float)
    positions, focal = path.positions, path.focal_mm
    rotations = path.rotations
    for _ in range(n if len(picked) < n else 0):  # each pass adds a key to every span still out; n bounds it
        keys = np.array(sorted(picked))
        outs, ins = _kinds(interp, len(keys), ends)
        pos = interpolate_channels(keys, positions[keys], outs, ins, frames)
        err = np.linalg.norm(pos - positions, axis=1) / max(pos_tol_m, 1e-12)
        rot = interpolate_rotations(keys, rotations[keys], outs, ins, frames)
        err = np.maximum(err, np.rad2deg((rot.inv() * rotations).magnitude()) / max(rot_tol_deg, 1e-9))
        foc = interpolate_channels(keys, focal[keys], outs, ins, frames)[:, 0]
        err = np.maximum(err, np.abs(foc - focal) / focal / max(focal_tol, 1e-12))
        for channel in (path.focus_m, path.t_stop) if path.has_focus else ():
            got = interpolate_channels(keys, channel[keys], outs, ins, frames)[:, 0]
            err = np.maximum(err, np.abs(got - channel) / channel / DEFAULT_FOCUS_TOL)
        added = _worst_per_span(keys, err)
        if not added:
            break
        picked |= added
    keys = sorted(picked)
    outs, ins = _kinds(interp, len(keys), ends)
    return [
        key_at(path, f, interp, **fields).model_copy(update={"interp_in": i, "interp_out": o, **_focus_at(path, f)})
        for f, o, i in zip(keys, outs, ins)
    ]


def _focus_at(path: CameraPath, f: int) -> dict:
    """A baked key's focus channels: the path's own focus distance and T-stop there (if it has them)."""
    if not path.has_focus:
        return {}
    return {
        "focus_m": float(np.clip(path.focus_m[f], MIN_FOCUS_M, MAX_FOCUS_M)),
        "t_stop": float(np.clip(path.t_stop[f], MIN_T_STOP, MAX_T_STOP)),
    }


def _kinds(interp: str, count: int, ends: str | None) -> tuple[list[str], list[str]]:
    outs, ins = [interp] * count, [interp] * count
    if ends is not None:  # the first and the last key, on both sides
        outs[0] = ins[0] = outs[-1] = ins[-1] = ends
    return outs, ins


def _worst_per_span(keys: np.ndarray, err: np.ndarray) -> set[int]:
    """The worst frame of every span between two keys whose error is past 1 (the tolerance)."""
    added = set()
    for a, b in zip(keys[:-1], keys[1:]):
        if b - a < 2:
            continue
        span = err[a + 1 : b]
        worst = int(np.argmax(span))
        if span[worst] > 1.0:
            added.add(int(a + 1 + worst))
    return added
