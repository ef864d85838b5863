"""What every rig shares: the model base, and the pan/tilt head most rigs carry.

A rig is a constraint on a shot's camera. Its keys are the shot's ordinary camera keys read in rig
space (a dolly key is a position along its track, a crane key a swing and a boom angle, a tripod
key only a pan and a tilt); the evaluation interpolates those rig channels between keys and turns
them back into world poses, so every frame lies on the rig and every reader of the evaluated
sequence sees ordinary cameras.

Each rig says, for (K,3) key positions, what its position channels are (``channels``), where the
lens is for (N,C) channel values (``positions``), and whether its head can roll. Angles in rig
space are degrees; headings follow the subjects' ``facing``: 0 looks along +Z, 90 along +X.

This module imports nothing of ``engine.project`` (which imports the rigs to type ``Shot.rig``).
"""

from __future__ import annotations

from typing import Annotated, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from scipy.spatial.transform import Rotation

from engine.camera.conventions import pan_tilt_roll

MAX_COORD_M = 1.0e6  # as engine.project: positions within 1000 km
MAX_TILT_DEG = 89.9  # a head that tilts straight up or down has no defined pan

Coord = Annotated[float, Field(ge=-MAX_COORD_M, le=MAX_COORD_M)]
Vec3 = tuple[Coord, Coord, Coord]
Metres = Annotated[float, Field(gt=0.0, le=1000.0)]


class RigModel(BaseModel):
    # As the project's models: strict types, no unknown fields, no NaN.
    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)

    locks_roll: ClassVar[bool] = True  # a geared or remote head pans and tilts; only a Steadicam rolls (class attribute)

    def channels(self, positions: np.ndarray) -> np.ndarray:
        """Rig-space position channels (K,C) of lens positions (K,3); C may be 0."""
        raise NotImplementedError

    def positions(self, channels: np.ndarray) -> np.ndarray:
        """Lens positions (N,3) of channel values (N,C)."""
        raise NotImplementedError

    angular: ClassVar[tuple[bool, ...]] = ()  # which channels are angles (interpolated the short way round)

    def snap(self, positions: np.ndarray) -> np.ndarray:
        """The nearest positions the rig can put the lens at."""
        return self.positions(self.channels(np.asarray(positions, float).reshape(-1, 3)))


def head_channels(rotations: Rotation) -> np.ndarray:
    """(K,2) pan and tilt in degrees of key orientations, pan unwrapped so keys turn the short way."""
    ptr = np.atleast_2d(pan_tilt_roll(rotations))
    return np.stack([unwrap_degrees(ptr[:, 0]), ptr[:, 1]], axis=1)


def head_quats(pan_tilt: np.ndarray) -> np.ndarray:
    """(N,4) quaternions (x, y, z, w) of a level head (no roll) from (N,2) pan and tilt in degrees:
    Ry(pan) * Rx(tilt) in closed form (a drag evaluates this on every frame of the shot; scipy's
    from_euler is ten times slower)."""
    pan_tilt = np.asarray(pan_tilt, float).reshape(-1, 2)
    half_pan = np.deg2rad(pan_tilt[:, 0]) / 2.0
    half_tilt = np.deg2rad(np.clip(pan_tilt[:, 1], -MAX_TILT_DEG, MAX_TILT_DEG)) / 2.0
    s1, c1, s2, c2 = np.sin(half_pan), np.cos(half_pan), np.sin(half_tilt), np.cos(half_tilt)
    return np.stack([c1 * s2, s1 * c2, -s1 * s2, c1 * c2], axis=1)


def head_rotations(pan_tilt: np.ndarray) -> Rotation:
    """Orientations of a level head (no roll) from (N,2) pan and tilt in degrees."""
    return Rotation.from_quat(head_quats(pan_tilt))


def unwrap_degrees(values: np.ndarray) -> np.ndarray:
    """Angles in degrees with each step taken the short way round (np.unwrap's rule, without its
    general-case overhead on the few keys of a shot)."""
    values = np.asarray(values, float)
    if len(values) < 2:
        return values.copy()
    steps = (np.diff(values) + 180.0) % 360.0 - 180.0
    return values[0] + np.concatenate([[0.0], np.cumsum(steps)])
