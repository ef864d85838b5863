"""Screenshot of the main window on the bundled demo, for the README (run under Xvfb):

    xvfb-run -a -s "-screen 0 1920x1200x24" python scripts/screenshot.py docs/screenshot.png
"""

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

PLAN = """Shot 1: wide shot of Mara and Jonas, slow crane down.
Shot 2: over-the-shoulder on Jonas, slight push in.
Shot 3: close-up of Mara, arc left around her."""


def main(out: str) -> None:
    # A fresh settings folder, so the shot shows the default layout, not this machine's.
    folder = tempfile.mkdtemp()
    os.environ["SHOTLINE_STATE_DIR"] = folder
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, folder)
    app = QApplication(sys.argv[:1])
    from app.main import load_for_window
    from app.ui.main_window import MainWindow

    window = MainWindow(*load_for_window(None))
    window.resize(1600, 1000)
    window.show()
    doc = window.document
    window.planner.text.setPlainText(PLAN)
    window.planner.propose()
    doc.select(doc.project.shots[0].id, 1)
    window.preview.set_frame(40)

    def grab() -> None:
        window.grab().save(out)
        print(f"wrote {out}")
        window.document.undo_stack.setClean()
        app.quit()

    QTimer.singleShot(1500, grab)
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(Path("docs/screenshot.png")))
