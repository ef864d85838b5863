"""Tripod: the lens locked at one position; a key is only a pan, a tilt and a focal length."""

from __future__ import annotations

from typing import Literal

import numpy as np

from engine.camera.rigs.base import RigModel, Vec3


class TripodRig(RigModel):
    kind: Literal["tripod"] = "tripod"
    position: Vec3  # the lens (the head sits on the legs just below it)

    def channels(self, positions: np.ndarray) -> np.ndarray:
        return np.zeros((len(np.asarray(positions).reshape(-1, 3)), 0))

    def positions(self, channels: np.ndarray) -> np.ndarray:
        return np.tile(np.asarray(self.position, float), (len(channels), 1))
