"""The main window on the kitchen demo with focus racked from Ben to Ana in "OTS on Ana": the
look-through (its caption says focus and stop), the grey-box preview with depth of field, the
inspector's focus panel and the focus curve (docs/screenshot-focus.png, docs/look-through-focus.png):

    xvfb-run -a -s "-screen 0 1920x1200x24" python scripts/focus_screenshot.py docs/screenshot-focus.png
"""

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from focus_images import racked_kitchen

FRAME = 40  # in the rack, Ana coming sharp


def main(out: str) -> None:
    folder = tempfile.mkdtemp()
    os.environ["SHOTLINE_STATE_DIR"] = folder
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, folder)
    app = QApplication(sys.argv[:1])
    from app.ui.main_window import MainWindow

    project, index, _ = racked_kitchen()
    window = MainWindow(project, None)
    window.resize(1600, 1000)
    window.show()
    doc = window.document
    shot = doc.project.shots[index]
    key = next(i for i, k in enumerate(shot.keys) if k.focus_subject == "Ana")
    doc.select(shot.id, key)
    doc.seek(doc.project.shot_start_frames()[index] + FRAME)

    def grab() -> None:
        import cv2

        vp = window.viewport
        vp.set_look_through(True)
        window.preview.set_frame(doc.project.shot_start_frames()[index] + FRAME)
        scroll = window.docks["Inspector"].widget()
        scroll.ensureWidgetVisible(window.inspector.focus_panel, 0, 0)
        scroll.horizontalScrollBar().setValue(0)
        app.processEvents()
        window.grab().save(out)
        print(f"wrote {out}")
        target = Path(out).parent / "look-through-focus.png"
        cv2.imwrite(str(target), vp.render()[..., 2::-1])
        print(f"wrote {target}")
        doc.undo_stack.setClean()
        app.quit()

    QTimer.singleShot(1500, grab)
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot-focus.png")
