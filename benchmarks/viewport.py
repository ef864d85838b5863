"""Viewport speed: from a key drag to the redrawn frame, 12 shots x 10 s at 24 fps (2,880 frames).

One drag step is what a mouse move does: the ray hits the ground plane, the document takes the
edit (inside the drag's gesture), the dragged shot's path is re-evaluated once in the document's
evaluated sequence and re-uploaded, and the canvas is drawn (glFinish, so the GPU — here Mesa's
llvmpipe — has finished). The reference, measured in the same run, is the old path: the whole
project validated through JSON on every edit, every shot's camera re-evaluated and every path
re-uploaded. Run under X (the app's real on-screen path):

    xvfb-run -a -s "-screen 0 1920x1200x24" python benchmarks/viewport.py [--moves 60] [--size 1280x720]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from PySide6.QtWidgets import QApplication


def sequence():
    from scipy.spatial.transform import Rotation

    from engine.project import CameraKey, Project, Shot, Subject

    rng = np.random.default_rng(7)
    subjects = [Subject(name="Mara", position=(-0.6, 0.0, 0.0), color="#d06040"), Subject(name="Jonas", position=(0.6, 0.0, 0.0), height=1.85, color="#4070d0")]
    shots = []
    for i in range(12):
        keys = []
        for k, frame in enumerate((0, 80, 160, 239)):
            angle = i * 0.5 + k * 0.3
            pos = (4.0 * np.sin(angle) + rng.normal(0, 0.2), 1.2 + 0.3 * k, 4.0 * np.cos(angle))
            quat = Rotation.from_euler("YX", [np.degrees(angle), -8.0], degrees=True).as_quat()
            keys.append(CameraKey(frame=frame, position=pos, orientation=tuple(quat)))
        shots.append(Shot(id=f"s{i}", name=f"Shot {i + 1}", duration=240, keys=keys))
    return Project(name="bench", subjects=subjects, shots=shots)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=60)
    parser.add_argument("--size", default="1280x720", help="viewport canvas in pixels, WxH")
    args = parser.parse_args()

    app = QApplication.instance() or QApplication([])
    from vispy.gloo import gl

    from app.document import Document
    from engine.camera import interpolate
    from engine.project import project_from_dict, project_to_dict
    from app.viewport3d.view_math import Orbit
    from app.viewport3d.viewport import KeyDrag, Viewport
    from app.viewport3d.picking import Hit

    doc = Document(sequence())
    vp = Viewport(doc)
    width, height = (int(v) for v in args.size.lower().split("x"))
    vp.resize(width, height)
    vp.show()
    for _ in range(20):
        app.processEvents()
    vp.set_orbit(Orbit(center=(0.0, 1.0, 0.0), azimuth=30.0, elevation=35.0, distance=14.0))
    if app.platformName() == "offscreen":
        raise SystemExit("run under X (xvfb-run): the benchmark times the on-screen draw")

    def draw() -> None:
        vp.canvas.set_current()
        vp.canvas.events.draw(region=None)
        gl.glFinish()

    shot, index = "s5", 2
    start = doc.shot(shot).keys[index]
    drag = KeyDrag(Hit("key", shot, index), start, False, np.zeros(3), np.asarray(start.position))
    doc.begin_gesture("Move key")

    validated = doc._validated

    def whole_project(after):  # the old Document.edit: the whole project through JSON, every edit
        return project_from_dict(project_to_dict(after))

    # Process CPU time per step (all threads: Python, Mesa's rasterizer threads): the work done,
    # which a busy shared machine inflates far less than the wall clock.
    cpu_ours: list[float] = []
    cpu_naive: list[float] = []

    def step(i: int, naive: bool) -> float:
        phase = i / 5 + (0.1 if naive else 0.0)  # every step a new position, or the edit is a no-op
        point = np.asarray(start.position) + [0.5 * np.sin(phase), 0.0, 0.5 * np.cos(phase)]
        doc._validated = whole_project if naive else validated
        t0, c0 = time.perf_counter(), time.process_time()
        if naive:
            doc.sequence.invalidate()  # every view evaluating every shot for itself
            interpolate._ROTATION_MEMO.clear()  # from scratch, as before the rotation memo
            vp._rebuild = True  # and re-uploading every path
        vp._apply_drag(drag, point)
        draw()
        (cpu_naive if naive else cpu_ours).append(time.process_time() - c0)
        return time.perf_counter() - t0

    for i in range(10):  # warm up: shaders compiled, buffers allocated
        step(i, False)
        step(i, True)
    ours, naive = [], []
    cpu_ours.clear()
    cpu_naive.clear()
    for i in range(args.moves):
        ours.append(step(i, False))
        naive.append(step(i, True))
    doc.end_gesture()

    t_draw = []
    for _ in range(30):
        t0 = time.perf_counter()
        draw()
        t_draw.append(time.perf_counter() - t0)

    ms = lambda xs: 1000 * statistics.median(xs)  # noqa: E731
    print(f"12 shots x 240 frames, canvas {tuple(vp.canvas.size)}, GL: {gl.glGetParameter(gl.GL_RENDERER)}")
    print(f"drag -> redrawn frame (ours, one shot re-evaluated): {ms(ours):.2f} ms median, {1000 * max(ours):.2f} ms worst")
    print(f"drag -> redrawn frame (old path: whole-project validation, every shot re-evaluated): {ms(naive):.2f} ms median")
    print(f"draw alone: {ms(t_draw):.2f} ms")
    print(f"process CPU per step: ours {ms(cpu_ours):.2f} ms, old path {ms(cpu_naive):.2f} ms")
    print(
        f"RESULT drag_ms={ms(ours):.2f} naive_ms={ms(naive):.2f} draw_ms={ms(t_draw):.2f} ratio={ms(naive) / ms(ours):.2f} "
        f"cpu_ms={ms(cpu_ours):.2f} naive_cpu_ms={ms(cpu_naive):.2f}"
    )
    vp.close()


if __name__ == "__main__":
    main()
