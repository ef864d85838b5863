"""Drift slower than any move the learned planner was taught, held still.

The trajectory model's error is a slow creep on the channels a move does not use: a tilt up that
also rises and backs away at about 0.01 subject distances a second, a pan that sinks. Every move in
its training data goes at least the slowest speed of ``data.RATES`` (less the jitter), ten times
that creep, and the motion labels read anything over 0.02 a second as a move. So a channel whose
speed stays under half the slowest taught speed for the whole shot is the model's error, not a
move anyone asked for, and is held at its first frame's value: a director who types "Tilt up."
gets a tilt, not a tilt that also cranes down.

The channels are those of the state (``state.py``), all relative to the shot's first camera:
translation along each of its axes (subject distances), rotation as yaw, pitch and roll about its
axes (degrees), and the zoom ln(f / f0). A channel that moves anywhere at or above its floor is
kept whole, so a slow push keeps its ease-in and ease-out.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.spatial.transform import Rotation

from engine.analysis.labels import LabelConfig

FLOOR_SHARE = 0.5  # of the slowest taught speed


def taught_floors(rates: dict | None = None) -> dict[str, float]:
    """Half the slowest average speed the training data moves at, per kind: translation (subject
    distances / s), rotation (deg / s, pans, tilts, rolls and orbits alike) and zoom (ln f / s)."""
    from engine.planner.learned.data import JITTER, RATES

    rates = RATES if rates is None else rates
    low = FLOOR_SHARE * JITTER[0]
    rotation = min(min(rates["rotation"].values()), min(rates["orbit"].values()))
    return {
        "translation": low * min(rates["translation"].values()),
        "rotation": low * rotation,
        "zoom": low * min(rates["zoom"].values()),
    }


def _peak_speed(values: np.ndarray, fps: float) -> np.ndarray:
    """Per column, the largest speed once smoothed as the motion labels smooth it."""
    if len(values) < 2:
        return np.zeros(values.shape[1])
    speed = np.gradient(values, axis=0) * fps
    speed = gaussian_filter1d(speed, LabelConfig().smooth_s * fps, axis=0, mode="nearest")
    return np.abs(speed).max(axis=0)


def _hold_slow(values: np.ndarray, fps: float, floor: float, names, held: list[str]) -> None:
    """Zero, in place, each column of ``values`` that moves but never reaches ``floor``; name it in ``held``."""
    for axis, speed in enumerate(_peak_speed(values, fps)):
        if speed < floor and np.abs(values[:, axis]).max() > 1e-9:
            values[:, axis] = 0.0
            held.append(names[axis])


def hold_drift(state: np.ndarray, fps: float, floors: dict[str, float]) -> tuple[np.ndarray, list[str]]:
    """``state`` (N, 9) with every channel slower than its floor held at frame 0, and the names of
    the channels held."""
    out = np.array(state, float)
    held: list[str] = []
    _hold_slow(out[:, 4:7], fps, floors["translation"], "xyz", held)
    q = out[:, :4] / np.maximum(np.linalg.norm(out[:, :4], axis=1, keepdims=True), 1e-12)
    # Yaw about the camera's up axis, then pitch, then roll about its view axis (the camera looks
    # down -Z with +Y up); unwrapped so a pan past 180 degrees stays one curve.
    angles = np.rad2deg(np.unwrap(Rotation.from_quat(q).as_euler("YXZ"), axis=0))
    _hold_slow(angles, fps, floors["rotation"], ("yaw", "pitch", "roll"), held)
    if set(held) & {"yaw", "pitch", "roll"}:
        quat = Rotation.from_euler("YXZ", np.deg2rad(angles)).as_quat()
        quat[np.sum(quat * q, axis=1) < 0] *= -1.0  # keep the sign the model's curve had
        out[:, :4] = quat
    zoom = out[:, 7:9].mean(axis=1, keepdims=True)  # the two focal channels are one zoom
    _hold_slow(zoom, fps, floors["zoom"], ("zoom",), held)
    if "zoom" in held:
        out[:, 7:9] = 0.0
    return out, held
