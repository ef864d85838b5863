"""Bundle adjustment for camera cloning: scipy ``least_squares`` (what ``engine.clone.solve`` uses)
against pycolmap's (COLMAP's Ceres adjustment), from the same first solution on the same tracks.

    taskset -c 0,1 python benchmarks/clone_ba.py [--seed 7]

The translating moves of ``engine.clone.synthetic`` (36 frames, 320x180, grain, H.264 crf 20, the
true focal length given). Both adjust poses and points with a Huber loss of 1 px, frame 0 and the
lens fixed, over the same observations (the 150 longest tracks, those the first solution puts
within 4 px): ``engine.clone.solve.adjust_poses`` with ``BA_BACKEND`` "scipy", then "pycolmap"
(``engine.clone.colmap_ba``). Figures against the true cameras relative to frame 0: median
rotation error (deg), median direction-of-travel error (deg), reprojection RMS (px, each residual
capped at 3 px as the model choice reads it), and seconds. pycolmap is optional
(``pip install -e .[colmap]``); without it only scipy's figures are printed.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
from scipy.spatial.transform import Rotation

from engine.camera.conventions import from_opencv_world, invert_poses
from engine.clone import solve
from engine.clone.solve import adjust_poses, robust_rms, solve_translation
from engine.clone.synthetic import make_clip
from engine.clone.tracks import track
from engine.clone.video import grey, read_video
from engine.interchange.mp4 import write_mp4

MOVES = ["push_in", "pull_out", "truck_right", "truck_left", "pedestal_up", "arc_left"]


def _angle(a, b):
    return float(np.degrees(np.arccos(np.clip((np.trace(a.T @ b) - 1) / 2, -1, 1))))


def errors(R, t, done, clip):
    """Median rotation error and direction-of-travel error (deg) of OpenCV w2c poses vs the truth."""
    w2c = np.tile(np.eye(4), (len(R), 1, 1))
    w2c[:, :3, :3], w2c[:, :3, 3] = R, t
    est = from_opencv_world(invert_poses(w2c))
    est = invert_poses(est[0]) @ est
    true = invert_poses(clip.c2w[0]) @ clip.c2w
    idx = np.flatnonzero(done)
    rre = [_angle(est[i, :3, :3], true[i, :3, :3]) for i in idx]
    tt = np.linalg.norm(true[idx, :3, 3], axis=1)
    far = idx[tt >= 0.1 * tt.max()]
    rte = []
    for i in far:
        a, b = est[i, :3, 3], true[i, :3, 3]
        rte.append(float(np.degrees(np.arccos(np.clip(a @ b / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-12), -1, 1)))))
    return float(np.median(rre)), float(np.median(rte))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--scipy-nfev", type=int, default=None, help="let scipy evaluate this many times (default: what the clone uses)")
    args = ap.parse_args()
    if args.scipy_nfev:
        solve.BA_MAX_NFEV = args.scipy_nfev
    try:
        import pycolmap  # noqa: F401

        have_colmap = True
    except ImportError:
        have_colmap = False
    rows, totals = [], {"scipy": [0.0, [], []], "pycolmap": [0.0, [], []]}
    with tempfile.TemporaryDirectory() as tmp:
        for kind in MOVES:
            clip = make_clip([(kind, 36)], noise=2.0, seed=args.seed)
            size = (clip.frames.shape[2], clip.frames.shape[1])
            path = Path(tmp) / f"{kind}.mp4"
            write_mp4(clip.frames, path, clip.fps, size, crf=20)
            tracks = track(grey(read_video(path).frames))
            f = float(clip.focal_px[0])
            cv2.setRNGSeed(0)
            rvecs, tvecs, focal, points, done = solve_translation(tracks, f, size, zoom=False)
            done &= np.isfinite(rvecs).all(axis=1) & np.isfinite(tvecs).all(axis=1) & (np.abs(tvecs).max(axis=1) < 1e6)
            rvecs, tvecs = np.where(done[:, None], rvecs, 0.0), np.where(done[:, None], tvecs, 0.0)
            points = np.where(np.isfinite(points).all(axis=1, keepdims=True), points, np.nan)
            focal = np.where(done, focal, f)
            row = [kind]
            for backend in ("scipy", "pycolmap") if have_colmap else ("scipy",):
                solve.BA_BACKEND = backend
                t0 = time.perf_counter()
                rv, tv, _, _, err, _, _ = adjust_poses(tracks, rvecs, tvecs, focal, points, done, size, False)
                t1 = time.perf_counter()
                rre, rte = errors(Rotation.from_rotvec(rv).as_matrix(), tv, done, clip)
                row.append((backend, rre, rte, robust_rms(err), t1 - t0))
                totals[backend][0] += t1 - t0
                totals[backend][1].append(rre)
                totals[backend][2].append(rte)
            rows.append(row)
    print(f"{'shot':12s} {'adjuster':9s} {'medRRE':>7s} {'medRTE':>7s} {'rms px':>7s} {'s':>6s}")
    for kind, *results in rows:
        for name, rre, rte, rms, sec in results:
            print(f"{kind:12s} {name:9s} {rre:7.3f} {rte:7.2f} {rms:7.3f} {sec:6.2f}")
    parts = []
    for name, (sec, rres, rtes) in totals.items():
        if rres:
            parts.append(f"{name}_rre_deg={np.median(rres):.3f} {name}_rte_deg={np.median(rtes):.2f} {name}_s={sec:.2f}")
    print("RESULT " + " ".join(parts) + f" pycolmap={'yes' if have_colmap else 'no'}")


if __name__ == "__main__":
    main()
