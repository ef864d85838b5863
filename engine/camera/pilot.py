"""Operating a camera from its own view (pilot mode): moves in the camera's own axes.

Fly-mode conventions (Blender's, Unreal's virtual camera): dolly moves along the view direction,
truck along the camera's right, pedestal straight up in the world; pan turns about the world's up
axis and tilt about the camera's right, so the horizon stays level unless the operator rolls. Angles
compose in Shotline's pan/tilt/roll (Ry·Rx·Rz); tilt stops short of straight up or down.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial.transform import Rotation

from engine.camera.conventions import pan_tilt_roll, rotation_from_pan_tilt_roll
from engine.project import MAX_FOCAL_MM, MIN_FOCAL_MM

MAX_TILT_DEG = 89.0
WORLD_UP = np.array([0.0, 1.0, 0.0])


@dataclass(frozen=True)
class PilotMove:
    """One input: metres along the camera's axes, degrees, and a focal-length factor."""

    dolly: float = 0.0  # forward (+) / back, along the view direction
    truck: float = 0.0  # right (+) / left
    pedestal: float = 0.0  # up (+) / down, in the world
    pan: float = 0.0  # right (+) / left — the view turns the way the mouse goes
    tilt: float = 0.0  # up (+) / down
    roll: float = 0.0  # clockwise (+) as the operator sees it
    zoom: float = 1.0  # focal length multiplied by this


def piloted(c2w: np.ndarray, focal_mm: float, move: PilotMove) -> tuple[np.ndarray, float]:
    """The camera-to-world pose and focal length after ``move``."""
    c2w = np.asarray(c2w, float)
    right, forward = c2w[:3, 0], -c2w[:3, 2]
    position = c2w[:3, 3] + move.dolly * forward + move.truck * right + move.pedestal * WORLD_UP
    pan, tilt, roll = pan_tilt_roll(Rotation.from_matrix(c2w[:3, :3]))
    # Shotline's pan is positive to the left and roll positive to the left: the operator's right is minus.
    rotation = rotation_from_pan_tilt_roll(pan - move.pan, float(np.clip(tilt + move.tilt, -MAX_TILT_DEG, MAX_TILT_DEG)), roll - move.roll)
    out = np.eye(4)
    out[:3, :3] = rotation.as_matrix()
    out[:3, 3] = position
    return out, float(np.clip(focal_mm * move.zoom, MIN_FOCAL_MM, MAX_FOCAL_MM))


def heads_up(c2w: np.ndarray, focal_mm: float, subject_point: np.ndarray | None, focus: tuple[float, float] | None = None) -> str:
    """What every piloted frame shows: lens, camera height and distance to the subject, and the
    focus distance and T-stop of a camera that keys focus."""
    text = f"{focal_mm:.0f} mm · height {c2w[1, 3]:.2f} m"
    if subject_point is not None:
        text += f" · {float(np.linalg.norm(np.asarray(subject_point) - c2w[:3, 3])):.2f} m to subject"
    if focus is not None:
        text += f" · focus {focus[0]:.2f} m at T{focus[1]:.1f}"
    return text
