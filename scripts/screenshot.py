"""Screenshots of the bundled demo for the README (run under Xvfb): the main window, and beside
it the 3D viewport alone, looking through a shot's camera in pilot mode (docs/viewport.png,
docs/look-through.png), the main window in that grey-box look-through (docs/screenshot-greybox.png),
and the project settings dialog (docs/settings.png):

    xvfb-run -a -s "-screen 0 1920x1200x24" python scripts/screenshot.py docs/screenshot.png
"""

import sys
from pathlib import Path

from PySide6.QtCore import QTimer

from demo_window import demo_window

PLAN = """Shot 1: wide shot of Mara and Jonas, slow crane down.
Shot 2: over-the-shoulder on Jonas, slight push in.
Shot 3: close-up of Mara, arc left around her."""


def main(out: str) -> None:
    app, window = demo_window()
    doc = window.document
    window.planner.text.setPlainText(PLAN)
    window.planner.propose()
    doc.select(doc.project.shots[0].id, 1)
    window.preview.set_frame(40)

    def grab() -> None:
        window.grab().save(out)
        print(f"wrote {out}")
        import cv2

        folder = Path(out).parent
        vp = window.viewport
        cv2.imwrite(str(folder / "viewport.png"), vp.render()[..., 2::-1])
        print(f"wrote {folder / 'viewport.png'}")
        doc.select(doc.project.shots[3].id, -1)
        window.preview.set_frame(doc.project.shot_start_frames()[3] + 60)
        vp.set_look_through(True)
        cv2.imwrite(str(folder / "look-through.png"), vp.render()[..., 2::-1])
        print(f"wrote {folder / 'look-through.png'}")
        app.processEvents()
        window.grab().save(str(folder / "screenshot-greybox.png"))  # the app with the grey-box look-through
        print(f"wrote {folder / 'screenshot-greybox.png'}")
        from app.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(doc, window)
        dialog.show()
        app.processEvents()
        dialog.grab().save(str(folder / "settings.png"))
        print(f"wrote {folder / 'settings.png'}")
        dialog.close()
        window.document.undo_stack.setClean()
        app.quit()

    QTimer.singleShot(1500, grab)
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(Path("docs/screenshot.png")))
