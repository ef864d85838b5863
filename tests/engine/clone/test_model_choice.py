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
