"""The moving camera's bundle adjustment in pycolmap (COLMAP's Ceres adjustment), when installed.

``benchmarks/clone_ba.py`` measured it against scipy ``least_squares`` from the same first
solution on the same observations: a third to a half of the direction-of-travel error, in less
time (docs/benchmarks.md). pycolmap comes with the ``app`` extra (the clone dialog is one of its menus); without
it ``engine.clone.solve`` adjusts with scipy. Only fixed-lens solves come here: a zooming one has
a focal length per frame, which scipy's adjustment carries.
"""

from __future__ import annotations

import cv2
import numpy as np

HUBER_PX = 1.0


def available() -> bool:
    try:
        import pycolmap  # noqa: F401
    except ImportError:
        return False
    return True


def adjust(xy, fi, ti, rvecs, tvecs, focal_px: float, points, size, scale_frame: int | None, scale: float):
    """Poses (rotation vectors, translations; OpenCV world-to-camera) and points after COLMAP's
    adjustment of observations ``xy`` (frame ``fi``, point ``ti``), put back in the caller's gauge:
    frame 0 at the origin, ``|t[scale_frame]| = scale``."""
    import pycolmap

    seen = np.bincount(ti, minlength=len(points))
    keep = seen[ti] >= 2  # COLMAP refuses a point seen once
    xy, fi, ti = xy[keep], fi[keep], ti[keep]
    if len(np.unique(fi)) < 2:
        raise ValueError("fewer than two frames share points")
    if hasattr(pycolmap, "logging"):
        pycolmap.logging.minloglevel = 2  # COLMAP logs every adjustment
    w, h = size
    rec = pycolmap.Reconstruction()
    rec.add_camera_with_trivial_rig(pycolmap.Camera(model="SIMPLE_PINHOLE", width=w, height=h, params=[focal_px, w / 2, h / 2], camera_id=1))
    where = np.zeros((len(fi), 2), int)
    for f in np.unique(fi):
        sel = np.flatnonzero(fi == f)
        # COLMAP puts the centre of the top-left pixel at (0.5, 0.5), OpenCV at (0, 0)
        image = pycolmap.Image(name=str(f), keypoints=xy[sel] + 0.5, camera_id=1, image_id=int(f) + 1)
        rec.add_image_with_trivial_frame(image, pycolmap.Rigid3d(pycolmap.Rotation3d(cv2.Rodrigues(rvecs[f])[0]), tvecs[f].reshape(3, 1)))
        where[sel, 0], where[sel, 1] = int(f) + 1, np.arange(len(sel))
    ids = {}
    for j in np.unique(ti):
        sel = np.flatnonzero(ti == j)
        ids[int(j)] = rec.add_point3D(points[j], pycolmap.Track([pycolmap.TrackElement(int(a), int(b)) for a, b in where[sel]]))
    options = pycolmap.BundleAdjustmentOptions()
    options.refine_focal_length = False
    options.refine_extra_params = False
    options.print_summary = False
    options.ceres.loss_function_type = pycolmap.LossFunctionType.HUBER
    options.ceres.loss_function_scale = HUBER_PX
    options.ceres.solver_options.num_threads = 2
    pycolmap.bundle_adjustment(rec, options)
    # frames without observations here keep their first solution (moved into the same gauge)
    R, t = np.array([cv2.Rodrigues(np.asarray(r, float))[0] for r in rvecs]), np.array(tvecs, float)
    for f in np.unique(fi):
        m = rec.image(int(f) + 1).cam_from_world().matrix()
        R[f], t[f] = m[:, :3], m[:, 3]
    X = np.array(points, float)
    for j, pid in ids.items():
        X[j] = rec.point3D(pid).xyz
    # back to the caller's gauge: frame 0 the identity, the chosen frame's distance kept
    R0, t0 = R[0].copy(), t[0].copy()
    X = X @ R0.T + t0
    t = t - np.einsum("nij,j->ni", R @ R0.T, t0)
    R = R @ R0.T
    if scale_frame is not None and np.linalg.norm(t[scale_frame]) > 1e-12:
        k = scale / np.linalg.norm(t[scale_frame])
        X, t = X * k, t * k
    rv = np.array([cv2.Rodrigues(r)[0].ravel() for r in R])
    return rv, t, X
