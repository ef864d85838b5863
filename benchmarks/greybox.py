"""Grey-box render speed: the rooftop demo's set (4 people, 10 set pieces) through its shots' cameras.

The renderer (moderngl on EGL, Mesa llvmpipe) against the numpy ray caster that makes the DiT's
training data (``engine/train/raycast.py``), on the same frames, in the same run, on one core:
the process pins itself to one CPU and llvmpipe renders in the calling thread (LP_NUM_THREADS=0),
as ``taskset -c 0`` would. The ray caster draws the same primitives (library parts; a person's
limbs and joints as spheres: it has no slanted capsules) in a room around the set.

    python benchmarks/greybox.py [--size 832x480] [--raycast-frames 6]

Timed: "render only" is drawing and reading the pixels back (the set already built for the frame);
"frame" adds building the set (blocking, the mannequin's kinematics). Each figure is the best of three
passes over all frames, on the wall clock and in CPU time (the process's, pinned to one core: on a
machine shared with other work the wall clock counts their time too, the CPU time does not).
Ends with one RESULT line.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

# One core, before Mesa starts its threads.
os.environ.setdefault("LP_NUM_THREADS", "0")
os.environ.setdefault("EGL_PLATFORM", "surfaceless")
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

import numpy as np


def bench_project():
    """The rooftop demo with two bystanders (4 people) beside its 10 set pieces."""
    from engine.demo import build_demo_project
    from engine.project import Subject

    project = build_demo_project()
    extra = [
        Subject(name="Bystander A", position=(-2.4, 0.0, 1.6), facing=60.0, pose="talking", color="#8a9a5b"),
        Subject(name="Bystander B", position=(2.2, 0.0, 1.9), facing=-120.0, pose="point", height=1.7, color="#9a6ab0"),
    ]
    project = project.model_copy(update={"subjects": project.subjects + extra})
    assert sum(s.is_person for s in project.subjects) == 4 and sum(not s.is_person for s in project.subjects) == 10
    return project


def raycast_solids(scene):
    """The scene's primitives as the ray caster's solids (yaw-only boxes, spheres, upright cylinders)."""
    from engine.train.raycast import Solid

    solids = []
    for kind in ("box", "cylinder", "sphere", "head"):
        for m, rgb, _ in zip(*scene.arrays(kind)):
            centre = m[:3, 3]
            size = np.linalg.norm(m[:3, :3], axis=0)
            colour = tuple(int(c * 255) for c in rgb)
            upright = abs(m[1, 1] / max(size[1], 1e-9)) > 0.999
            if kind in ("sphere", "head") or not upright:
                d = float(size.max() if kind in ("sphere", "head") else min(size))
                solids.append(Solid("sphere", (centre[0], centre[1] - d / 2, centre[2]), (d, d, d), colour))
            else:
                yaw = float(np.degrees(np.arctan2(m[0, 2], m[2, 2])))
                base = (centre[0], centre[1] - size[1] / 2, centre[2])
                solids.append(Solid(kind, base, tuple(float(v) for v in size), colour, yaw))
    return solids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="832x480")
    parser.add_argument("--raycast-frames", type=int, default=6, help="frames both renderers draw for the ratio")
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.split("x"))

    from engine.camera.interpolate import evaluate_sequence
    from engine.greybox.gl import run_gl
    from engine.greybox.scene import build_scene
    from engine.greybox.shots import GreyboxShots
    from engine.train import raycast

    project = bench_project()
    paths = evaluate_sequence(project)
    shots = GreyboxShots(project, paths, (w, h))
    renderer = shots.renderer
    frames = [(i, f) for i, p in enumerate(paths) for f in range(len(p))]
    print(f"{len(frames)} frames of {len(paths)} shots at {w}x{h}, {run_gl(lambda: renderer.ctx.info['GL_RENDERER'])}, "
          f"LP_NUM_THREADS={os.environ['LP_NUM_THREADS']}, cpus={sorted(os.sched_getaffinity(0))}")  # fmt: skip

    t0 = time.perf_counter()
    for i in range(len(paths)):
        shots.tracks(i)  # blocking and gait: once per shot
    scenes = [build_scene(shots.tracks(i), f) for i, f in frames]  # the first of a track's frames poses all of them
    build_s = (time.perf_counter() - t0) / len(frames)
    views = [shots.view(i, f) for i, f in frames]
    counts = [sum(len(s.arrays(k)[2]) for k in s.chunks) for s in scenes]

    def timed(passes, repeats=3):
        """Per-frame wall times of the best of ``repeats`` passes over every frame (the others lost
        time to whatever else the machine ran), and the best pass's mean CPU time a frame."""
        renderer.render(scenes[0], views[0], passes)  # warm: shaders, buffers
        runs, cpu = [], []
        for _ in range(repeats):
            times = []
            c0 = time.process_time()
            for scene, view in zip(scenes, views):
                t = time.perf_counter()
                renderer.render(scene, view, passes)
                times.append(time.perf_counter() - t)
            cpu.append((time.process_time() - c0) / len(scenes))
            runs.append(times)
        return min(runs, key=statistics.mean), min(cpu)

    beauty, beauty_cpu = timed(("beauty",))
    everything, all_cpu = timed(("beauty", "depth", "normal", "id"))
    beauty_fps = 1.0 / statistics.mean(beauty)
    all_fps = 1.0 / statistics.mean(everything)
    frame_fps = 1.0 / (statistics.mean(beauty) + build_s)

    # The ray caster on frames spread over the sequence; the grey-box on the same ones.
    picks = np.linspace(0, len(frames) - 1, args.raycast_frames).round().astype(int)
    room = raycast.Room(x=(-8.0, 8.0), z=(-6.0, 14.0), height=9.0, floor_rgb=(128, 128, 122), wall_rgb=(170, 178, 194))
    ray_times, gl_times = [], []
    for k in picks:
        solids = raycast_solids(scenes[k])
        t = time.perf_counter()
        raycast.render(views[k], room, solids)
        ray_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        renderer.render(scenes[k], views[k], ("beauty",))
        gl_times.append(time.perf_counter() - t)
    ratio = statistics.mean(ray_times) / statistics.mean(gl_times)

    print(f"set: {statistics.mean(counts):.0f} primitives a frame; building it {build_s * 1000:.2f} ms a frame")
    print(f"beauty, render only: {statistics.mean(beauty) * 1000:.2f} ms ({beauty_fps:.0f} fps; median {statistics.median(beauty) * 1000:.2f} ms); "
          f"CPU {beauty_cpu * 1000:.2f} ms ({1 / beauty_cpu:.0f} fps)")  # fmt: skip
    print(f"all passes (beauty, depth, normal, id), render only: {statistics.mean(everything) * 1000:.2f} ms ({all_fps:.0f} fps); "
          f"CPU {all_cpu * 1000:.2f} ms ({1 / all_cpu:.0f} fps)")  # fmt: skip
    print(f"beauty frame with the set built: {frame_fps:.0f} fps")
    print(f"ray caster: {statistics.mean(ray_times) * 1000:.0f} ms a frame on {len(picks)} frames; grey-box {statistics.mean(gl_times) * 1000:.2f} ms: x{ratio:.0f}")
    print(
        f"RESULT beauty_fps={beauty_fps:.1f} all_passes_fps={all_fps:.1f} frame_fps={frame_fps:.1f} "
        f"beauty_cpu_fps={1 / beauty_cpu:.1f} all_passes_cpu_fps={1 / all_cpu:.1f} build_ms={build_s * 1000:.2f} "
        f"raycast_ms={statistics.mean(ray_times) * 1000:.1f} speedup_vs_raycast={ratio:.1f} width={w} height={h}"
    )


if __name__ == "__main__":
    main()
