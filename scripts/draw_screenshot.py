"""Screenshot of draw mode for the README (run under Xvfb): on the bundled demo, a hand-drawn stroke
(wobbly, as a mouse leaves it) round behind Mara onto Jonas, aimed at Jonas, and the path fitted to
it, with what the move reads as:

    xvfb-run -a -s "-screen 0 1920x1200x24" python scripts/draw_screenshot.py docs/draw-path.png

The stroke is sent as mouse events through the real viewport, 12 ms apart like a hand's.
"""

import sys
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from demo_window import demo_window

LEFT = Qt.MouseButton.LeftButton


def _send(widget, kind, px, button, buttons) -> None:
    pos = QPointF(float(px[0]), float(px[1]))
    event = QMouseEvent(kind, pos, QPointF(widget.mapToGlobal(pos.toPoint())), button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def main(out: str) -> None:
    app, window = demo_window()
    from app.viewport3d.view_math import Orbit
    doc, vp = window.document, window.viewport

    def draw() -> None:
        shot = doc.project.shots[2]  # "Reverse on Jonas": redrawn as a move round behind Mara onto Jonas
        doc.select(shot.id, -1)
        doc.seek(doc.project.shot_start_frames()[2] + shot.duration - 1)
        vp.set_orbit(Orbit(center=(-0.6, 0.8, 0.6), azimuth=20.0, elevation=58.0, distance=8.5))
        vp.draw_bar.draw_action.trigger()
        vp.draw.set_aim("subject", subject="Jonas")
        vp.draw_bar.load()
        rng = np.random.default_rng(4)
        theta = np.linspace(np.deg2rad(-200.0), np.deg2rad(-60.0), 40)
        mara = np.array([-0.9, 0.0, 0.0])
        r = 1.6 + 0.03 * np.cumsum(rng.normal(0, 0.3, 40))  # the hand wanders a few centimetres
        stroke = mara + np.stack([r * np.cos(theta), np.full(40, 1.6), -r * np.sin(theta)], axis=1)
        pixels = [vp.pixel_of(p) for p in stroke]
        widget = vp.canvas.native
        _send(widget, QEvent.Type.MouseButtonPress, pixels[0], LEFT, LEFT)
        for px in pixels[1:]:
            QTest.qWait(12)
            _send(widget, QEvent.Type.MouseMove, px + rng.normal(0, 0.6, 2), Qt.MouseButton.NoButton, LEFT)
        _send(widget, QEvent.Type.MouseButtonRelease, pixels[-1], LEFT, Qt.MouseButton.NoButton)
        print(f"drawn: {vp.draw.last_description}; {len(doc.shot(shot.id).keys)} keys")
        QTimer.singleShot(500, grab)

    def grab() -> None:
        vp.grab().save(out)  # the draw bar and the canvas
        print(f"wrote {out}")
        doc.undo_stack.setClean()
        app.quit()

    QTimer.singleShot(1500, draw)
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(Path("docs/draw-path.png")))
