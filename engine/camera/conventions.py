"""Pose conventions and the only place where they are converted.

Shotline: world +Y up, metres; poses are camera-to-world 4x4; the camera looks down -Z with +Y up
(OpenGL / USD / Blender camera). OpenCV cameras (x right, y down, z forward) and Z-up worlds
(Blender scenes, nerfstudio) are converted here and nowhere else.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation

# Flipping y and z of the camera axes turns an OpenGL camera into an OpenCV one (and back).
GL_CV_FLIP = np.diag([1.0, -1.0, -1.0, 1.0])
# Y-up world -> Z-up world: +90 degrees about X, so +Y becomes +Z and +Z becomes -Y.
YUP_TO_ZUP = np.array([[1.0, 0, 0, 0], [0, 0, -1.0, 0], [0, 1.0, 0, 0], [0, 0, 0, 1.0]])
ZUP_TO_YUP = YUP_TO_ZUP.T.copy()


def pose_matrix(position, quat_xyzw) -> np.ndarray:
    """Camera-to-world 4x4 from a position and an (x, y, z, w) quaternion; broadcasts over N."""
    position = np.asarray(position, dtype=float)
    quat = np.asarray(quat_xyzw, dtype=float)
    single = position.ndim == 1
    position, quat = np.atleast_2d(position), np.atleast_2d(quat)
    out = np.tile(np.eye(4), (len(position), 1, 1))
    out[:, :3, :3] = Rotation.from_quat(quat).as_matrix()
    out[:, :3, 3] = position
    return out[0] if single else out


def pose_components(c2w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Position (…,3) and (x, y, z, w) quaternion (…,4) of camera-to-world poses."""
    c2w = np.asarray(c2w, dtype=float)
    return c2w[..., :3, 3].copy(), Rotation.from_matrix(c2w[..., :3, :3]).as_quat()


def opengl_to_opencv(c2w: np.ndarray) -> np.ndarray:
    """Same camera, OpenCV camera axes (x right, y down, z forward). Its own inverse."""
    return np.asarray(c2w, dtype=float) @ GL_CV_FLIP


opencv_to_opengl = opengl_to_opencv


def yup_to_zup(c2w: np.ndarray) -> np.ndarray:
    return YUP_TO_ZUP @ np.asarray(c2w, dtype=float)


def zup_to_yup(c2w: np.ndarray) -> np.ndarray:
    return ZUP_TO_YUP @ np.asarray(c2w, dtype=float)


def to_opencv_world(c2w: np.ndarray) -> np.ndarray:
    """Camera and world both in OpenCV axes (y down, z forward): the KITTI / RealEstate10K frame."""
    return GL_CV_FLIP @ np.asarray(c2w, dtype=float) @ GL_CV_FLIP


from_opencv_world = to_opencv_world


def invert_poses(m: np.ndarray) -> np.ndarray:
    """Inverse of rigid 4x4 transforms (camera-to-world <-> world-to-camera)."""
    m = np.asarray(m, dtype=float)
    out = np.zeros_like(m)
    rt = np.swapaxes(m[..., :3, :3], -1, -2)
    out[..., :3, :3] = rt
    out[..., :3, 3] = -np.einsum("...ij,...j->...i", rt, m[..., :3, 3])
    out[..., 3, 3] = 1.0
    return out


def look_at_rotation(eye, target, roll_deg: float = 0.0) -> Rotation:
    """Rotation of a camera at ``eye`` looking at ``target`` with world +Y up, then rolled.

    Looking straight up or down has no defined pan; world -Z is used as the up hint then.
    """
    eye, target = np.asarray(eye, float), np.asarray(target, float)
    forward = target - eye
    norm = np.linalg.norm(forward)
    if norm < 1e-12:
        return Rotation.from_rotvec([0.0, 0.0, np.deg2rad(roll_deg)])
    forward /= norm
    up_hint = np.array([0.0, 1.0, 0.0])
    if abs(forward @ up_hint) > 0.999999:
        up_hint = np.array([0.0, 0.0, -1.0]) if forward[1] < 0 else np.array([0.0, 0.0, 1.0])
    right = np.cross(forward, up_hint)
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    # Camera axes: +X right, +Y up, -Z forward.
    m = np.stack([right, up, -forward], axis=1)
    return Rotation.from_matrix(m) * Rotation.from_rotvec([0.0, 0.0, np.deg2rad(roll_deg)])


def look_at_rotations(eyes, targets) -> Rotation:
    """``look_at_rotation`` (no roll) for many cameras at once: (N,3) eyes, (N,3) or (3,) targets."""
    eyes = np.asarray(eyes, float).reshape(-1, 3)
    forward = np.broadcast_to(np.asarray(targets, float), eyes.shape) - eyes
    norm = np.linalg.norm(forward, axis=1, keepdims=True)
    forward = np.where(norm > 1e-12, forward / np.maximum(norm, 1e-300), [0.0, 0.0, -1.0])
    up_hint = np.tile([0.0, 1.0, 0.0], (len(eyes), 1))
    vertical = np.abs(forward[:, 1]) > 0.999999
    up_hint[vertical] = np.where(forward[vertical, 1:2] < 0, [0.0, 0.0, -1.0], [0.0, 0.0, 1.0])
    right = np.cross(forward, up_hint)
    right /= np.linalg.norm(right, axis=1, keepdims=True)
    up = np.cross(right, forward)
    return Rotation.from_matrix(np.stack([right, up, -forward], axis=2))


def pan_tilt_roll(rotation: Rotation) -> np.ndarray:
    """(pan, tilt, roll) in degrees: R = Ry(pan) Rx(tilt) Rz(roll). Pan left, tilt up, roll left > 0."""
    return rotation.as_euler("YXZ", degrees=True)


def rotation_from_pan_tilt_roll(pan: float, tilt: float, roll: float) -> Rotation:
    return Rotation.from_euler("YXZ", [pan, tilt, roll], degrees=True)


def camera_axes(c2w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Right, up and forward unit vectors of camera-to-world poses (forward is -Z)."""
    c2w = np.asarray(c2w, float)
    return c2w[..., :3, 0], c2w[..., :3, 1], -c2w[..., :3, 2]


def flatten_3x4(c2w: np.ndarray) -> np.ndarray:
    """(N,4,4) -> (N,12): the top three rows, row-major (ShotVerse / KITTI order)."""
    return np.asarray(c2w, float)[..., :3, :4].reshape(*np.shape(c2w)[:-2], 12)


def unflatten_3x4(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, float)
    out = np.tile(np.eye(4), (*rows.shape[:-1], 1, 1))
    out[..., :3, :4] = rows.reshape(*rows.shape[:-1], 3, 4)
    return out
