"""Depth of field cost per grey-box frame: the kitchen demo's "OTS on Ana" with focus racked from
Ben to Ana (scripts/focus_images.py), at 832x480, on one core.

    python benchmarks/depth_of_field.py [--size 832x480] [--frames 12]

Reference, in the same run on the same frames: the grey-box frame all sharp (beauty only, as every
shot without focus keys is drawn). Timed: "sharp" (beauty), "with depth" (beauty + depth pass, what
depth of field needs from the GL side) and "with DoF" (that + the blur, ``apply_depth_of_field``);
the blur alone is also timed on the read-back arrays. The four run in turn on every frame, five
passes; each figure is the median over frames of a frame's best time. Ends with one RESULT line.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("LP_NUM_THREADS", "0")
os.environ.setdefault("EGL_PLATFORM", "surfaceless")
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

import cv2  # noqa: E402

cv2.setNumThreads(1)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))


def interleaved(variants: dict, frames, passes=5) -> dict[str, float]:
    """Per variant: the median over frames of each frame's best time (ms), the variants run in turn
    on every frame so that a busy machine slows them all alike."""
    best = {name: {f: float("inf") for f in frames} for name in variants}
    for _ in range(passes):
        for f in frames:
            for name, fn in variants.items():
                t = time.perf_counter()
                fn(f)
                best[name][f] = min(best[name][f], time.perf_counter() - t)
    return {name: statistics.median(times.values()) * 1000.0 for name, times in best.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="832x480")
    parser.add_argument("--frames", type=int, default=12)
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.lower().split("x"))
    from focus_images import racked_kitchen

    from engine.greybox.depth_of_field import apply_depth_of_field
    from engine.greybox.shots import GreyboxShots

    project, index, seq = racked_kitchen()
    path = seq.shot(project, project.shots[index])
    frames = list(range(0, len(path), max(1, len(path) // args.frames)))[: args.frames]
    focused = GreyboxShots(project, [path], (w, h), [index])
    sharp = GreyboxShots(project, [path], (w, h), [index], depth_of_field=False)
    sharp.render_frame(0, 0, ("beauty", "depth"))  # compile the shaders, build the targets
    passes = {f: sharp.render_frame(0, f, ("beauty", "depth")) for f in frames}
    blur = lambda f: apply_depth_of_field(passes[f]["beauty"], passes[f]["depth"], float(path.focal_mm[f]), float(path.t_stop[f]), float(path.focus_m[f]), path.film_back_mm[0])  # noqa: E731
    times = interleaved(
        {
            "sharp": lambda f: sharp.render_frame(0, f, ("beauty",)),
            "depth": lambda f: sharp.render_frame(0, f, ("beauty", "depth")),
            "dof": lambda f: focused.render_frame(0, f, ("beauty",)),
            "blur": blur,
        },
        frames,
    )
    t_sharp, t_depth, t_dof, t_blur = (times[k] for k in ("sharp", "depth", "dof", "blur"))
    print(f"{w}x{h}, {len(frames)} frames of {project.shots[index].name!r}, one core")
    print(f"  sharp frame (reference)   {t_sharp:7.1f} ms")
    print(f"  beauty + depth pass       {t_depth:7.1f} ms  ({t_depth / t_sharp:.2f}x)")
    print(f"  with depth of field       {t_dof:7.1f} ms  ({t_dof / t_sharp:.2f}x)")
    print(f"  the blur alone            {t_blur:7.1f} ms")
    print(f"RESULT size={w}x{h} sharp_ms={t_sharp:.1f} depth_ms={t_depth:.1f} dof_ms={t_dof:.1f} blur_ms={t_blur:.1f} dof_ratio={t_dof / t_sharp:.2f}")


if __name__ == "__main__":
    main()
