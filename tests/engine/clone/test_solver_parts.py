"""Parts of the shot solver on exact geometry: the turn adjustment's analytic Jacobian, frame
registration from a bad previous pose, and the per-track residuals of the two models."""

import cv2
import numpy as np
from scipy.optimize._numdiff import approx_derivative
from scipy.spatial.transform import Rotation

from engine.clone import solve
from engine.clone.solve import _register, adjust_rotations, intrinsics, moving_track_residuals, rotation_track_residuals

SIZE = (320, 180)
C = intrinsics(1.0, SIZE)[:2, 2]
rng = np.random.default_rng(1)
POINTS = np.c_[rng.uniform(-2, 2, 60), rng.uniform(-1, 1, 60), rng.uniform(3, 8, 60)]


def _project(R, t, f, X=POINTS):
    cam = np.einsum("nij,mj->nmi", R, X) + t[:, None]
    return f[:, None, None] * cam[..., :2] / cam[..., 2:] + C


def test_turn_adjustment_jacobian_matches_finite_differences(monkeypatch):
    n = 6
    R = Rotation.from_rotvec(np.outer(np.linspace(0, 1, n), [0.05, 0.25, 0.03])).as_matrix()
    f = 288 * np.exp(np.linspace(0, 0.3, n))
    tracks = _project(R, np.zeros((n, 3)), f)
    tracks[0, :5] = np.nan  # some tracks start later: their rays live in another frame
    seen = {}

    def capture(fun, x0, jac=None, **kw):
        seen.update(fun=fun, jac=jac, x0=x0)
        return type("Result", (), {"x": x0, "fun": fun(x0)})()

    monkeypatch.setattr(solve, "least_squares", capture)
    for fixed in (True, False):
        adjust_rotations(tracks, R, f, SIZE, fixed, np.ones(n, bool))
        x = seen["x0"] + rng.normal(0, 0.02, len(seen["x0"]))
        numeric = approx_derivative(seen["fun"], x, method="3-point")
        assert np.abs(seen["jac"](x).toarray() - numeric).max() < 1e-5 * np.abs(numeric).max()


def test_registration_recovers_from_a_mirrored_previous_pose():
    R = Rotation.from_rotvec([0.02, -0.1, 0.01]).as_matrix()
    t = np.array([0.4, -0.05, 0.1])
    x = _project(R[None], t[None], np.array([288.0]))[0]
    k = intrinsics(288.0, SIZE)
    cv2.setRNGSeed(0)
    bad_rv, bad_t = cv2.Rodrigues(R.T)[0].ravel(), -t  # a guess on the wrong side
    rv, tv, inl = _register(POINTS, x, k, bad_rv, bad_t, 2.0)
    assert len(inl) == len(POINTS)
    assert np.allclose(cv2.Rodrigues(rv)[0], R, atol=1e-6)
    assert np.allclose(tv.ravel(), t, atol=1e-6)


def test_track_residuals_tell_a_turn_from_a_move():
    n = 12
    s = np.linspace(0, 1, n)
    R = Rotation.from_rotvec(np.outer(s, [0.0, 0.2, 0.0])).as_matrix()
    f = np.full(n, 288.0)
    turn = _project(R, np.zeros((n, 3)), f)
    assert np.nanmax(rotation_track_residuals(turn, R, f, SIZE)) < 1e-6
    t = -np.einsum("nij,nj->ni", R, np.outer(s, [1.0, 0.0, 0.0]))  # the same turn while trucking 1 m
    move = _project(R, t, f)
    assert np.nanmax(moving_track_residuals(move, R, t, f, SIZE, np.ones(n, bool))) < 1e-6
    # a turn cannot explain the move's near points: several pixels off at 3-8 m
    assert np.mean(rotation_track_residuals(move, R, f, SIZE) > solve.UNEXPLAINED_TRACK_PX) > 0.5
