"""Rigs in the viewport drag: a key drag on a sequence whose every shot is on a rig, against the same
drag with no rigs, measured in the same run (the reference).

benchmarks/viewport.py's sequence (12 shots x 10 s at 24 fps) twice: as it is, and with its shots put
on a dolly track, a crane, a tripod and a Steadicam in turn (each fitted to the shot's camera, as the
inspector's rig panel does). One drag step is a mouse move on a key of shot 6 (a crane when rigged):
the document snaps the key onto the rig, the shot is evaluated in rig space, the path and the rig
layer follow and the canvas is drawn (glFinish). Run under X:

    xvfb-run -a -s "-screen 0 1920x1200x24" python benchmarks/rigs.py [--moves 60] [--size 1280x720]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from PySide6.QtWidgets import QApplication

from viewport import sequence

KINDS = ("dolly", "crane", "tripod", "steadicam")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=60)
    parser.add_argument("--size", default="1280x720", help="viewport canvas in pixels, WxH")
    args = parser.parse_args()

    app = QApplication.instance() or QApplication([])
    if app.platformName() == "offscreen":
        raise SystemExit("run under X (xvfb-run): the benchmark times the on-screen draw")
    from vispy.gloo import gl

    from app.document import Document
    from app.viewport3d.picking import Hit
    from app.viewport3d.view_math import Orbit
    from app.viewport3d.viewport import KeyDrag, Viewport

    plain = Document(sequence())
    rigged = Document(sequence())
    for i, shot in enumerate(rigged.project.shots):
        rigged.set_rig(shot.id, KINDS[i % len(KINDS)])  # shot 6 ("s5") on a crane
    rigged.undo_stack.clear()
    width, height = (int(v) for v in args.size.lower().split("x"))
    views = {}
    for name, doc in (("plain", plain), ("rigged", rigged)):
        vp = Viewport(doc)
        vp.resize(width, height)
        vp.show()
        vp.set_orbit(Orbit(center=(0.0, 1.0, 0.0), azimuth=30.0, elevation=35.0, distance=14.0))
        views[name] = vp
    for _ in range(20):
        app.processEvents()

    shot, index = "s5", 2
    drags = {}
    for name, vp in views.items():
        start = vp.document.shot(shot).keys[index]
        drags[name] = (KeyDrag(Hit("key", shot, index), start, False, np.zeros(3), np.asarray(start.position)), start)
        vp.document.begin_gesture("Move key")

    def step(name: str, i: int) -> float:
        vp = views[name]
        drag, start = drags[name]
        point = np.asarray(start.position) + [0.5 * np.sin(i / 5), 0.0, 0.5 * np.cos(i / 5)]
        t0 = time.perf_counter()
        vp._apply_drag(drag, point)
        vp.canvas.set_current()
        vp.canvas.events.draw(region=None)
        gl.glFinish()
        return time.perf_counter() - t0

    for i in range(10):  # warm up
        step("plain", i)
        step("rigged", i)
    times = {"plain": [], "rigged": []}
    uploads = views["rigged"].rigs.uploads
    for i in range(args.moves):
        times["plain"].append(step("plain", i))
        times["rigged"].append(step("rigged", i))
    uploads = views["rigged"].rigs.uploads - uploads
    for vp in views.values():
        vp.document.end_gesture()

    draws = {"plain": [], "rigged": []}
    for _ in range(30):  # the canvas alone, nothing edited: what the rig layer's one visual costs to draw
        for name, vp in views.items():
            t0 = time.perf_counter()
            vp.canvas.set_current()
            vp.canvas.events.draw(region=None)
            gl.glFinish()
            draws[name].append(time.perf_counter() - t0)
    ms = {k: 1000 * statistics.median(v) for k, v in times.items()}
    draw_ms = {k: 1000 * statistics.median(v) for k, v in draws.items()}
    print(f"12 shots x 240 frames, canvas {tuple(views['plain'].canvas.size)}, GL: {gl.glGetParameter(gl.GL_RENDERER)}")
    print(f"drag -> redrawn frame, no rigs: {ms['plain']:.2f} ms median")
    print(f"drag -> redrawn frame, every shot on a rig (a crane key dragged): {ms['rigged']:.2f} ms median, "
          f"rig geometry sent {uploads} times in {args.moves} moves")
    print(f"draw alone: {draw_ms['plain']:.2f} ms without rigs, {draw_ms['rigged']:.2f} ms with them")
    print(f"RESULT rigged_ms={ms['rigged']:.2f} plain_ms={ms['plain']:.2f} ratio={ms['rigged'] / ms['plain']:.2f} rig_uploads={uploads} "
          f"draw_rigged_ms={draw_ms['rigged']:.2f} draw_plain_ms={draw_ms['plain']:.2f}")
    for vp in views.values():
        vp.close()


if __name__ == "__main__":
    main()
