"""Crane / jib: an arm of fixed length on a pivot above the crane's base, keyed by swing and boom.

The pivot is ``height`` above ``base``; the lens is at the arm's end, ``arm`` metres from the pivot,
so every frame's lens lies on the sphere of that radius about the pivot. A key's position channels
are the arm's swing (heading about the vertical, 0 along +Z, 90 along +X) and boom (elevation above
the horizontal, up positive), in degrees; the remote head pans and tilts on its own.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

import numpy as np
from pydantic import Field

from engine.camera.rigs.base import RigModel, Vec3, unwrap_degrees

MAX_BOOM_DEG = 89.0  # the arm straight up has no swing


class CraneRig(RigModel):
    kind: Literal["crane"] = "crane"
    base: Vec3 = (0.0, 0.0, 0.0)
    height: Annotated[float, Field(ge=0.0, le=100.0)] = 1.5
    arm: Annotated[float, Field(ge=0.1, le=100.0)] = 3.0

    angular: ClassVar[tuple[bool, ...]] = (True, False)

    @property
    def pivot(self) -> np.ndarray:
        return np.asarray(self.base, float) + [0.0, self.height, 0.0]

    def channels(self, positions: np.ndarray) -> np.ndarray:
        """(K,2) swing and boom in degrees; swing unwrapped so the arm swings the short way between keys."""
        d = np.asarray(positions, float).reshape(-1, 3) - self.pivot
        swing = np.rad2deg(np.arctan2(d[:, 0], d[:, 2]))
        boom = np.rad2deg(np.arctan2(d[:, 1], np.hypot(d[:, 0], d[:, 2])))
        return np.stack([unwrap_degrees(swing), np.clip(boom, -MAX_BOOM_DEG, MAX_BOOM_DEG)], axis=1)

    def positions(self, channels: np.ndarray) -> np.ndarray:
        c = np.deg2rad(np.asarray(channels, float).reshape(-1, 2))
        swing, boom = c[:, 0], np.clip(c[:, 1], -np.deg2rad(MAX_BOOM_DEG), np.deg2rad(MAX_BOOM_DEG))
        reach = self.arm * np.cos(boom)
        return self.pivot + np.stack([reach * np.sin(swing), self.arm * np.sin(boom), reach * np.cos(swing)], axis=1)
