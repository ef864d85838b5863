"""Cuts and dissolves found to the frame, on many rendered clips (the clone's transition detector).

    OMP_NUM_THREADS=1 python benchmarks/clone_transitions.py [--set tuned|held-out|both]

``benchmarks/clone.py`` checks one three-shot clip per room; this runs the detector alone
(``engine.train.evaluate.detect_transitions``) over two sets of clips from
``engine.clone.synthetic`` (320x180, 24 fps, grain sigma 2, H.264 crf 20):

- ``tuned`` (the set the dissolve rules were set on): the benchmark's three-shot clip (pan right,
  hard cut, push in, 8-frame dissolve, zoom out) in rooms 100-115, 0-7, 13, 22 and 24, and every
  one-shot move of ``MOVES`` (36 frames) in rooms 7, 101, 103 and 3;
- ``held-out``: two other three-shot clips in rooms 116-127 (tilt up, cut, truck left, 8-frame
  dissolve, arc left; and zoom in, cut, a 36-frame pan left, a 12-frame dissolve, pedestal up) and
  every one-shot move in rooms 105 and 11.

A multi-shot clip is exact when the transitions' frames (a dissolve's middle frame) are the true
cuts, no more, no fewer; a one-shot clip must give none. The detector's CPU seconds per second of
video are printed beside it.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from engine.clone.synthetic import MOVES, make_clip
from engine.clone.video import read_video
from engine.interchange.mp4 import write_mp4
from engine.train.evaluate import detect_transitions

BENCH = [("pan_right", 30), ("push_in", 30), ("zoom_out", 30)]
ARC = [("tilt_up", 30), ("truck_left", 30), ("arc_left", 30)]
PAN = [("zoom_in", 30), ("pan_left", 36), ("pedestal_up", 30)]


def clips(which: str):
    """(name, shots, seed, dissolve length) of one set."""
    if which == "tuned":
        for seed in [*range(100, 116), *range(0, 8), 13, 22, 24]:
            yield f"bench {seed}", BENCH, seed, 8
        rooms = (7, 101, 103, 3)
    else:
        for seed in range(116, 128):
            yield f"arc {seed}", ARC, seed, 8
            yield f"pan {seed}", PAN, seed, 12
        rooms = (105, 11)
    for seed in rooms:
        for kind in MOVES:
            yield f"{kind} {seed}", [(kind, 36)], seed, 0


def run(which: str, folder: Path) -> tuple[int, int, int, int, float, float]:
    exact = multi = false = single = 0
    cpu = seconds = 0.0
    for name, shots, seed, dissolve in clips(which):
        clip = make_clip(shots, noise=2.0, seed=seed, dissolve=dissolve)
        path = folder / "clip.mp4"
        write_mp4(clip.frames, path, clip.fps, (320, 180), crf=20)
        frames = read_video(path).frames
        t0 = time.process_time()
        found = detect_transitions(frames)
        cpu += time.process_time() - t0
        seconds += len(frames) / clip.fps
        frames_found = [t.frame for t in found]
        if len(shots) > 1:
            multi += 1
            ok = frames_found == list(clip.cuts)
            exact += ok
        else:
            single += 1
            ok = not found
            false += not ok
        if not ok:
            print(f"  {which} {name}: true {list(clip.cuts)}, found {[(t.kind, t.start, t.end, t.frame) for t in found]}")
    return exact, multi, false, single, cpu, seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", choices=["tuned", "held-out", "both"], default="both")
    args = ap.parse_args()
    sets = ["tuned", "held-out"] if args.set == "both" else [args.set]
    with tempfile.TemporaryDirectory() as tmp:
        for which in sets:
            exact, multi, false, single, cpu, seconds = run(which, Path(tmp))
            print(
                f"RESULT set={which} multi_exact={exact}/{multi} one_shot_false={false}/{single} "
                f"detector_cpu_s_per_video_s={cpu / seconds:.3f}"
            )


if __name__ == "__main__":
    main()
