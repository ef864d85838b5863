"""Steadicam: the operator follows a subject with a lag, keeping an offset from them.

The lens follows the subject's evaluated position plus ``offset`` (world axes, from the point the
subject stands on: (0, 1.6, -2) is two metres on the subject's -Z side at 1.6 m) through a
critically damped second-order follow, omega^2 / (s + omega)^2: it never overshoots, and behind a
subject walking at a steady speed it settles exactly ``lag_s`` seconds behind (the steady-state
delay of that filter is 2 / omega). It starts at rest on its mark. Keys give the head's aim
(usually a look-at on the subject) and the lens; their positions are not the operator's to choose.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

import numpy as np
from pydantic import Field
from scipy.signal import StateSpace, lsim

from engine.camera.rigs.base import RigModel, Vec3


class SteadicamRig(RigModel):
    kind: Literal["steadicam"] = "steadicam"
    subject: Annotated[str, Field(min_length=1, max_length=200)]
    lag_s: Annotated[float, Field(gt=0.0, le=60.0)] = 0.5
    offset: Vec3 = (0.0, 1.6, -2.0)

    locks_roll: ClassVar[bool] = False  # a Steadicam operator can Dutch the sled

    def follow(self, subject_positions: np.ndarray, fps: float) -> np.ndarray:
        """Lens positions (N,3) on frames 0..N-1 behind the subject's positions on those frames."""
        target = np.asarray(subject_positions, float).reshape(-1, 3) + np.asarray(self.offset, float)
        if len(target) < 2:
            return target.copy()
        w = 2.0 / self.lag_s
        system = StateSpace([[0.0, 1.0], [-w * w, -2.0 * w]], [[0.0], [w * w]], [[1.0, 0.0]], [[0.0]])
        t = np.arange(len(target)) / float(fps)
        # Linear interpolation of the input between frames is exact: subjects move linearly between keys.
        return np.stack([lsim(system, target[:, d], t, X0=[target[0, d], 0.0])[1] for d in range(3)], axis=1)
