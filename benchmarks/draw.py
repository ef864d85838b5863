"""What releasing a drawn stroke costs, and how well the keys fit it.

The stroke -> keys step (smooth, time, aim, bake_keys) runs once on the mouse release; the reference
measured in the same run is one evaluation of the resulting shot (what every view then does anyway).
The fit: a 240-point half circle of radius 3 m with 1 cm of hand jitter, aimed at the subject, on
shots of 4 s and 20 s: how many keys, and how far the evaluated keys stray from the true circle.

    python benchmarks/draw.py
"""

import statistics
import time

import numpy as np

from engine.camera.interpolate import evaluate_shot
from engine.camera.stroke import Stroke, draw_on_shot
from engine.project import CameraKey, Project, Shot, Subject


def main() -> None:
    rng = np.random.default_rng(0)
    theta = np.linspace(0.0, np.pi, 240)
    pts = np.stack([3 * np.sin(theta), np.full(240, 1.6), 3 * np.cos(theta)], axis=1)
    pts[:, [0, 2]] += rng.normal(0, 0.01, (240, 2))
    stroke = Stroke.of(pts, np.linspace(0, 2, 240))
    out = {}
    for frames in (96, 480):
        shot = Shot(id="s", name="S", duration=frames, keys=[CameraKey(frame=0, position=(0.0, 1.6, 5.0))])
        project = Project(subjects=[Subject(name="Mara")], shots=[shot])
        old = evaluate_shot(project, shot)
        fit, ev = [], []
        for _ in range(7):
            t0 = time.perf_counter()
            new, drawn = draw_on_shot(project, shot, old, stroke, aim="subject", subject="Mara", timing="even")
            fit.append(time.perf_counter() - t0)
            after = project.model_copy(update={"shots": [new]})
            t0 = time.perf_counter()
            path = evaluate_shot(after, new)
            ev.append(time.perf_counter() - t0)
        err = np.abs(np.hypot(path.positions[:, 0], path.positions[:, 2]) - 3.0).max()
        ms_fit, ms_ev = 1000 * statistics.median(fit), 1000 * statistics.median(ev)
        print(f"{frames} frames: stroke -> {len(new.keys)} keys in {ms_fit:.1f} ms (one evaluation {ms_ev:.1f} ms), "
              f"max distance from the true circle {100 * err:.2f} cm")
        out[frames] = (ms_fit, ms_ev, len(new.keys), err)
    a, b = out[96], out[480]
    print(f"RESULT fit_ms_96={a[0]:.1f} eval_ms_96={a[1]:.1f} ratio_96={a[0] / a[1]:.1f} keys_96={a[2]} err_cm_96={100 * a[3]:.2f} "
          f"fit_ms_480={b[0]:.1f} ratio_480={b[0] / b[1]:.1f} keys_480={b[2]} err_cm_480={100 * b[3]:.2f}")


if __name__ == "__main__":
    main()
