"""Look-through speed: a pilot drag in the viewport's look-through, from the mouse move to the
redrawn frame with the shot camera's grey-box picture, on the rooftop demo (2 people, 10 set pieces).

One step is what a mouse move in pilot mode does: the key at the playhead turns (inside the drag's
gesture), the shot is re-evaluated once, the grey-box picture is rendered through the new camera
(draft size: ``DRAFT_SCALE`` of the delivery frame) and uploaded, and the canvas is drawn (glFinish).
The reference, in the same run, is the same step with the picture at full size (what the look-through
shows once the mouse is released). Run under X (the app's on-screen path):

    xvfb-run -a -s "-screen 0 1920x1200x24" python benchmarks/look_through.py [--moves 40] [--size 1280x720]
"""

from __future__ import annotations

import argparse
import statistics
import time

from PySide6.QtWidgets import QApplication


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=40)
    parser.add_argument("--size", default="1280x720", help="viewport canvas in pixels, WxH")
    args = parser.parse_args()

    app = QApplication.instance() or QApplication([])
    from vispy.gloo import gl

    import app.viewport3d.look_through_picture as picture
    from app.document import Document
    from app.viewport3d.viewport import Viewport
    from engine.camera.pilot import PilotMove
    from engine.demo import build_demo_project

    doc = Document(build_demo_project())
    vp = Viewport(doc)
    width, height = (int(v) for v in args.size.lower().split("x"))
    vp.resize(width, height)
    vp.show()
    for _ in range(20):
        app.processEvents()
    if app.platformName() == "offscreen":
        raise SystemExit("run under X (xvfb-run): the benchmark times the on-screen draw")
    doc.seek(doc.project.shot_start_frames()[1] + 30)  # the over-the-shoulder: both people in frame
    vp.set_look_through(True)

    def draw() -> None:
        vp.canvas.set_current()
        vp.canvas.events.draw(region=None)
        gl.glFinish()

    spent = {"picture": 0.0}
    show = vp.picture.show

    def timed_show(*a, **k):  # the picture's own share of a step: render, read back, upload
        t = time.perf_counter()
        out = show(*a, **k)
        spent["picture"] += time.perf_counter() - t
        return out

    vp.picture.show = timed_show

    # Process CPU time per step (all threads: Python, the grey-box GL thread, Mesa's rasterizer
    # threads): the work done, which a busy shared machine inflates far less than the wall clock.
    cpu: dict[float, list[float]] = {0.5: [], 1.0: []}

    def step(i: int, scale: float) -> float:
        picture.DRAFT_SCALE = scale
        t0, c0 = time.perf_counter(), time.process_time()
        vp.pilot(PilotMove(pan=0.4 if (i // 10) % 2 == 0 else -0.4, tilt=0.1))
        draw()
        cpu[scale].append(time.process_time() - c0)
        return time.perf_counter() - t0

    doc.begin_gesture("Pilot camera")
    vp._nav = ("pilot", None, vp.orbit)  # what a press in the look-through sets: a drag is under way
    for i in range(6):  # warm: shaders, buffers, the tracks of the shot's people
        step(i, 0.5)
        step(i, 1.0)
    draft, full, pic_draft, pic_full = [], [], [], []
    cpu[0.5].clear()
    cpu[1.0].clear()
    for i in range(args.moves):
        spent["picture"] = 0.0
        draft.append(step(i, 0.5))
        pic_draft.append(spent["picture"])
        spent["picture"] = 0.0
        full.append(step(i, 1.0))
        pic_full.append(spent["picture"])
    vp._nav = None
    doc.end_gesture()

    ms = lambda xs: 1000 * statistics.median(xs)  # noqa: E731
    size = vp.picture.size
    print(f"canvas {tuple(vp.canvas.size)}, picture {size} full size, GL (viewport): {gl.glGetParameter(gl.GL_RENDERER)}")
    print(f"pilot drag -> redrawn look-through, draft picture (half size): {ms(draft):.2f} ms median, {1000 * max(draft):.2f} ms worst")
    print(f"same step with the full-size picture: {ms(full):.2f} ms median")
    print(f"the picture's share (render, read back, upload): draft {ms(pic_draft):.2f} ms, full size {ms(pic_full):.2f} ms")
    print(f"process CPU per step: draft {ms(cpu[0.5]):.2f} ms, full size {ms(cpu[1.0]):.2f} ms")
    print(
        f"RESULT drag_ms={ms(draft):.2f} full_ms={ms(full):.2f} ratio={ms(full) / ms(draft):.2f} "
        f"picture_draft_ms={ms(pic_draft):.2f} picture_full_ms={ms(pic_full):.2f} width={width} height={height} "
        f"cpu_ms={ms(cpu[0.5]):.2f} full_cpu_ms={ms(cpu[1.0]):.2f}"
    )
    vp.close()


if __name__ == "__main__":
    main()
