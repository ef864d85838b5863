import numpy as np
from scipy.spatial.transform import Rotation
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.camera.conventions import (
    flatten_3x4,
    look_at_rotation,
    opencv_to_opengl,
    opengl_to_opencv,
    pan_tilt_roll,
    rotation_from_pan_tilt_roll,
    unflatten_3x4,
    yup_to_zup,
    zup_to_yup,
)
from engine.camera.lens import focal_from_fov, fov_deg, intrinsics
from engine.camera.normalize import from_state9, normalize_translation, to_state9

from .strategies import poses


@given(poses())
def test_pose_to_12d_and_back(m):
    assert np.allclose(unflatten_3x4(flatten_3x4(m)), m, atol=1e-12)


@given(poses())
def test_opengl_opencv_round_trip_and_axes(m):
    cv = opengl_to_opencv(m)
    assert np.allclose(opencv_to_opengl(cv), m, atol=1e-12)
    # The OpenCV camera looks down its +Z, the OpenGL one down its -Z: the same world direction.
    assert np.allclose(cv[:, :3, 2], -m[:, :3, 2])
    # OpenCV y points down in the image: opposite to OpenGL's up.
    assert np.allclose(cv[:, :3, 1], -m[:, :3, 1])


@given(poses())
def test_yup_zup_round_trip(m):
    z = yup_to_zup(m)
    assert np.allclose(zup_to_yup(z), m, atol=1e-12)
    assert np.allclose(z[:, 2, 3], m[:, 1, 3])  # height moves from y to z


def test_look_at_faces_the_target_upright():
    r = look_at_rotation([0, 1.6, 5], [0, 1.6, 0])
    assert np.allclose(r.apply([0, 0, -1]), [0, 0, -1])
    assert np.allclose(r.apply([0, 1, 0]), [0, 1, 0])
    r = look_at_rotation([3, 0, 0], [0, 0, 0])
    assert np.allclose(r.apply([0, 0, -1]), [-1, 0, 0])


@given(st.floats(-170, 170), st.floats(-80, 80), st.floats(-80, 80))
def test_pan_tilt_roll_round_trip(pan, tilt, roll):
    assert np.allclose(pan_tilt_roll(rotation_from_pan_tilt_roll(pan, tilt, roll)), [pan, tilt, roll], atol=1e-7)


def test_pan_left_turns_the_lens_left():
    fwd = rotation_from_pan_tilt_roll(30, 0, 0).apply([0, 0, -1])
    assert fwd[0] < 0  # toward -X, the camera's left when it starts looking down -Z


def test_lens_known_values():
    # A 35 mm lens on Super 35's 24.89 mm width: 39.15 degrees horizontal.
    assert fov_deg(35.0, 24.89) == pytest.approx(39.148, abs=1e-3)
    assert focal_from_fov(fov_deg(50.0, 24.89), 24.89) == pytest.approx(50.0)
    k = intrinsics(35.0, (24.89, 10.41), 832, 348)
    assert k[0, 0] == pytest.approx(35.0 / 24.89 * 832) and k[0, 2] == 416 and k[1, 2] == 174


@given(poses(n=5), st.floats(0.01, 100))
def test_normalisation_relative_to_first_with_unit_extent(m, scale):
    m = m.copy()
    m[:, :3, 3] *= scale
    rel, s = normalize_translation(m)
    assert np.allclose(rel[0], np.eye(4), atol=1e-9)
    extent = np.linalg.norm(rel[:, :3, 3], axis=1).max()
    assert extent == pytest.approx(1.0) or np.allclose(m[:, :3, 3], m[0, :3, 3])


@given(poses(n=4))
def test_state9_round_trip(m):
    state = to_state9(m, np.array([20.0, 30, 40, 50]), (24.89, 10.41))
    assert state.shape == (4, 9)
    c2w, focal = from_state9(state, (24.89, 10.41))
    assert np.allclose(focal, [20, 30, 40, 50])
    assert np.allclose(to_state9(c2w, focal, (24.89, 10.41)), state, atol=1e-9)
    assert np.allclose(state[:, 8], np.array([20.0, 30, 40, 50]) / 10.41)


def test_state9_of_half_turns_is_one_state():
    """A 180° turn has w = 0, where q and -q are both its quaternion: the state picks one."""
    m = np.tile(np.eye(4), (4, 1, 1))
    for i, axis in enumerate(np.eye(3), start=1):
        m[i, :3, :3] = Rotation.from_rotvec(np.pi * axis).as_matrix()
    m[:, :3, 3] = [[0, 0, 0], [1, 0, 0], [0, 2, 0], [0, 0, 3]]
    state = to_state9(m, np.array([20.0, 30, 40, 50]), (24.89, 10.41))
    c2w, focal = from_state9(state, (24.89, 10.41))
    assert np.allclose(to_state9(c2w, focal, (24.89, 10.41)), state, atol=1e-12)
    assert np.all(state[:, 3] >= 0)
