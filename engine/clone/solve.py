"""One shot's camera from its feature tracks: model choice, a first solution, bundle adjustment.

- Model choice: Torr's GRIC over frame pairs across the shot says whether anything moves; then plane
  plus parallax track by track: a move is a few tracks far off any turn (a homography: pan, tilt,
  roll, zoom) that one moving camera (the essential matrix) explains, or a moving camera that fits
  every track far closer than the turn (``solve_shot``).
- A fixed-lens push that a dolly zoom explains with a steadier dolly becomes that dolly zoom (the
  critical motion: ``held_inverse_depth``, ``remap_dolly_zoom``).
- Pixel figures are at a 320 x 180 diagonal and scale with the frame (``pixel_scale``).
- Rotation model: consecutive homographies give each frame's rotation and zoom; the focal length,
  when not given, is self-calibrated from them (K^-1 H K must be a rotation: the focal length that
  makes it one, searched then refined); a bundle adjustment over ray directions refines it all.
- Translation model: the first frame and the frame of most parallax posed by the five-point
  essential matrix or by plane plus parallax (``first_pair_pose``),
  triangulation, every other frame by PnP (with a 1-D focal search, for zooms), new points
  triangulated as they appear; then bundle adjustment of poses, focal ratios and points.
- Both adjustments are scipy ``least_squares`` (trf, Huber loss, a sparse Jacobian pattern).

Poses here are OpenCV world-to-camera (x right, y down, z forward) with frame 0 at the origin;
``ShotSolve.c2w`` converts to Shotline's convention through ``engine.camera.conventions``.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy.optimize import least_squares, minimize_scalar
from scipy.sparse import coo_matrix, lil_matrix
from scipy.spatial.transform import Rotation, Slerp

from engine.camera.conventions import from_opencv_world, invert_poses
from engine.clone import colmap_ba

MIN_POINTS = 12  # a frame with fewer usable tracks failed
# A moving camera's frame is registered (PnP) from this many points it sees: a dolly zoom's
# fixed-lens reading puts the held wall at infinity, so once a push's near tracks leave the frame
# only 8-11 triangulated points stay in view, and every later frame was lost with them
MIN_PNP_POINTS = 8
HUBER_PX = 1.0
MAX_BA_TRACKS = 150
MIN_BA_PER_FRAME = 40  # tracks of every frame in an adjustment (its confidence counts 40 as full)
BA_MAX_NFEV = 25
ESSENTIAL_METHOD = cv2.USAC_MAGSAC  # OpenCV's RANSAC drew a push 8 degrees off on a textured room
BA_BACKEND = "pycolmap"  # the moving camera's adjuster when pycolmap is installed, else "scipy"
BEHIND_FRACTION = 0.1  # of the points behind a fixed-lens camera: it must have zoomed
MIN_PARALLAX_PX = 6.0  # implied_parallax of a move among depths passes this (reported in the figures, no longer a rule)
PARALLAX_PERCENTILE = 97
# Plane plus parallax on every track seen MIN_TRACK_FRAMES frames: a move shows when
# MIN_PARALLAX_TRACKS tracks stray more than STRONG_PARALLAX_PX from any ray through a turning camera
# while the moving camera puts them within EXPLAINED_TRACK_PX (the moving camera is solved only when
# that many stray more than UNEXPLAINED_TRACK_PX).
MIN_TRACK_FRAMES = 4
UNEXPLAINED_TRACK_PX = 2.0
EXPLAINED_TRACK_PX = 1.0
STRONG_PARALLAX_PX = 4.0
CLOSER_FIT = 0.5  # a moving camera whose error is under this share of the turn's is the camera, parallax or not
EPIPOLAR_CAP_PX = 2.0  # a track further than this from its epipolar line costs the first pair's choice this much
MIN_PARALLAX_TRACKS = 6
DOLLY_ZOOM_MIN_LOG = 0.05  # a remapped zoom smaller than this (ln of the focal ratio) leaves the push alone
STEADIER_BY = 0.25  # the dolly zoom's travel must leave under this share of the push's unsteadiness
# Every pixel figure here is in pixels of a frame whose diagonal is REFERENCE_DIAGONAL_PX (320 x 180,
# where they were set): a frame of another size scales them by ``pixel_scale`` (diagonal / reference),
# so a clip gives the same cameras and labels at 224 px, 480p or 1080p.
REFERENCE_DIAGONAL_PX = float(np.hypot(320, 180))


def pixel_scale(size: tuple[int, int]) -> float:
    """Pixels of a ``size`` frame per reference pixel (thresholds are fractions of the diagonal)."""
    return float(np.hypot(*size)) / REFERENCE_DIAGONAL_PX


@dataclass
class ShotSolve:
    model: str  # "rotation" or "translation" (or "static")
    rotation: np.ndarray  # (N,3,3) world-to-camera, OpenCV axes, frame 0 = identity
    translation: np.ndarray  # (N,3) world-to-camera
    focal_px: np.ndarray  # (N,)
    confidence: np.ndarray  # (N,) 0..1
    failed: np.ndarray  # (N,) bool: interpolated from neighbours
    depth0: float | None  # median depth of the scene near the centre of frame 0 (translation units)
    rms_px: float  # reprojection error after adjustment

    @property
    def c2w(self) -> np.ndarray:
        """(N,4,4) OpenGL camera-to-world in a +Y-up world where frame 0 is the identity."""
        w2c = np.tile(np.eye(4), (len(self.rotation), 1, 1))
        w2c[:, :3, :3], w2c[:, :3, 3] = self.rotation, self.translation
        return from_opencv_world(invert_poses(w2c))


def intrinsics(f: float, size: tuple[int, int]) -> np.ndarray:
    # OpenCV's pixel centres are integers: the image centre is at (w - 1) / 2.
    w, h = size
    return np.array([[f, 0, (w - 1) / 2], [0, f, (h - 1) / 2], [0, 0, 1.0]])


def pair(tracks: np.ndarray, a: int, b: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    m = np.isfinite(tracks[a, :, 0]) & np.isfinite(tracks[b, :, 0])
    return tracks[a, m].astype(np.float32), tracks[b, m].astype(np.float32), np.flatnonzero(m)


# -- model choice ------------------------------------------------------------------------------


def gric(err_sq: np.ndarray, sigma: float, d: int, k: int, r: int = 4) -> float:
    """Torr's geometric robust information criterion (lower is better)."""
    n = len(err_sq)
    rho = np.minimum(err_sq / sigma**2, 2.0 * (r - d))
    return float(rho.sum() + np.log(r) * d * n + np.log(r * n) * k)


