"""Where the dolly zoom's zoom error comes from: the solver, or the tracks it is given.

    OMP_NUM_THREADS=1 python benchmarks/clone_dolly_zoom.py [--seeds 101,102,103,104,13,22]

For each room, the two dolly zooms of ``benchmarks/clone.py`` (36 frames, 320x180), solved by
``engine.clone.solve.solve_shot`` with the true focal length from four sets of tracks:

- ``klt``: the tracker's (``engine.clone.tracks.track``) on the benchmark's clip, grain sigma 2 and
  H.264 crf 20, decoded as the clone command decodes it;
- ``klt clean``: the tracker's on the same clip rendered without grain or compression;
- ``exact``: where a perfect tracker would put the clean clip's tracks
  (``engine.clone.synthetic.exact_tracks``: same corners, same frames seen);
- ``exact + 0.1 px``: those with Gaussian noise of a tenth of a pixel.

Each figure is the cloned / true zoom ratio (last frame's focal length over the first's). Then how
far the clean clip's tracks have slid from the exact ones by the shot's last frame (median, in
pixels), for the tracks seen from the first frame to the last: those on surfaces nearer than 0.85
of the held wall's depth (the floor, the boxes, the side walls: the ones whose growth tells the
dolly from the zoom), and the rest.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from engine.clone.solve import solve_shot
from engine.clone.synthetic import exact_tracks, make_clip, render, room
from engine.clone.tracks import track
from engine.clone.video import grey, read_video
from engine.interchange.mp4 import write_mp4

KINDS = ("dolly_zoom_in", "dolly_zoom_out")
N = 36
SIZE = (320, 180)


def zoom_error(tracks: np.ndarray, clip) -> float:
    shot, _ = solve_shot(tracks, SIZE, float(clip.focal_px[0]), float(clip.focal_px[0]))
    return float(shot.focal_px[-1] / shot.focal_px[0] / (clip.focal_px[-1] / clip.focal_px[0]))


def slide(tracked: np.ndarray, exact: np.ndarray, clip, quads) -> tuple[float, float]:
    whole = np.isfinite(tracked[..., 0]).all(axis=0) & np.isfinite(exact[..., 0]).all(axis=0)
    _, depth = render(clip.c2w[0], clip.focal_px[0], SIZE, quads)
    xy = np.round(tracked[0, whole]).astype(int)
    z = depth[xy[:, 1], xy[:, 0]]
    off = np.linalg.norm(tracked[-1, whole] - exact[-1, whole], axis=1)
    near = z < 0.85 * clip.depth0[0]  # nearer than the held wall: the surfaces that show the dolly
    return (float(np.median(off[near])) if near.any() else float("nan")), (float(np.median(off[~near])) if (~near).any() else float("nan"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", default="101,102,103,104,13,22", help="rooms (as benchmarks/clone.py --seed)")
    args = ap.parse_args()
    names = ("klt", "klt clean", "exact", "exact + 0.1 px")
    ratios: dict[str, list[float]] = {k: [] for k in names}
    print(f"{'room':>4s} {'shot':15s} " + " ".join(f"{k:>14s}" for k in names) + "   slid near / far (px)")
    with tempfile.TemporaryDirectory() as tmp:
        for seed in (int(s) for s in args.seeds.split(",")):
            quads = room(seed)
            for kind in KINDS:
                clean = make_clip([(kind, N)], seed=seed)
                # the benchmark's clip: make_clip's grain (its generator draws only the grain), H.264
                grain = np.random.default_rng(seed).normal(0, 2.0, clean.frames.shape)
                noisy = np.clip(clean.frames.astype(np.float32) + grain, 0, 255).astype(np.uint8)
                path = Path(tmp) / f"{kind}.mp4"
                write_mp4(noisy, path, clean.fps, SIZE, crf=20)
                delivered = track(grey(read_video(path).frames))
                tracked = track(grey(clean.frames))
                exact = exact_tracks(clean, quads, tracked)
                jitter = exact + np.random.default_rng(seed).normal(0, 0.1, exact.shape)
                row = {}
                for name, tr in zip(names, (delivered, tracked, exact, jitter)):
                    try:
                        row[name] = zoom_error(tr, clean)
                    except RuntimeError:
                        row[name] = float("nan")
                    ratios[name].append(row[name])
                near, far = slide(tracked, exact, clean, quads)
                print(f"{seed:4d} {kind:15s} " + " ".join(f"{row[k]:14.3f}" for k in names) + f"   {near:.2f} / {far:.2f}", flush=True)
    within = {k: int(np.sum(np.abs(np.asarray(v) - 1) <= 0.03)) for k, v in ratios.items()}
    worst = {k: float(np.nanmax(np.abs(np.asarray(v) - 1))) for k, v in ratios.items()}
    total = len(ratios["klt"])
    print("RESULT " + " ".join(f"{k.replace(' ', '_').replace('+_0.1_px', 'jitter')}_within3={within[k]}/{total} {k.replace(' ', '_').replace('+_0.1_px', 'jitter')}_worst={worst[k]:.3f}" for k in names))


if __name__ == "__main__":
    main()
