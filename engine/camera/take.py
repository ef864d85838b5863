"""A recorded take: the camera as it was operated, frame by frame, made into a few editable keys.

Unreal's Take Recorder idea: the shot plays in real time while the operator drives the camera;
whatever frames the clock reached are sampled (a slow frame skips some: they are filled in between
their neighbours), optional handheld smoothing takes out the operator's jitter, and the one
``bake_keys`` turns the result into keys that replay it within a centimetre and a fifth of a degree.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.spatial.transform import Rotation, Slerp

from engine.camera.bake import bake_keys
from engine.camera.path import CameraPath
from engine.errors import ShotlineError
from engine.project import CameraKey

REPLAY_POS_TOL_M = 0.005  # well inside the centimetre a take must replay to
REPLAY_ROT_TOL_DEG = 0.1  # and the fifth of a degree


def take_path(frames, c2w, focal_mm, film_back_mm, fps: float, smoothing_frames: float = 0.0) -> CameraPath:
    """Every frame from the first to the last sampled one, filled in and (optionally) smoothed."""
    frames = np.asarray(frames, int)
    if len(frames) == 0:
        raise ShotlineError("the take recorded no frames", "take", "frames")
    order = np.argsort(frames)
    frames, c2w, focal = frames[order], np.asarray(c2w, float)[order], np.asarray(focal_mm, float)[order]
    start = frames[0]
    times = frames - start
    every = np.arange(times[-1] + 1)
    pos = np.stack([np.interp(every, times, c2w[:, d, 3]) for d in range(3)], axis=1)
    foc = np.interp(every, times, focal)
    rots = Rotation.from_matrix(c2w[:, :3, :3])
    rot = Slerp(times, rots)(every) if len(times) > 1 else Rotation.concatenate([rots] * len(every))
    if smoothing_frames > 0 and len(every) > 2:
        pos = gaussian_filter1d(pos, smoothing_frames, axis=0, mode="nearest")
        foc = gaussian_filter1d(foc, smoothing_frames, mode="nearest")
        quats = rot.as_quat()
        # q and -q are one rotation: flip each to the hemisphere of the one before it, then average.
        flips = np.sign(np.einsum("ij,ij->i", quats[1:], quats[:-1]))
        quats[1:] *= np.cumprod(np.where(flips == 0, 1.0, flips))[:, None]
        rot = Rotation.from_quat(gaussian_filter1d(quats, smoothing_frames, axis=0, mode="nearest"))
    out = np.tile(np.eye(4), (len(every), 1, 1))
    out[:, :3, :3] = rot.as_matrix()
    out[:, :3, 3] = pos
    return CameraPath(out, foc, film_back_mm, fps, "take")


def take_keys(path: CameraPath, offset: int = 0) -> list[CameraKey]:
    """The take as keys, starting at frame ``offset`` of the shot."""
    keys = bake_keys(path, rot_tol_deg=REPLAY_ROT_TOL_DEG, pos_tol_m=REPLAY_POS_TOL_M)
    return [k.model_copy(update={"frame": k.frame + offset}) for k in keys]
