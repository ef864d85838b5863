"""The figures that choose between a turn/zoom and a moving camera, on exact geometry."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.transform import Rotation

from engine.clone.solve import MIN_PARALLAX_PX, behind_fraction, implied_parallax

SIZE = (320, 180)
rng = np.random.default_rng(0)
ROOM = np.c_[rng.uniform(-3, 3, 200), rng.uniform(-1.5, 1.5, 200), rng.uniform(3.0, 9.0, 200)]  # ahead, 3-9 m
WALL = np.c_[rng.uniform(-3, 3, 200), rng.uniform(-1.5, 1.5, 200), np.full(200, 6.0)]  # one plane


def _cameras(rotvec_deg, travel, zoom, n=12):
    s = np.linspace(0, 1, n)
    R = Rotation.from_rotvec(np.outer(s, np.radians(rotvec_deg))).as_matrix()
    centres = np.outer(s, travel)
    t = -np.einsum("nij,nj->ni", R, centres)  # world-to-camera: t = -R c
    return R, t, 288.0 * zoom ** s


turns = st.tuples(*[st.floats(-15, 15)] * 3)


@settings(max_examples=25, deadline=None)
@given(rot=turns, zoom=st.floats(0.6, 1.6))
def test_a_turn_or_zoom_implies_no_parallax(rot, zoom):
    R, t, f = _cameras(rot, (0.0, 0.0, 0.0), zoom)
    assert implied_parallax(R, t, f, ROOM, SIZE) < 0.05


@settings(max_examples=25, deadline=None)
@given(rot=turns, travel=st.tuples(*[st.floats(-1.0, 1.0)] * 3))
def test_a_plane_seen_moving_implies_no_parallax(rot, travel):
    R, t, f = _cameras(rot, travel, 1.0)
    assert implied_parallax(R, t, f, WALL, SIZE) < 0.05


@settings(max_examples=25, deadline=None)
@given(direction=st.sampled_from([(1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, 0, 1), (0, 0, -1)]), metres=st.floats(0.6, 1.5))
def test_a_move_among_depths_implies_parallax(direction, metres):
    """Truck, pedestal, push or pull of 0.6-1.5 m in a room 3-9 m deep: far more than the threshold."""
    R, t, f = _cameras((0.0, 0.0, 0.0), np.asarray(direction, float) * metres, 1.0)
    assert implied_parallax(R, t, f, ROOM, SIZE) > MIN_PARALLAX_PX


def test_points_behind_a_camera_are_counted():
    R, t, _ = _cameras((0.0, 0.0, 0.0), (0.0, 0.0, 5.0), 1.0)  # pushes 5 m into a room 3-9 m deep
    rv = Rotation.from_matrix(R).as_rotvec()
    done = np.ones(len(R), bool)
    expected = float((ROOM[:, 2] <= 5.0).mean())
    assert abs(behind_fraction(rv, t, ROOM, done) - expected) < 1e-9
    assert behind_fraction(rv[:1], t[:1], ROOM, done[:1]) == 0.0


def _essential(R, t):
    tx = np.array([[0, -t[2], t[1]], [t[2], 0, -t[0]], [-t[1], t[0], 0]])
    return tx @ R


def _project(R, t, f, X):
    cam = X @ R.T + t
    return f * cam[:, :2] / cam[:, 2:] + np.array(SIZE) / 2.0


@settings(max_examples=25, deadline=None)
@given(direction=st.tuples(*[st.floats(-1.0, 1.0)] * 3).filter(lambda d: np.linalg.norm(d) > 0.3), wrong_deg=st.floats(10.0, 40.0))
def test_the_true_epipolar_geometry_costs_least_where_most_tracks_are_on_the_wall(direction, wrong_deg):
    """270 tracks on the wall ahead and 12 on boxes before it: the true pose's epipolar cost is
    under a reference pixel squared in all (Sampson's first-order distance errs a little by the
    epipole of a push), and a pose whose travel is 10 degrees off or more costs twenty times that."""
    from engine.clone.solve import epipolar_cost, intrinsics

    K = intrinsics(288.0, SIZE)
    boxes = np.c_[rng.uniform(-1.0, 1.0, 12), rng.uniform(-0.5, 0.8, 12), rng.uniform(2.0, 3.0, 12)]
    X = np.r_[WALL[:270], boxes]
    c = 0.6 * np.asarray(direction) / np.linalg.norm(direction)
    R = np.eye(3)
    t = -R @ c
    pa, pb = _project(np.eye(3), np.zeros(3), 288.0, X), _project(R, t, 288.0, X)
    true_cost = epipolar_cost(_essential(R, t / np.linalg.norm(t)), pa, pb, K, 1.0)
    axis = np.cross(c, [0.0, 0.0, 1.0] if abs(c[2]) < 0.9 * np.linalg.norm(c) else [1.0, 0.0, 0.0])
    off = Rotation.from_rotvec(np.radians(wrong_deg) * axis / np.linalg.norm(axis)).apply(c)
    wrong_cost = epipolar_cost(_essential(R, -off / np.linalg.norm(off)), pa, pb, K, 1.0)
    assert true_cost < 1.0 and wrong_cost > 20.0 * (true_cost + 1.0)

