"""Both bundle adjusters (scipy, pycolmap) bring a disturbed first solution back to the true cameras."""

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from engine.clone import solve
from engine.clone.solve import adjust_poses, intrinsics

SIZE = (320, 180)
F = 288.0


def _scene(n=10, m=120, seed=0):
    """A camera trucking right 1 m past points 3-9 m ahead (OpenCV world-to-camera), tracks exact."""
    rng = np.random.default_rng(seed)
    X = np.c_[rng.uniform(-3, 3, m), rng.uniform(-1.5, 1.5, m), rng.uniform(3, 9, m)]
    s = np.linspace(0, 1, n)
    rv = np.c_[np.zeros(n), np.radians(-4) * s, np.zeros(n)]
    R = Rotation.from_rotvec(rv).as_matrix()
    t = -np.einsum("nij,nj->ni", R, np.c_[s, np.zeros(n), np.zeros(n)])
    cam = np.einsum("nij,mj->nmi", R, X) + t[:, None]
    xy = F * cam[..., :2] / cam[..., 2:] + intrinsics(1.0, SIZE)[:2, 2]
    inside = (xy[..., 0] >= 0) & (xy[..., 0] < SIZE[0]) & (xy[..., 1] >= 0) & (xy[..., 1] < SIZE[1])
    tracks = np.where(inside[..., None], xy, np.nan)
    return tracks, rv, t, X


@pytest.mark.parametrize("backend", ["scipy", "pycolmap"])
def test_adjustment_recovers_the_cameras(backend, monkeypatch):
    if backend == "pycolmap":
        pytest.importorskip("pycolmap")
    monkeypatch.setattr(solve, "BA_BACKEND", backend)
    tracks, rv, t, X = _scene()
    rng = np.random.default_rng(1)
    rv0 = rv + np.r_[[np.zeros(3)], rng.normal(0, 0.002, (len(rv) - 1, 3))]  # about a tenth of a degree off
    t0 = t + np.r_[[np.zeros(3)], rng.normal(0, 0.005, (len(t) - 1, 3))]
    X0 = X + rng.normal(0, 0.01, X.shape)  # within the 4 px the adjustment starts from
    done = np.ones(len(rv), bool)
    out_rv, out_t, _, _, err, _, _ = adjust_poses(tracks, rv0, t0, np.full(len(rv), F), X0, done, SIZE, False)
    assert np.median(err) < 0.05  # exact tracks: reprojected to a twentieth of a pixel
    for i in range(1, len(rv)):  # every frame but the first (fixed)
        dR = Rotation.from_rotvec(out_rv[i]).inv() * Rotation.from_rotvec(rv[i])
        assert np.degrees(dR.magnitude()) < 0.2
        centre_est = -Rotation.from_rotvec(out_rv[i]).as_matrix().T @ out_t[i]
        centre_true = -Rotation.from_rotvec(rv[i]).as_matrix().T @ t[i]
        cos = centre_est @ centre_true / (np.linalg.norm(centre_est) * np.linalg.norm(centre_true))
        if i >= len(rv) // 3:  # the direction of travel, once it has travelled a third of a metre
            assert np.degrees(np.arccos(min(1.0, cos))) < 1.0