def _sampson_sq(F: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    x1 = np.c_[a, np.ones(len(a))]
    x2 = np.c_[b, np.ones(len(b))]
    fx1, ftx2 = x1 @ F.T, x2 @ F
    num = np.einsum("ij,ij->i", x2, fx1) ** 2
    return num / (fx1[:, 0] ** 2 + fx1[:, 1] ** 2 + ftx2[:, 0] ** 2 + ftx2[:, 1] ** 2 + 1e-12)


def choose_model(tracks: np.ndarray, size: tuple[int, int]) -> tuple[str, dict]:
    """"static", "rotation" or "translation", with the figures that decided it."""
    n = len(tracks)
    px = pixel_scale(size)
    span = max(3, n // 3)
    total_h = total_f = 0.0
    motion = []
    for a in range(0, max(n - span, 1), max(span // 2, 1)):
        b = min(a + span, n - 1)
        pa, pb, _ = pair(tracks, a, b)
        if len(pa) < MIN_POINTS:
            continue
        # what a few tracks move, not most: a dolly zoom holds the wall that carries most tracks
        # still (room 13's: 0.3 px at the 90th percentile) while the boxes before it move 3-30 px
        moved = np.sort(np.linalg.norm(pb - pa, axis=1))[::-1]
        motion.append(float(moved[min(MIN_PARALLAX_TRACKS, len(moved)) - 1]))
        H, _ = cv2.findHomography(pa, pb, cv2.RANSAC, 1.5 * px)
        F, _ = cv2.findFundamentalMat(pa, pb, cv2.FM_RANSAC, 1.0 * px, 0.999)
        if H is None:
            continue
        ph = cv2.perspectiveTransform(pa.reshape(-1, 1, 2), H).reshape(-1, 2)
        eh = ((ph - pb) ** 2).sum(axis=1) / 2  # transfer error carries the noise of both images
        if F is None or F.shape != (3, 3):
            ef = eh
        else:
            ef = _sampson_sq(F, pa, pb)
        sigma = max(0.25 * px, 1.4826 * float(np.sqrt(np.median(ef))))
        total_h += gric(eh, sigma, 2, 8)
        total_f += gric(ef, sigma, 3, 7)
    info = {"gric_h": total_h, "gric_f": total_f, "motion_px": max(motion) / px if motion else 0.0}
    if not motion:
        return "failed", info
    if max(motion) < 0.75 * px:
        return "static", info
    return ("rotation" if total_h <= total_f else "translation"), info


# -- rotation model ----------------------------------------------------------------------------


def _nearest_rotation(m: np.ndarray) -> np.ndarray:
    u, _, vt = np.linalg.svd(m)
    r = u @ vt
    return r if np.linalg.det(r) > 0 else u @ np.diag([1, 1, -1]) @ vt


def _split_zoom(H: np.ndarray, f: float, size) -> tuple[np.ndarray, float, float]:
    """H = K(s f) R K(f)^-1: the rotation, the zoom s and how far from a rotation it is."""
    k = intrinsics(f, size)
    m = np.linalg.inv(k) @ H @ k
    m = m / np.cbrt(np.linalg.det(m)) if np.linalg.det(m) > 0 else m
    rows = np.linalg.norm(m, axis=1)
    s = float((rows[0] + rows[1]) / (2 * rows[2]))
    q = np.diag([1 / s, 1 / s, 1]) @ m
    q /= np.cbrt(np.linalg.det(q))
    r = _nearest_rotation(q)
    return r, s, float(np.linalg.norm(q - r))


def consecutive_homographies(tracks: np.ndarray, size: tuple[int, int]) -> tuple[list[np.ndarray | None], np.ndarray]:
    hs, counts = [], []
    px = pixel_scale(size)
    for i in range(len(tracks) - 1):
        pa, pb, _ = pair(tracks, i, i + 1)
        H = None
        if len(pa) >= MIN_POINTS:
            H, inl = cv2.findHomography(pa, pb, cv2.RANSAC, 1.5 * px)
            counts.append(int(inl.sum()) if H is not None else 0)
        else:
            counts.append(len(pa))
        hs.append(H)
    return hs, np.array(counts)


def chain_rotations(hs, f: float, size) -> tuple[np.ndarray, np.ndarray, float]:
    """Per-frame rotation (frame 0 = I) and focal, and the summed distance from rotations of the
    chained homographies H(0 -> j) at focal ``f`` (what self-calibration minimises)."""
    n = len(hs) + 1
    rots, focal = [np.eye(3)], [f]
    acc, err = np.eye(3), 0.0
    for i, H in enumerate(hs):
        if H is None:
            rots.append(rots[-1])
            focal.append(focal[-1])
            continue
        r, s, _ = _split_zoom(H, focal[-1], size)
        rots.append(r @ rots[-1])
        focal.append(focal[-1] * s)
        acc = H @ acc
        if (i + 1) % 3 == 0 or i == n - 2:
            err += _split_zoom(acc / np.cbrt(np.linalg.det(acc)), f, size)[2]
    return np.array(rots), np.array(focal), err


def keyframe_rotations(tracks: np.ndarray, f: float, size) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame rotation (frame 0 = I) and focal from homographies to frame 0 while it shares
    enough of the frame's tracks, else to the latest keyframe, not to the frame before: a chain of 35 small steps
    drifted 2 degrees on a zoom, which the adjustment then could not undo (it stopped in a valley
    with 10 px residuals)."""
    n = len(tracks)
    px = pixel_scale(size)
    H0 = [np.eye(3)] + [None] * (n - 1)  # frame 0 -> frame i
    key = 0
    for i in range(1, n):
        seen_i = np.isfinite(tracks[i, :, 0]).sum()
        for ref in (0, key, i - 1):
            pa, pb, _ = pair(tracks, ref, i)
            if len(pa) < MIN_POINTS or H0[ref] is None or (ref != i - 1 and len(pa) < max(30, 0.4 * seen_i)):
                continue
            H, _ = cv2.findHomography(pa, pb, cv2.RANSAC, 1.5 * px)
            if H is not None:
                H0[i] = H @ H0[ref]
                break
        shared = pair(tracks, key, i)[0]
        if len(shared) < 0.6 * np.isfinite(tracks[i, :, 0]).sum() and H0[i] is not None:
            key = i  # the keyframe's tracks are leaving: this frame is the next keyframe
    rots, focal = [np.eye(3)], [f]
    for i in range(1, n):
        if H0[i] is None:
            rots.append(rots[-1])
            focal.append(focal[-1])
            continue
        r, zoom, _ = _split_zoom(H0[i] / np.cbrt(np.linalg.det(H0[i])), f, size)
        rots.append(r)
        focal.append(f * zoom)
    return np.array(rots), np.array(focal)


def self_calibrate(hs, size) -> tuple[float | None, float]:
    """The focal length (px) that makes the homographies rotations, and the shot's total turn
    (degrees); None when it turns too little for the focal length to show."""
    w = size[0]
    rots, _, _ = chain_rotations(hs, w, size)
    # only a turn about an axis in the image plane (pan, tilt) shows the focal length; a roll does not
    turn = float(np.degrees(np.linalg.norm(Rotation.from_matrix(rots).as_rotvec()[:, :2], axis=1).max()))
    if turn < 4.0:
        return None, turn
    grid = w / (2 * np.tan(np.radians(np.linspace(15, 110, 40)) / 2))
    errs = [chain_rotations(hs, f, size)[2] for f in grid]
    best = int(np.argmin(errs))
    lo, hi = grid[min(best + 1, len(grid) - 1)], grid[max(best - 1, 0)]
    res = minimize_scalar(lambda lf: chain_rotations(hs, float(np.exp(lf)), size)[2], bounds=(np.log(lo), np.log(hi)), method="bounded", options={"xatol": 1e-3})
    return float(np.exp(res.x)), turn


def longest_covering(seen: np.ndarray, max_tracks: int, per_frame: int = MIN_BA_PER_FRAME) -> np.ndarray:
    """Indices of the ``max_tracks`` longest tracks (seen: frames x tracks), then, for every frame
    that they leave with under ``per_frame``, that frame's longest others: the longest tracks all
    start early, and a frame after the tracker's top-up is otherwise adjusted on a handful."""
    length = seen.sum(axis=0)
    order = np.argsort(-length, kind="stable")
    order = order[length[order] >= 2]
    chosen = np.zeros(seen.shape[1], bool)
    chosen[order[:max_tracks]] = True
    for i in range(len(seen)):
        short = per_frame - int((seen[i] & chosen).sum())
        if short > 0:
            extra = order[seen[i, order] & ~chosen[order]][:short]
            chosen[extra] = True
    return order[chosen[order]]


def _observations(tracks: np.ndarray, frames_ok: np.ndarray, max_tracks: int):
    seen = np.isfinite(tracks[..., 0]) & frames_ok[:, None]
    chosen = longest_covering(seen, max_tracks)
    fi, ti = np.nonzero(seen[:, chosen])
    return chosen, fi, ti, tracks[fi, chosen[ti]]


def _skew(v: np.ndarray) -> np.ndarray:
    z = np.zeros(len(v))
    return np.stack([np.stack([z, -v[:, 2], v[:, 1]], 1), np.stack([v[:, 2], z, -v[:, 0]], 1), np.stack([-v[:, 1], v[:, 0], z], 1)], 1)


def _left_jacobians(r: np.ndarray) -> np.ndarray:
    """SO(3)'s left Jacobian of each rotation vector: exp([r + d]) = exp([J d]) exp([r]) to first order."""
    th = np.linalg.norm(r, axis=1)
    K = _skew(r)
    small = th < 1e-6
    t = np.where(small, 1.0, th)
    a = np.where(small, 0.5, (1 - np.cos(t)) / t**2)
    b = np.where(small, 1.0 / 6.0, (t - np.sin(t)) / t**3)
    return np.eye(3)[None] + a[:, None, None] * K + b[:, None, None] * (K @ K)


def adjust_rotations(tracks, rots, focal, size, fix_focal: bool, frames_ok):
    """Bundle adjustment of rotations, zoom ratios, the focal length and ray directions."""
    n = len(rots)
    k = intrinsics(1.0, size)
    cx, cy = k[0, 2], k[1, 2]
    chosen, fi, ti, xy = _observations(tracks, frames_ok, MAX_BA_TRACKS)
    m = len(chosen)
    ref = np.array([fi[ti == t].min() for t in range(m)])
    ref_xy = np.array([xy[(ti == t) & (fi == ref[t])][0] for t in range(m)])
    f0 = focal[0]
    scale = focal / f0
    rays0 = np.c_[(ref_xy[:, 0] - cx) / focal[ref], (ref_xy[:, 1] - cy) / focal[ref], np.ones(m)]
    ref_rot = rots[ref]  # directions are parametrised in their first frame's camera (fixed)
    nf = 0 if fix_focal else 1

    def unpack(p):
        lf = f0 if fix_focal else np.exp(p[0])
        fr = p[nf : nf + 4 * (n - 1)].reshape(n - 1, 4)
        R = np.concatenate([np.eye(3)[None], Rotation.from_rotvec(fr[:, :3]).as_matrix()])
        s = np.concatenate([[1.0], np.exp(np.clip(fr[:, 3], -5.0, 5.0))])  # a wild step must not overflow
        ab = p[nf + 4 * (n - 1) :].reshape(m, 2)
        return lf, R, s, ab

    def residuals(p):
        lf, R, s, ab = unpack(p)
        d = np.c_[ab, np.ones(m)]
        d = np.einsum("mji,mj->mi", ref_rot, d)  # to world (frame 0 camera)
        x = np.einsum("nij,nj->ni", R[fi], d[ti])
        ff = lf * s[fi]
        u = ff * x[:, 0] / x[:, 2] + cx
        v = ff * x[:, 1] / x[:, 2] + cy
        return np.c_[u - xy[:, 0], v - xy[:, 1]].ravel()

    p0 = ([np.log(f0)] if not fix_focal else []) + list(
        np.c_[Rotation.from_matrix(rots[1:]).as_rotvec(), np.log(scale[1:])].ravel()
    ) + list(rays0[:, :2].ravel())
    p0 = np.array(p0, float)
    moving = fi > 0
    obs = np.arange(len(fi))

    def jacobian(p):
        # analytic: the finite-difference Jacobian was most of a turn's solve time
        lf, R, s, ab = unpack(p)
        d = np.einsum("mji,mj->mi", ref_rot, np.c_[ab, np.ones(m)])
        x = np.einsum("nij,nj->ni", R[fi], d[ti])
        ff = lf * s[fi]
        g = ff / x[:, 2]
        du = np.c_[g, np.zeros_like(g), -g * x[:, 0] / x[:, 2]]  # d(u, v) / d(camera point)
        dv = np.c_[np.zeros_like(g), g, -g * x[:, 1] / x[:, 2]]
        uu, vv = g * x[:, 0], g * x[:, 1]  # u - cx, v - cy: the derivatives by ln(focal)
        rows, cols, vals = [], [], []

        def put(c, ju, jv, sel=slice(None)):
            rows.extend([2 * obs[sel], 2 * obs[sel] + 1])
            cols.extend([c, c])
            vals.extend([ju, jv])

        if not fix_focal:
            put(np.zeros(len(fi), int), uu, vv)
        rv = p[nf : nf + 4 * (n - 1)].reshape(n - 1, 4)[:, :3]
        jl = _left_jacobians(rv)[fi[moving] - 1]  # (k,3,3)
        dx = -np.einsum("kij,kjl->kil", _skew(x[moving]), jl)  # d(camera point) / d(rotation vector)
        base = nf + 4 * (fi[moving] - 1)
        for c in range(3):
            put(base + c, np.einsum("ki,ki->k", du[moving], dx[:, :, c]), np.einsum("ki,ki->k", dv[moving], dx[:, :, c]), moving)
        put(base + 3, uu[moving], vv[moving], moving)
        dd = np.einsum("kij,kjl->kil", R[fi], np.transpose(ref_rot, (0, 2, 1))[ti])  # d(camera point) / d(a, b, .)
        for c in range(2):
            put(nf + 4 * (n - 1) + 2 * ti + c, np.einsum("ki,ki->k", du, dd[:, :, c]), np.einsum("ki,ki->k", dv, dd[:, :, c]))
        return coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(2 * len(fi), len(p0))).tocsr()

    px = pixel_scale(size)
    opts = dict(jac=jacobian, f_scale=HUBER_PX * px, method="trf", x_scale="jac", ftol=1e-4, xtol=1e-6, max_nfev=BA_MAX_NFEV)
    res = least_squares(residuals, p0, loss="huber", **opts)
    first = np.linalg.norm(res.fun.reshape(-1, 2), axis=1)
    worst_frame = max(float(np.median(first[fi == i])) for i in np.unique(fi))
    if worst_frame > HUBER_PX * px:
        # A start a degree off (a keyframe's homography) leaves every residual of the later frames
        # on the Huber loss's flat part, where trf crawls and stops (median 5 px on a zoom out, on
        # the last frames of a zoom in while the shot's median was 0.3 px): a plain least-squares
        # pass first, then the robust one, kept when it explains more.
        again = least_squares(residuals, res.x, loss="linear", **{**opts, "max_nfev": 10})
        again = least_squares(residuals, again.x, loss="huber", **opts)
        if robust_rms(np.linalg.norm(again.fun.reshape(-1, 2), axis=1), px) < robust_rms(first, px):
            res = again
    lf, R, s, _ = unpack(res.x)
    err = np.linalg.norm(res.fun.reshape(-1, 2), axis=1)
    return R, lf * s, err, fi


# -- translation model -------------------------------------------------------------------------


def _best_initial_pair(tracks: np.ndarray, size: tuple[int, int]) -> int | None:
    n = len(tracks)
    px = pixel_scale(size)
    base = np.isfinite(tracks[0, :, 0]).sum()
    scores = []
    for k in range(2, n):
        pa, pb, _ = pair(tracks, 0, k)
        if len(pa) < max(MIN_POINTS * 2, 0.3 * base):
            break
        H, _ = cv2.findHomography(pa, pb, cv2.RANSAC, 2.0 * px)
        if H is None:
            continue
        resid = np.linalg.norm(cv2.perspectiveTransform(pa.reshape(-1, 1, 2), H).reshape(-1, 2) - pb, axis=1)
        scores.append((k, float(np.percentile(resid, 95))))  # parallax may be a minority's (a box before a wall)
    if not scores:
        return None
    # the farthest frame showing about the most parallax: the percentile is noisy from frame to
    # frame, and a push needs the baseline (a near frame leaves the wall ahead under a degree of
    # triangulation angle, too few points to register the rest: the same push failed at 1080p)
    best = max(sc for _, sc in scores)
    return max(k for k, sc in scores if sc >= 0.7 * best)


def _essential_with_zoom(pa, pb, f0, size):
    """R, t, inlier mask and zoom s of frame b (focal s·f0), the s searched on a grid."""
    k0 = intrinsics(f0, size)
    na = cv2.undistortPoints(pa.reshape(-1, 1, 2), k0, None).reshape(-1, 2)
    best = None
    for s in np.exp(np.linspace(np.log(0.8), np.log(1.25), 23)):
        nb = cv2.undistortPoints(pb.reshape(-1, 1, 2), intrinsics(f0 * s, size), None).reshape(-1, 2)
        E, mask = cv2.findEssentialMat(na, nb, np.eye(3), cv2.RANSAC, 0.999, pixel_scale(size) / f0)
        if E is None or E.shape != (3, 3):
            continue
        score = int(mask.sum())
        if best is None or score > best[0]:
            best = (score, s, E, mask, nb)
    if best is None:
        return None
    _, s, E, mask, nb = best
    _, R, t, mask2 = cv2.recoverPose(E, na, nb, np.eye(3), mask=mask.copy())
    return R, t.ravel(), mask2.ravel() > 0, s


def plane_parallax_essential(pa: np.ndarray, pb: np.ndarray, K: np.ndarray, px: float) -> np.ndarray | None:
    """The essential matrix from the homography of the plane most tracks lie on and the epipole
    that the other tracks' parallax points at (plane plus parallax): E = K^T [e']x H K, which holds
    for any plane, the plane at infinity included. The five-point solver is blind there: when most
    tracks are at one depth (a wall that a dolly zoom holds, at infinity for the fixed lens), any
    translation explains them, and the few tracks off the wall decide alone (room 22's pull drew a
    64 degree error). None when fewer than 5 tracks stray 2 px off the plane."""
    H, _ = cv2.findHomography(pa, pb, cv2.RANSAC, 1.5 * px)
    if H is None:
        return None
    ph = cv2.perspectiveTransform(pa.reshape(-1, 1, 2), H).reshape(-1, 2)
    par = np.linalg.norm(pb - ph, axis=1)
    off = par > 2.0 * px
    if off.sum() < 5:
        return None
    start, length = ph[off], par[off]
    lines = np.cross(np.c_[start, np.ones(len(start))], np.c_[pb[off], np.ones(len(start))])
    lines /= np.linalg.norm(lines[:, :2], axis=1, keepdims=True)
    tol = np.minimum(1.5 * px / length, 0.3)  # the direction of a short parallax is known less well

    def agree(e):  # the sine of the angle between each parallax and the way to e (e may be at infinity)
        v = e[:2][None] - e[2] * start
        return np.abs(np.einsum("ij,ij->i", lines[:, :2], v)) / (np.linalg.norm(v, axis=1) + 1e-12) < tol

    rng = np.random.default_rng(0)
    best = None
    for _ in range(200):
        i, j = rng.choice(len(lines), 2, replace=False)
        e = np.cross(lines[i], lines[j])
        if np.linalg.norm(e) < 1e-12:
            continue
        inl = agree(e / np.linalg.norm(e))
        if best is None or inl.sum() > best.sum():
            best = inl
    if best is None or best.sum() < 3:
        return None
    e = np.linalg.svd(lines[best])[2][-1]
    ex = np.array([[0, -e[2], e[1]], [e[2], 0, -e[0]], [-e[1], e[0], 0]])
    u, _, vt = np.linalg.svd(K.T @ ex @ H @ K)
    return u @ np.diag([1.0, 1.0, 0.0]) @ vt


def epipolar_cost(E: np.ndarray, pa: np.ndarray, pb: np.ndarray, K: np.ndarray, px: float) -> float:
    """How far the pair's tracks are from the epipolar geometry of E: the Sampson error of every
    track, squared in reference pixels and capped at EPIPOLAR_CAP_PX (MSAC's cost: an outlier
    costs the cap, whatever it is). E's scale does not matter."""
    Ki = np.linalg.inv(K)
    err = _sampson_sq(Ki.T @ E @ Ki, pa, pb) / px**2
    return float(np.minimum(err, EPIPOLAR_CAP_PX**2).sum())


def first_pair_pose(pa: np.ndarray, pb: np.ndarray, K: np.ndarray, px: float) -> tuple[np.ndarray, np.ndarray] | None:
    """R, t (unit) of the first pair: the five-point solution (MAGSAC) or the plane-plus-parallax
    one, whichever leaves the tracks nearer their epipolar lines (``epipolar_cost``). Counting the
    tracks each keeps by ``well_triangulated`` did not tell them apart where most tracks lie on the
    wall ahead, which both explain: room 13's pull out, tracked from 640 x 360, kept 277 tracks on a
    plane-plus-parallax pose 22 degrees off and 270 on the five-point pose 5 degrees off, whose
    epipolar cost is a quarter of the other's. (The poses of the dominant plane's homography as
    further candidates found room 104's pedestal at 640 x 360, but read two dolly zooms of room 101
    as a zoom and a static camera: not kept.)"""
    cands = []
    E, mask = cv2.findEssentialMat(pa, pb, K, ESSENTIAL_METHOD, 0.999, 1.0 * px)
    if E is not None and E.shape == (3, 3):
        cands.append((E, mask.copy()))
    E2 = plane_parallax_essential(pa, pb, K, px)
    if E2 is not None:
        cands.append((E2, None))
    best = None
    for E, mask in cands:
        _, R, t, _ = cv2.recoverPose(E, pa, pb, K, mask=mask)
        cost = epipolar_cost(E, pa, pb, K, px)
        if best is None or cost < best[0]:
            best = (cost, R, t.ravel())
    return None if best is None else (best[1], best[2])


def well_triangulated(view_a: tuple, view_b: tuple, px: float) -> tuple[np.ndarray, np.ndarray]:
    """Points triangulated from two views (each ``(K, R, t, xy)``, world to camera) and which of
    them to keep: in front of both cameras, within 2 px of both tracks, rays 1 degree apart or more
    (the first pair's choice and every later frame's new points use the same test)."""
    (Ka, Ra, ta, xa), (Kb, Rb, tb, xb) = view_a, view_b
    X = _triangulate(Ka @ np.c_[Ra, ta], Kb @ np.c_[Rb, tb], xa, xb)
    ok = np.isfinite(X).all(axis=1)
    X = np.where(ok[:, None], X, 0.0)
    for K, R, t, x in (view_a, view_b):
        cam = X @ R.T + t
        proj = cam[:, :2] / cam[:, 2:3] * K[0, 0] + K[:2, 2]
        ok &= (cam[:, 2] > 0) & (np.linalg.norm(proj - x, axis=1) < 2.0 * px)
    ray_a, ray_b = X + Ra.T @ ta, X + Rb.T @ tb  # from each camera centre, -R^T t
    cos = np.einsum("ij,ij->i", ray_a, ray_b) / (np.linalg.norm(ray_a, axis=1) * np.linalg.norm(ray_b, axis=1) + 1e-12)
    return X, ok & (cos < np.cos(np.radians(1.0)))


def _triangulate(P1, P2, a, b):
    X = cv2.triangulatePoints(P1, P2, a.T.astype(float), b.T.astype(float))
    return (X[:3] / X[3]).T


def _register(X, x, k, rv_prev, tv_prev, tol: float):
    """A frame's pose from known points: RANSAC PnP from scratch and a refinement from the previous
    frame's pose, whichever explains more points within ``tol`` pixels. RANSAC alone, started from
    the previous pose, now and then lands on a mirrored pose, and every later frame then follows it
    (a truck read as a turn: the moving solve lost half its frames)."""
    cands = []
    ok, rv, tv, _ = cv2.solvePnPRansac(X, x, k, None, flags=cv2.SOLVEPNP_SQPNP, reprojectionError=tol, iterationsCount=200, confidence=0.999)
    if ok:
        cands.append((rv.reshape(3, 1), tv.reshape(3, 1)))
    rv, tv = rv_prev.reshape(3, 1).astype(float).copy(), tv_prev.reshape(3, 1).astype(float).copy()
    for _ in range(3):  # refine on the points the pose explains, then again with the new pose
        e = np.linalg.norm(cv2.projectPoints(X, rv, tv, k, None)[0].reshape(-1, 2) - x, axis=1)
        near = e < max(4.0 * tol, float(np.percentile(e, 50)))
        if near.sum() < 6:
            break
        rv, tv = cv2.solvePnPRefineLM(X[near], x[near], k, None, rv, tv)
    cands.append((rv, tv))
    best = None
    for rv, tv in cands:
        if not (np.isfinite(rv).all() and np.isfinite(tv).all()):
            continue
        cam = X @ cv2.Rodrigues(rv)[0].T + tv.ravel()
        e = np.linalg.norm(cv2.projectPoints(X, rv, tv, k, None)[0].reshape(-1, 2) - x, axis=1)
        inl = np.flatnonzero((e < tol) & (cam[:, 2] > 0))
        if best is None or len(inl) > len(best[2]):
            best = (rv, tv, inl)
    if best is None or len(best[2]) < MIN_PNP_POINTS:
        return None
    return best


def _pnp_with_zoom(X, x, f_prev, size, rvec, tvec, search: bool):
    cap = 3.0 * pixel_scale(size)
    def fit(lf):
        k = intrinsics(float(np.exp(lf)), size)
        ok, rv, tv = cv2.solvePnP(X, x, k, None, rvec.copy(), tvec.copy(), useExtrinsicGuess=True, flags=cv2.SOLVEPNP_ITERATIVE)
        proj = cv2.projectPoints(X, rv, tv, k, None)[0].reshape(-1, 2)
        e = np.linalg.norm(proj - x, axis=1)
        return float(np.sum(np.minimum(e, cap) ** 2)), rv, tv, e

    lf0 = np.log(f_prev)
    if search:
        res = minimize_scalar(lambda lf: fit(lf)[0], bounds=(lf0 - 0.06, lf0 + 0.06), method="bounded", options={"xatol": 2e-4})
        lf = float(res.x)
    else:
        lf = lf0
    _, rv, tv, e = fit(lf)
    return float(np.exp(lf)), rv, tv, e


def solve_translation(tracks, f0: float, size, zoom: bool):
    """Poses, focals, points and the registered frames of a moving camera, or None."""
    n = len(tracks)
    px = pixel_scale(size)
    k = _best_initial_pair(tracks, size)
    if k is None:
        return None
    pa, pb, idx = pair(tracks, 0, k)
    if zoom:
        init = _essential_with_zoom(pa, pb, f0, size)
        if init is None:
            return None
        R, t, inl, s = init
    else:
        s = 1.0
        first = first_pair_pose(pa, pb, intrinsics(f0, size), px)
        if first is None:
            return None
        R, t = first
    focal = np.full(n, np.nan)
    rvecs, tvecs = np.zeros((n, 3)), np.zeros((n, 3))
    focal[0], focal[k] = f0, f0 * s
    rvecs[k] = cv2.Rodrigues(R)[0].ravel()
    tvecs[k] = t
    done = np.zeros(n, bool)
    done[[0, k]] = True
    points = np.full((tracks.shape[1], 3), np.nan)

    def view(i, sel):
        return intrinsics(focal[i], size), cv2.Rodrigues(rvecs[i])[0], tvecs[i], tracks[i, sel]

    def add_points(i):
        """Triangulate tracks seen in frame i and in an earlier registered frame far enough away."""
        cand = np.flatnonzero(np.isnan(points[:, 0]) & np.isfinite(tracks[i, :, 0]))
        for j in np.flatnonzero(done):
            if j == i or not len(cand):
                continue
            sel = cand[np.isfinite(tracks[j, cand, 0])]
            if not len(sel):
                continue
            X, ok = well_triangulated(view(j, sel), view(i, sel), px)
            points[sel[ok]] = X[ok]
            cand = np.setdiff1d(cand, sel[ok])

    add_points(k)
    prev = 0
    for i in [f for f in range(1, n) if f != k]:
        have = np.flatnonzero(np.isfinite(points[:, 0]) & np.isfinite(tracks[i, :, 0]))
        if len(have) < MIN_PNP_POINTS:
            continue
        X, x = points[have], tracks[i, have].astype(float)
        ref = prev if done[prev] else 0
        found = _register(X, x, intrinsics(focal[ref], size), rvecs[ref], tvecs[ref], 2.0 * px)
        if found is None:
            continue
        rv, tv, inl = found
        f, rv, tv, _ = _pnp_with_zoom(X[inl], x[inl], focal[ref], size, rv, tv, zoom)
        focal[i], rvecs[i], tvecs[i] = f, rv.ravel(), tv.ravel()
        done[i] = True
        prev = i
        add_points(i)
    return rvecs, tvecs, focal, points, done


def adjust_poses(tracks, rvecs, tvecs, focal, points, done, size, zoom: bool):
    """Bundle adjustment of poses (frame 0 fixed), focal ratios (zooms) and points."""
    n = len(rvecs)
    have = np.isfinite(points[:, 0])
    sub = np.where(have)[0]
    sub = sub[longest_covering(np.isfinite(tracks[:, sub, 0]) & done[:, None], MAX_BA_TRACKS)]
    obs = np.isfinite(tracks[:, sub, 0]) & done[:, None]
    fi, ti = np.nonzero(obs)
    xy = tracks[fi, sub[ti]]
    m = len(sub)
    fi_all = fi
    frames = np.flatnonzero(done)[1:]  # frame 0 fixed
    slot = -np.ones(n, int)
    slot[frames] = np.arange(len(frames))
    per = 7 if zoom else 6
    c = intrinsics(1, size)[:2, 2]
    f0 = focal[0]
    scale_frame = frames[np.argmax(np.linalg.norm(tvecs[frames], axis=1))] if len(frames) else None
    norm0 = float(np.linalg.norm(tvecs[scale_frame])) if scale_frame is not None else 1.0

    def unpack(p):
        fr = p[: per * len(frames)].reshape(len(frames), per)
        rv, tv = rvecs.copy(), tvecs.copy()
        fo = focal.copy()
        rv[frames], tv[frames] = fr[:, :3], fr[:, 3:6]
        if zoom:
            fo[frames] = f0 * np.exp(fr[:, 6])
        X = p[per * len(frames) :].reshape(m, 3)
        return rv, tv, fo, X

    def residuals(p):
        rv, tv, fo, X = unpack(p)
        R = Rotation.from_rotvec(rv).as_matrix()
        cam = np.einsum("nij,nj->ni", R[fi], X[ti]) + tv[fi]
        z = np.where(np.abs(cam[:, 2]) < 1e-6, 1e-6, cam[:, 2])
        u = fo[fi] * cam[:, 0] / z + c[0] - xy[:, 0]
        v = fo[fi] * cam[:, 1] / z + c[1] - xy[:, 1]
        gauge = [10.0 * (np.linalg.norm(tv[scale_frame]) - norm0)] if scale_frame is not None else []
        return np.concatenate([np.c_[u, v].ravel(), gauge])

    fr0 = np.c_[rvecs[frames], tvecs[frames]]
    if zoom:
        fr0 = np.c_[fr0, np.log(focal[frames] / f0)]
    p0 = np.concatenate([fr0.ravel(), points[sub].ravel()])
    # observations the first solution puts far off (a track that slid along an edge) stay out
    start = np.linalg.norm(residuals(p0)[: 2 * len(fi)].reshape(-1, 2), axis=1)
    keep = start < 4.0 * pixel_scale(size)
    fi, ti, xy = fi[keep], ti[keep], xy[keep]
    nres = 2 * len(fi) + (1 if scale_frame is not None else 0)
    sp = lil_matrix((nres, len(p0)), dtype=np.uint8)
    rows = np.arange(len(fi))
    moving = slot[fi] >= 0
    for r in (2 * rows, 2 * rows + 1):
        for cidx in range(per):
            sp[r[moving], per * slot[fi[moving]] + cidx] = 1
        for cidx in range(3):
            sp[r, per * len(frames) + 3 * ti + cidx] = 1
    if scale_frame is not None:
        for cidx in range(3, 6):
            sp[nres - 1, per * slot[scale_frame] + cidx] = 1
    p = None
    if BA_BACKEND == "pycolmap" and not zoom and len(frames) and colmap_ba.available():
        # the better adjuster where it is installed (benchmarks/clone_ba.py); the same observations
        try:
            rv, tv, X = colmap_ba.adjust(xy, fi, ti, rvecs, tvecs, float(f0), points[sub], size, scale_frame, norm0)
        except (ValueError, RuntimeError):
            pass  # too few shared points for COLMAP: scipy's adjustment takes what there is
        else:
            rv[0], tv[0] = rvecs[0], tvecs[0]
            p = np.concatenate([np.c_[rv[frames], tv[frames]].ravel(), X.ravel()])
            fun = residuals(p)
    if p is None:
        res = least_squares(residuals, p0, jac_sparsity=sp, loss="huber", f_scale=HUBER_PX * pixel_scale(size), method="trf", x_scale="jac", ftol=1e-4, xtol=1e-6, max_nfev=BA_MAX_NFEV)
        p, fun = res.x, res.fun
    rv, tv, fo, X = unpack(p)
    err = np.linalg.norm(fun[: 2 * len(fi)].reshape(-1, 2), axis=1)
    err = np.concatenate([err, np.full(int((~keep).sum()), 10.0 * pixel_scale(size))])  # the left-out count as misses
    fi = np.concatenate([fi, fi_all[~keep]])
    pts = points.copy()
    pts[sub] = X
    return rv, tv, fo, pts, err, fi, sub


# -- one shot ----------------------------------------------------------------------------------


def robust_rms(err: np.ndarray, px: float = 1.0) -> float:
    """RMS reprojection error in reference pixels, each residual capped at 3 (what a model leaves
    unexplained, without one slid track deciding it); ``err`` in pixels of a frame ``px`` times the
    reference size."""
    return float(np.sqrt(np.mean(np.minimum(err / px, 3.0) ** 2))) if len(err) else float("inf")


def _confidence(n, fi, err, counts_ok, px: float = 1.0):
    conf = np.zeros(n)
    for i in range(n):
        e = err[fi == i]
        if len(e):
            conf[i] = float(np.mean(e < 2.0 * px)) * min(1.0, len(e) / 40.0)
    return conf * counts_ok


def _fill_failed(rot: np.ndarray, trans: np.ndarray, focal: np.ndarray, failed: np.ndarray):
    """Interpolate failed frames from the good ones (slerp, linear); ends hold the nearest good."""
    good = np.flatnonzero(~failed)
    if len(good) == len(failed) or not len(good):
        return rot, trans, focal
    allf = np.arange(len(failed))
    t_clamped = np.clip(allf, good[0], good[-1])
    rot = Slerp(good, Rotation.from_matrix(rot[good]))(t_clamped).as_matrix() if len(good) > 1 else np.repeat(rot[good], len(failed), 0)
    trans = np.stack([np.interp(allf, good, trans[good, j]) for j in range(3)], axis=1)
    focal = np.interp(allf, good, focal[good])
    return rot, trans, focal


def solve_shot(tracks: np.ndarray, size: tuple[int, int], focal_px: float | None, default_focal_px: float) -> tuple[ShotSolve, dict]:
    """The camera of one shot. ``focal_px`` fixes the focal length (a hint); without it the
    rotation model self-calibrates and the translation model uses ``default_focal_px``."""
    n = len(tracks)
    px = pixel_scale(size)
    cv2.setRNGSeed(0)  # RANSAC draws from OpenCV's global generator: the same clip, the same cameras
    model, info = choose_model(tracks, size)
    counts = np.isfinite(tracks[..., 0]).sum(axis=1)
    enough = counts >= MIN_POINTS
    info["focal_source"] = "hint" if focal_px else "default"
    if model == "failed" or enough.sum() < 2:
        raise RuntimeError("too few features track through this shot")
    if model == "static":
        f = focal_px or default_focal_px
        eye = np.tile(np.eye(3), (n, 1, 1))
        conf = np.minimum(1.0, counts / 40.0)
        return ShotSolve("static", eye, np.zeros((n, 3)), np.full(n, f), conf, ~enough, None, 0.0), info
    rotation = _solve_rotation(tracks, size, focal_px, default_focal_px, enough, info)
    # Plane plus parallax, on every track (the adjustments see only the longest, which on a push
    # are the wall ahead: a zoom explains those exactly): the tracks a turn cannot explain.
    long = np.isfinite(tracks[..., 0]).sum(axis=0) >= MIN_TRACK_FRAMES
    turn_res = rotation_track_residuals(tracks, rotation.rotation, rotation.focal_px, size) / px
    unexplained = long & (turn_res > UNEXPLAINED_TRACK_PX)
    info["turn_unexplained_tracks"] = int(unexplained.sum())
    info["tracks"] = int(long.sum())
    if unexplained.sum() < MIN_PARALLAX_TRACKS and rotation.failed.mean() < 0.2:
        return rotation, info  # the turn explains (nearly) every track: nothing shows a move
    try:
        moving, move_res = _solve_moving(tracks, size, focal_px, default_focal_px, enough, info)
    except (RuntimeError, ValueError, np.linalg.LinAlgError, cv2.error) as exc:
        info["moving_error"] = str(exc)[:200]
        return rotation, info
    move_res = move_res / px
    parallax = unexplained & (move_res < EXPLAINED_TRACK_PX)
    info["parallax_tracks"] = int(parallax.sum())
    info["rms_rotation"], info["rms_moving"] = rotation.rms_px, moving.rms_px
    # A few tracks far off any turn that one moving camera explains are a move's; drift stays near a
    # turn (up to 4 such tracks on the zooms and turns of the tuning rooms, 6-32 on the moves of rooms
    # where the wall ahead carries most tracks and only the boxes and floor show the parallax).
    shows_parallax = (parallax & (turn_res > STRONG_PARALLAX_PX)).sum() >= MIN_PARALLAX_TRACKS
    info["closer_fit"] = float(moving.rms_px / rotation.rms_px) if rotation.rms_px > 0 else None
    if moving.failed.mean() < 0.5 and rotation.rms_px > 0 and moving.rms_px < CLOSER_FIT * rotation.rms_px and parallax.sum() >= MIN_PARALLAX_TRACKS // 2:
        # the moving camera fits every track far closer than any turn, and explains the tracks the
        # turn leaves off: a move whose parallax is small beside the wall ahead (a pedestal before
        # a far wall reads as a tilt within 2-4 px; drift on a zoom or a turn leaves the moving
        # solve at 0.7 of the turn's error or more)
        return moving, info
    if rotation.failed.mean() < 0.5 and not shows_parallax:
        # no tracks that the move explains and the turn does not, or the moving camera's own scene
        # implies next to no parallax: the model with fewer unknowns (a moving solve soaks each
        # track's drift up in its depth and so always fits a little closer)
        return rotation, info
    if moving.failed.mean() < 0.5 and shows_parallax and info.get("behind_fraction", 0) < 0.25:
        return moving, info  # parallax a homography cannot make: the camera moved
    if moving.failed.mean() > 0.5 and moving.failed.mean() > rotation.failed.mean():
        return rotation, info  # the moving camera is not made out (a turn gives it no baseline)
    if rotation.failed.mean() > 0.5 and moving.failed.mean() < rotation.failed.mean():
        return moving, info  # the turn does not explain the frames at all
    if not moving.rms_px < 0.85 * rotation.rms_px:
        return rotation, info
    return moving, info


def rotation_track_residuals(tracks: np.ndarray, R: np.ndarray, focal: np.ndarray, size) -> np.ndarray:
    """Per track, the largest reprojection error (pixels) of the best single ray direction for it
    under a camera that only turns and zooms (rotations ``R`` world-to-camera, ``focal`` per frame):
    the mean of its back-projected rays. NaN for a track seen once."""
    c = intrinsics(1.0, size)[:2, 2]
    seen = np.isfinite(tracks[..., 0])
    xy = np.where(seen[..., None], tracks, 0.0)
    v = np.concatenate([(xy - c) / focal[:, None, None], np.ones(xy.shape[:2] + (1,))], axis=2)
    d = np.einsum("nji,ntj->nti", R, v)  # to the world (frame 0 camera)
    d /= np.linalg.norm(d, axis=2, keepdims=True)
    mean = np.where(seen[..., None], d, 0.0).sum(axis=0)
    cam = np.einsum("nij,tj->nti", R, mean)
    z = np.where(np.abs(cam[..., 2]) < 1e-9, 1e-9, cam[..., 2])
    proj = focal[:, None, None] * cam[..., :2] / z[..., None] + c
    e = np.where(seen & (cam[..., 2] > 0), np.linalg.norm(proj - xy, axis=2), np.where(seen, np.inf, np.nan))
    out = np.nanmax(np.where(seen, e, -1.0), axis=0)
    return np.where(seen.sum(axis=0) >= 2, out, np.nan)


def moving_track_residuals(tracks: np.ndarray, R: np.ndarray, t: np.ndarray, focal: np.ndarray, size, frames_ok: np.ndarray) -> np.ndarray:
    """Per track, the largest reprojection error (pixels) of its point triangulated (linear, all
    its observations in ``frames_ok``) by the moving camera (world-to-camera ``R``, ``t``). NaN for
    a track seen in fewer than three such frames."""
    return triangulate_tracks(tracks, R, t, focal, size, frames_ok)[1]


def triangulate_tracks(tracks: np.ndarray, R: np.ndarray, t: np.ndarray, focal: np.ndarray, size, frames_ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every track's point (linear triangulation over its observations in ``frames_ok``) and its
    largest reprojection error in pixels (NaN for a track seen in fewer than three such frames)."""
    c = intrinsics(1.0, size)[:2, 2]
    seen = np.isfinite(tracks[..., 0]) & frames_ok[:, None]
    xy = np.where(seen[..., None], tracks, 0.0)
    nx = (xy - c) / focal[:, None, None]  # normalised image coordinates
    P = np.concatenate([R, t[:, :, None]], axis=2)  # (n,3,4)
    rows_x = nx[..., 0:1] * P[:, None, 2, :] - P[:, None, 0, :]  # (n,T,4)
    rows_y = nx[..., 1:2] * P[:, None, 2, :] - P[:, None, 1, :]
    A = np.concatenate([rows_x, rows_y], axis=0) * np.concatenate([seen, seen], axis=0)[..., None]
    A = np.transpose(A, (1, 0, 2))  # (T, 2n, 4)
    X = np.linalg.svd(A)[2][:, -1, :]  # (T,4)
    w = np.where(np.abs(X[:, 3]) < 1e-12, 1e-12, X[:, 3])
    X = X[:, :3] / w[:, None]
    cam = np.einsum("nij,tj->nti", R, X) + t[:, None, :]
    z = np.where(np.abs(cam[..., 2]) < 1e-9, 1e-9, cam[..., 2])
    proj = focal[:, None, None] * cam[..., :2] / z[..., None] + c
    e = np.where(cam[..., 2] > 0, np.linalg.norm(proj - xy, axis=2), np.inf)
    out = np.max(np.where(seen, e, -1.0), axis=0)
    return X, np.where(seen.sum(axis=0) >= 3, out, np.nan)  # two views always agree: no test


def _solve_rotation(tracks, size, focal_px, default_focal_px, enough, info) -> ShotSolve:
    n = len(tracks)
    hs, inliers = consecutive_homographies(tracks, size)
    f = focal_px
    if f is None:
        f, turn = self_calibrate(hs, size)
        info["turn_deg"] = turn
        if f is not None:
            info["focal_source"] = "self-calibrated from rotation"
    fixed = (f is not None and focal_px is not None) or f is None  # a hint, or a turn too small to show it
    f = f or default_focal_px
    rots, focal = keyframe_rotations(tracks, f, size)
    R, fo, err, fi = adjust_rotations(tracks, rots, focal, size, fix_focal=fixed, frames_ok=enough)
    px = pixel_scale(size)
    conf = _confidence(n, fi, err, enough, px)
    failed = conf < 0.2
    R, tr, fo = _fill_failed(R, np.zeros((n, 3)), fo, failed)
    info["focal_px"] = float(fo[0])
    return ShotSolve("rotation", R, tr, fo, conf, failed, None, robust_rms(err, px))


def _solve_moving(tracks, size, focal_px, default_focal_px, enough, info) -> tuple[ShotSolve, np.ndarray]:
    n = len(tracks)
    f = focal_px or default_focal_px
    best = None
    for zoom in (False, True):
        # A zoom is tried only when a fixed lens cannot explain the clip: moving along the axis
        # while zooming is a critical motion (the zoom trades against a projective change of the
        # scene's depths, so residuals cannot tell push from push + zoom). What a fixed lens cannot
        # do is shrink what lies beyond the subject as it moves in: that solve puts those points
        # behind the camera.
        if zoom and best is not None and best[4] < BEHIND_FRACTION:
            break
        sol = solve_translation(tracks, f, size, zoom=zoom)
        if sol is None:
            continue
        rvecs, tvecs, focal, points, done = sol
        # a frame PnP threw to infinity is not registered (the adjustment would start from NaN)
        done = done & np.isfinite(rvecs).all(axis=1) & np.isfinite(tvecs).all(axis=1) & (np.abs(tvecs).max(axis=1) < 1e6)
        rvecs, tvecs = np.where(done[:, None], rvecs, 0.0), np.where(done[:, None], tvecs, 0.0)
        if done.sum() < 2 or not done[0]:
            continue
        points = np.where(np.isfinite(points).all(axis=1, keepdims=True), points, np.nan)
        out = adjust_poses(tracks, rvecs, tvecs, np.where(done, focal, f), points, done, size, zoom)
        rms = robust_rms(out[4], pixel_scale(size))
        behind = behind_fraction(out[0], out[1], out[3][out[6]], _well_fitted(n, out[5], out[4], pixel_scale(size)) & done)
        if zoom and best is not None:
            # the zoom must explain clearly more, on as many frames, with a zoom worth the name
            ratio = float(np.nanmax(out[2]) / np.nanmin(out[2]))
            if not (rms < 0.85 * best[0] and behind < best[4] and done.sum() >= 0.9 * best[2].sum() and ratio > 1.03):
                continue
        if best is None or rms < best[0] or zoom:
            best = (rms, out, done, zoom, behind)
    if best is None:
        raise RuntimeError("the moving camera could not be initialised (too little parallax or texture)")
    _, (rv, tv, fo, pts, err, fi, sub), done, zoom, behind = best
    info["zoom_model"] = zoom
    info["behind_fraction"] = behind
    info["focal_source"] = "hint" if focal_px else "default"
    conf = _confidence(n, fi, err, done & enough, pixel_scale(size))
    failed = conf < 0.2
    failed[0] = False
    R = Rotation.from_rotvec(rv).as_matrix()
    R, tv, fo = _fill_failed(R, tv, fo, failed)
    # what the moving camera explains, track by track (before a dolly zoom's remap, which keeps the
    # pictures but moves the principal point a little when the travel is not exactly axial)
    move_res = moving_track_residuals(tracks, R, tv, fo, size, ~failed)
    inv_d = held_inverse_depth(R, tv, ~failed) if not zoom else None
    if inv_d is not None:
        R2, t2, f2, p2 = remap_dolly_zoom(R, tv, fo, pts, inv_d)
        if abs(np.log(f2[-1] / f2[0])) > DOLLY_ZOOM_MIN_LOG and np.isfinite(f2).all():
            # a push or pull along the lens axis that the set's planes say zoomed (see held_inverse_depth)
            R, tv, fo, pts = R2, t2, f2, p2
            info["dolly_zoom_inverse_depth"] = float(inv_d)
    depth = central_depth(tracks, R, tv, fo, size, ~failed)
    seen0 = np.isfinite(tracks[0, sub, 0])
    info["focal_px"] = float(fo[0])
    info["parallax_px"] = implied_parallax(R, tv, fo, pts[sub][seen0], size)
    return ShotSolve("translation", R, tv, fo, conf, failed, depth, best[0]), move_res


def held_inverse_depth(R: np.ndarray, t: np.ndarray, frames_ok: np.ndarray) -> float | None:
    """1/D for a fixed-lens solve that travels along its lens axis when a dolly zoom holding the
    depth D explains it with a steadier dolly; None when the travel is not along the axis or is as
    steady as it gets.

    Moving along the lens axis while zooming is a critical motion: a dolly zoom that holds depth D
    makes exactly the pictures of a fixed lens pushing through the set remapped by the projective map
    P' = P / (1 - Z/D) (what is at D goes to infinity), so no reprojection error tells them apart.
    The remap also bends the travel: a dolly at a steady speed c(s) reads, with a fixed lens, as
    c'(s) = c / (1 - c/D), a push that speeds up (a pull that slows down). The prior that picks one
    member of the family is the dolly's steady speed: the 1/D that makes c'(s) / (1 + c'(s)/D) most
    nearly linear in time, taken only when it is clearly straighter than the fixed-lens travel.
    (The set's planes, parallel to the travel in the true scene, would be the other prior; on these
    reconstructions their fitted tilts err by 10-30 degrees on true pushes.)"""
    centres = -np.einsum("nji,nj->ni", R, t)
    ok = np.flatnonzero(frames_ok)
    if len(ok) < 8:
        return None
    far = centres[ok[int(np.argmax(np.linalg.norm(centres[ok], axis=1)))]]
    end = float(np.linalg.norm(far))
    if end < 1e-9 or abs(far[2]) < np.cos(np.radians(25)) * end:
        return None
    c = centres[ok] @ far / end  # travel along its own direction, frame 0 at 0
    sign = np.sign(far[2])  # +1 forward (push), -1 back (pull)
    s = ok.astype(float)

    def bend(k):  # 1/D = k / end (sign: forward along the axis); how far from a steady speed
        a = k / end
        cc = c / (1.0 + a * c)
        v = float(cc @ s / (s @ s))
        return float(np.sum((cc - v * s) ** 2)) / max(float(cc[-1] ** 2), 1e-12) / len(s)

    grid = np.linspace(-0.9, 1.5, 97)  # k = travel / D of the reading; k > -1 keeps the map finite
    errs = np.array([bend(k) for k in grid])
    best = int(np.argmin(errs))
    res = minimize_scalar(bend, bounds=(grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]), method="bounded", options={"xatol": 1e-4})
    k = float(res.x)
    if not bend(k) < STEADIER_BY * bend(0.0):
        return None
    return sign * k / end


def remap_dolly_zoom(R, t, focal, points, inv_d: float):
    """The cameras (world-to-camera R, t; focal) and points of the same pictures in the scene
    remapped by P = P' / (1 + Z'/D) (the inverse of held_inverse_depth's map): each camera's
    projection matrix times the map's inverse, split again into a focal length, a rotation and a
    centre (the principal point stays put on a travel along the axis)."""
    from scipy.linalg import rq

    T = np.eye(4)
    T[3, 2] = inv_d
    Ti = np.linalg.inv(T)
    Rs, ts, fs = [], [], []
    for Ri, ti, fi in zip(R, t, focal):
        P = np.diag([fi, fi, 1.0]) @ np.c_[Ri, ti] @ Ti
        M = P[:, :3]
        if np.linalg.det(M) < 0:
            P, M = -P, -M
        K, Q = rq(M)
        sign = np.diag(np.sign(np.diag(K)))
        K, Q = K @ sign, sign @ Q
        C = -np.linalg.solve(M, P[:, 3])
        Rs.append(Q)
        ts.append(-Q @ C)
        fs.append(0.5 * (K[0, 0] + K[1, 1]) / K[2, 2])
    p = np.asarray(points, float).copy()
    w = 1.0 + inv_d * p[:, 2]
    p = np.where((w > 1e-6)[:, None], p / np.where(w > 1e-6, w, 1.0)[:, None], np.nan)
    return np.array(Rs), np.array(ts), np.array(fs), p


def central_depth(tracks, R, t, focal, size, frames_ok) -> float | None:
    """The depth of what the first frame looks at (translation units): the median depth of every
    track seen in frame 0 near the image's centre (the middle third, else the middle half, else
    all), each triangulated over the whole shot and explained to 2 px. The translation's magnitude
    is measured against it. Every track, not only the adjustment's: on a dolly zoom the wall ahead
    is at infinity until the remap and so never among the adjustment's points."""
    X, e = triangulate_tracks(tracks, R, t, focal, size, frames_ok)
    ok = np.isfinite(tracks[0, :, 0]) & (e < 2.0 * pixel_scale(size)) & (X[:, 2] > 0)
    if not ok.any():
        return None
    xy0, z = tracks[0, ok], X[ok, 2]
    w, h = size
    for part in (6, 4):
        central = (np.abs(xy0[:, 0] - (w - 1) / 2) < w / part) & (np.abs(xy0[:, 1] - (h - 1) / 2) < h / part)
        if central.sum() >= 8:
            return float(np.median(z[central]))
    return float(np.median(z))


def _well_fitted(n: int, fi: np.ndarray, err: np.ndarray, px: float = 1.0) -> np.ndarray:
    """Frames whose observations the adjustment explains (a frame PnP threw off is not judged)."""
    good = np.zeros(n, bool)
    for i in range(n):
        e = err[fi == i]
        good[i] = len(e) >= MIN_POINTS and float(np.median(e)) < 2.0 * px
    return good


def behind_fraction(rvecs, tvecs, points, done) -> float:
    """The share of reconstructed points that some registered camera has behind it."""
    X = points[np.isfinite(points).all(axis=1)]
    if not len(X):
        return 0.0
    R = Rotation.from_rotvec(rvecs[done]).as_matrix()
    z = np.einsum("fij,pj->fpi", R, X)[..., 2] + tvecs[done][:, None, 2]
    return float((z <= 0).any(axis=0).mean())


def implied_parallax(R, t, focal, points, size) -> float:
    """How far the moving camera's own reconstruction strays from a homography (reference pixels, the 97th
    percentile at the frame where it strays most): the parallax the solve says the clip shows.
    A moving solve that implies next to none is a turn or zoom in disguise (each track's depth
    soaking up its own tracking drift), and the homography, with fewer unknowns, explains it."""
    c = intrinsics(1.0, size)[:2, 2]
    X = points[np.isfinite(points).all(axis=1)]
    if len(X) < 8:
        return 0.0

    def project(i):
        cam = X @ R[i].T + t[i]
        ok = cam[:, 2] > 1e-6
        return focal[i] * cam[:, :2] / np.where(ok, cam[:, 2], 1.0)[:, None] + c, ok

    x0, ok0 = project(0)
    worst = 0.0
    for i in range(1, len(R)):
        xi, oki = project(i)
        ok = ok0 & oki
        if ok.sum() < 8:
            continue
        H, _ = cv2.findHomography(x0[ok], xi[ok], 0)
        if H is None:
            continue
        e = np.linalg.norm(cv2.perspectiveTransform(x0[ok].reshape(-1, 1, 2), H).reshape(-1, 2) - xi[ok], axis=1)
        worst = max(worst, float(np.percentile(e, PARALLAX_PERCENTILE)))
    return worst / pixel_scale(size)
