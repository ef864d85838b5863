"""Metrics on constructed cases with known answers."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.spatial.transform import Rotation

from engine.analysis.metrics import (
    aligned_errors,
    motion_f1,
    relative_pose_errors,
    transition_precision,
    umeyama,
)
from engine.errors import ShotlineError
from tests.engine.strategies import poses


def random_path(seed: int, n: int = 30) -> np.ndarray:
    rng = np.random.default_rng(seed)
    c2w = np.tile(np.eye(4), (n, 1, 1))
    c2w[:, :3, :3] = Rotation.from_rotvec(np.cumsum(rng.normal(0, 0.05, (n, 3)), axis=0)).as_matrix()
    c2w[:, :3, 3] = np.cumsum(rng.normal(0, 0.3, (n, 3)), axis=0)
    return c2w


@given(poses(n=8))
def test_identical_paths_score_zero(c2w):
    e = relative_pose_errors(c2w, c2w)
    assert e.rre < 1e-4 and e.rte < 1e-4 and e.r_pre(5.0) == 1.0
    a = aligned_errors(c2w, c2w)
    assert a.translation < 1e-6 and a.rotation_deg < 1e-4


@given(st.integers(0, 10_000), st.floats(0.01, 100.0))
def test_a_scaled_path_has_zero_translation_direction_error(seed, scale):
    ref = random_path(seed)
    pred = ref.copy()
    pred[:, :3, 3] *= scale
    e = relative_pose_errors(pred, ref)
    assert e.rte < 1e-4 and e.rre < 1e-6 and e.t_pre(5.0) == 1.0
    a = aligned_errors(pred, ref)
    assert a.translation < 1e-6 and a.scale == pytest.approx(1.0 / scale, rel=1e-6)


@given(st.integers(0, 10_000))
def test_a_path_turned_10_degrees_after_its_first_frame_has_rre_10(seed):
    ref = random_path(seed)
    turn = np.eye(4)
    turn[:3, :3] = Rotation.from_euler("y", 10, degrees=True).as_matrix()
    # Rotate every later frame about the first camera's centre: each relative pose turns by 10 degrees.
    to_first, back = np.eye(4), np.eye(4)
    to_first[:3, 3], back[:3, 3] = -ref[0, :3, 3], ref[0, :3, 3]
    pred = ref.copy()
    pred[1:] = back @ turn @ to_first @ ref[1:]
    e = relative_pose_errors(pred, ref)
    assert e.rre == pytest.approx(10.0, abs=1e-6)
    assert e.r_pre(5.0) == 0.0 and e.r_pre(15.0) == 1.0
    assert e.rte <= 10.0 + 1e-6  # the displacement turns by 10 degrees less its part along the axis


def test_translation_direction_error_of_a_perpendicular_move_is_90():
    ref, pred = np.tile(np.eye(4), (5, 1, 1)), np.tile(np.eye(4), (5, 1, 1))
    ref[:, 0, 3] = np.arange(5.0)
    pred[:, 2, 3] = -np.arange(5.0) * 3
    assert relative_pose_errors(pred, ref).rte == pytest.approx(90.0)
    still = np.tile(np.eye(4), (5, 1, 1))
    assert relative_pose_errors(still, ref).rte == pytest.approx(90.0)  # no move where one was asked for


@given(st.integers(0, 10_000), st.floats(0.1, 10.0))
def test_umeyama_recovers_a_similarity(seed, scale):
    rng = np.random.default_rng(seed)
    src = rng.normal(size=(20, 3))
    rot = Rotation.random(random_state=seed).as_matrix()
    t = rng.normal(size=3) * 5
    s, r, tt = umeyama(src, scale * src @ rot.T + t)
    assert s == pytest.approx(scale, rel=1e-6)
    assert np.allclose(r, rot, atol=1e-6) and np.allclose(tt, t, atol=1e-5)


def test_aligned_errors_see_through_a_similarity_and_measure_the_rest():
    ref = random_path(3)
    sim = np.eye(4)
    sim[:3, :3] = Rotation.from_euler("xyz", [20, -40, 5], degrees=True).as_matrix()
    sim[:3, 3] = [3, -1, 2]
    pred = sim @ ref
    pred[:, :3, 3] *= 2.5
    a = aligned_errors(pred, ref)
    assert a.translation < 1e-6 and a.rotation_deg < 1e-4
    noisy = ref.copy()
    noisy[:, :3, :3] = noisy[:, :3, :3] @ Rotation.from_euler("z", 4, degrees=True).as_matrix()
    assert aligned_errors(noisy, ref).rotation_deg == pytest.approx(4.0, abs=0.5)


def test_motion_f1_known_values():
    ref = ["push_in"] * 6 + ["static"] * 4
    assert motion_f1(ref, ref) == 1.0
    assert motion_f1(["static"] * 10, ref) == pytest.approx(0.4 * (2 * 0.4 * 1.0 / 1.4))
    # Half the push frames called pan: push P=1 R=0.5 F1=2/3; static P=R=1.
    pred = ["pan_left"] * 3 + ["push_in"] * 3 + ["static"] * 4
    assert motion_f1(pred, ref) == pytest.approx(0.6 * 2 / 3 + 0.4 * 1.0)
    with pytest.raises(ShotlineError, match="frames"):
        motion_f1(["static"], ref)


def test_transition_precision_counts_cuts_within_three_frames_one_to_one():
    s = transition_precision([10, 52, 200], [12, 48, 100])
    assert (s.found, s.reference, s.false_cuts) == (1, 3, 2)  # 52 is 4 frames from 48
    assert transition_precision([10, 47, 103], [12, 48, 100]).precision == 1.0
    assert transition_precision([11], [10, 12]).found == 1  # one prediction cannot find two cuts
    assert transition_precision([], []).precision == 1.0
    assert transition_precision([5, 5], [5], tolerance=0).found == 1
