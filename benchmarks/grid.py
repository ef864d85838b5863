"""Camera-grid speed: our renderer against a straightforward matplotlib (Agg) reference.

A 4-shot, 10-second sequence at 832x480 (240 frames at 24 fps, the demo's four shots resampled),
rendered on one core. The reference draws the very same projected, clipped segments with
matplotlib's LineCollection on an Agg canvas, so the ratio measures drawing, not geometry.
Prints render-only fps, fps including H.264 encoding, and the ratio; ends with a RESULT line.

    python benchmarks/grid.py [--reference-frames 24]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import cv2
import numpy as np

from engine.camera.interpolate import evaluate_shot
from engine.demo import build_demo_project
from engine.grid.sequence import GridOptions, GridRenderer
from engine.interchange.mp4 import write_mp4

SIZE = (832, 480)


def sequence_paths():
    project = build_demo_project()
    paths = []
    for shot in project.shots:
        frames = np.linspace(0, shot.duration - 1, 60)  # 4 x 60 frames = 10 s at 24 fps
        paths.append(evaluate_shot(project, shot, frames))
    return paths


def reference_frame(renderer: GridRenderer, shot: int, frame: int):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    w, h = SIZE
    style = renderer.options.style
    fig = Figure(figsize=(w / 100, h / 100), dpi=100)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, w)
    ax.set_ylim(h, 0)
    ax.axis("off")
    fig.patch.set_facecolor(np.array(style.background) / 255)
    view = renderer.view(shot, frame)
    for segments, colour in renderer.layers:
        ax.add_collection(LineCollection(view.project_segments(segments), colors=[np.array(colour) / 255], linewidths=0.75, antialiaseds=True))
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[:, :, :3].copy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference-frames", type=int, default=24, help="frames the slow reference renders")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    paths = sequence_paths()
    renderer = GridRenderer(paths, GridOptions(size=SIZE, transition_frames=0))
    n = renderer.frame_count

    best = float("inf")
    for _ in range(args.repeats):
        t = time.perf_counter()
        for _frame in renderer.frames():
            pass
        best = min(best, time.perf_counter() - t)
    ours_fps = n / best

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        write_mp4(renderer.frames(), os.path.join(tmp, "bench.mp4"), 24.0, SIZE, threads=1)
        encode_fps = n / (time.perf_counter() - t)

    picks = np.linspace(0, n - 1, args.reference_frames).astype(int)
    index = [(s, f) for s, p in enumerate(paths) for f in range(len(p))]
    t = time.perf_counter()
    for i in picks:
        reference_frame(renderer, *index[i])
    ref_fps = len(picks) / (time.perf_counter() - t)

    print(f"frames: {n} at {SIZE[0]}x{SIZE[1]}, one core")
    print(f"ours, render only        : {ours_fps:8.1f} fps")
    print(f"ours, with H.264 encoding: {encode_fps:8.1f} fps")
    print(f"matplotlib Agg reference : {ref_fps:8.1f} fps")
    print(f"ratio ours / reference   : {ours_fps / ref_fps:8.1f}x")
    print(f"RESULT render_fps={ours_fps:.1f} encode_fps={encode_fps:.1f} reference_fps={ref_fps:.1f} ratio={ours_fps / ref_fps:.1f}")


if __name__ == "__main__":
    main()
