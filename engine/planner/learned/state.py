"""World cameras <-> the learned planner's 9-D per-frame state, and the set layout it reads.

The state is the patent's (seed 003; ``engine.camera.normalize``): the pose relative to the first
frame (R0^T Ri, R0^T (ti - t0)) as a quaternion (x, y, z, w) and a translation, then two focal
channels. Two differences: the patent scales translations so the farthest camera is at 1, which
throws away how far a move goes; a planner has to say that, so here the unit is the distance from
the first camera to the shot's subject (the same reference length the motion labels measure speed
in). A push in to half the distance is then 0.5 whatever the set's size. And the focal channels are
relative to the first frame too, ln(f_i / f_0) (the patent's focal / film width and height, divided
by the first frame's): the start lens is known, and an absolute focal length -- which varies from
shot to shot far more than within one -- made the model's small errors in it read as zooms.

The layout is one row per subject (the primary first, at most ``MAX_SUBJECTS``), in the first
camera's frame and the same unit: position (3), facing as a direction on the camera's ground
plane (2), height (1), primary flag, person flag.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation, Slerp

from engine.camera.conventions import invert_poses
from engine.camera.normalize import relative_to_first
from engine.project import Subject

MAX_SUBJECTS = 4
LAYOUT_FEATURES = 8
NO_SUBJECT_SCALE_M = 3.0


def reference_scale(c2w0: np.ndarray, subject: Subject | None) -> float:
    """Distance from the camera to the subject's body at the lens height (clamped to the body)."""
    if subject is None:
        return NO_SUBJECT_SCALE_M
    eye = np.asarray(c2w0[:3, 3], float)
    s = np.asarray(subject.position, float)
    point = s + [0.0, float(np.clip(eye[1] - s[1], 0.0, subject.height)), 0.0]
    return max(float(np.linalg.norm(point - eye)), 0.25)


def to_state(c2w: np.ndarray, focal_mm: np.ndarray, scale: float) -> np.ndarray:
    """(N, 9) state of poses ``c2w`` (N,4,4) and focal lengths relative to their first, translations / ``scale``."""
    rel = relative_to_first(np.asarray(c2w, float))
    quat = continuous(Rotation.from_matrix(rel[:, :3, :3]).as_quat())
    focal = np.broadcast_to(np.asarray(focal_mm, float), (len(rel),))
    zoom = np.log(focal / focal[0])[:, None]
    return np.concatenate([quat, rel[:, :3, 3] / scale, zoom, zoom], axis=1)


def continuous(quat: np.ndarray) -> np.ndarray:
    """Quaternions with signs chosen so neighbours agree (q and -q are one rotation), starting with
    w >= 0: a pan past 180 degrees stays a smooth curve instead of jumping to the other sign."""
    q = np.array(quat, float)
    if q[0, 3] < 0:
        q[0] = -q[0]
    for i in range(1, len(q)):
        if q[i] @ q[i - 1] < 0:
            q[i] = -q[i]
    return q


def from_state(state: np.ndarray, c2w0: np.ndarray, focal0_mm: float, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """World poses (N,4,4) and focal lengths (N,) of a state whose first frame is the camera ``c2w0``
    with the lens ``focal0_mm``."""
    state = np.asarray(state, float)
    rel = np.tile(np.eye(4), (len(state), 1, 1))
    q = state[:, :4] / np.maximum(np.linalg.norm(state[:, :4], axis=1, keepdims=True), 1e-9)
    rel[:, :3, :3] = Rotation.from_quat(q).as_matrix()
    rel[:, :3, 3] = state[:, 4:7] * scale
    focal = float(focal0_mm) * np.exp(0.5 * (state[:, 7] + state[:, 8]))  # the two are one zoom; average the model's two guesses
    return np.asarray(c2w0, float)[None] @ rel, focal


def layout_features(c2w0: np.ndarray, subjects: list[Subject], primary: str | None, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """(MAX_SUBJECTS, 8) rows and a (MAX_SUBJECTS,) mask; the primary subject first."""
    ordered = sorted(subjects, key=lambda s: s.name != primary)[:MAX_SUBJECTS]
    world_to_cam = invert_poses(np.asarray(c2w0, float))
    rows = np.zeros((MAX_SUBJECTS, LAYOUT_FEATURES), np.float32)
    mask = np.zeros(MAX_SUBJECTS, np.float32)
    for i, s in enumerate(ordered):
        centre = np.asarray(s.position, float) + [0.0, 0.5 * min(s.height, 3.0), 0.0]
        local = world_to_cam[:3, :3] @ centre + world_to_cam[:3, 3]
        yaw = np.deg2rad(s.facing)
        facing = world_to_cam[:3, :3] @ np.array([np.sin(yaw), 0.0, np.cos(yaw)])
        flat = facing[[0, 2]] / max(np.linalg.norm(facing[[0, 2]]), 1e-9)
        rows[i] = [*(local / scale), *flat, s.height / scale, float(s.name == primary), float(s.is_person)]
        mask[i] = 1.0
    return rows, mask


def resample(c2w: np.ndarray, focal: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Poses and focal lengths at fractional frame indices ``at`` (linear positions, slerped rotations)."""
    n = len(c2w)
    at = np.clip(np.asarray(at, float), 0.0, n - 1)
    frames = np.arange(n, dtype=float)
    out = np.tile(np.eye(4), (len(at), 1, 1))
    for axis in range(3):
        out[:, axis, 3] = np.interp(at, frames, c2w[:, axis, 3])
    out[:, :3, :3] = Slerp(frames, Rotation.from_matrix(c2w[:, :3, :3]))(at).as_matrix() if n > 1 else c2w[0, :3, :3]
    return out, np.interp(at, frames, focal)
