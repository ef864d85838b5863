"""Screenshot of the Render tab while the bundled DiT renders the demo (run under Xvfb): the engine
the app starts, the dit backend, the per-shot progress bars, and the streamed preview with the
grey-box control beside the picture (docs/render-tab.png):

    xvfb-run -a -s "-screen 0 1920x1200x24" python scripts/render_tab_screenshot.py docs/render-tab.png
"""

import sys
from pathlib import Path

from PySide6.QtCore import QTimer

from demo_window import demo_window


def main(out: str) -> None:
    app, window = demo_window()
    panel = window.render_panel
    window.docks["Render"].raise_()
    panel._connected(panel.connection.ensure())  # the engine Shotline starts (none answers at the URL)
    panel.backend.setCurrentIndex(panel.backend.findData("dit"))
    panel.width_box.setValue(480)
    seen = {"previews": 0}

    def on_event(event: dict) -> None:
        if event["type"] == "progress" and "preview" in event:
            seen["previews"] += 1
            if seen["previews"] == 3:  # a few steps in: the picture has begun to form beside its control
                QTimer.singleShot(300, grab)
        elif event["type"] in ("error", "done", "cancelled"):
            print(event, file=sys.stderr)

    def grab() -> None:
        window.grab().save(out)
        print(f"wrote {out}")
        panel.cancel()
        QTimer.singleShot(500, finish)

    def finish() -> None:
        window.document.undo_stack.setClean()
        panel.connection.shutdown()
        app.quit()

    panel.connection.event.connect(on_event)
    panel.render()
    QTimer.singleShot(300_000, finish)  # never hang a script run
    app.exec()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(args[0] if args else str(Path("docs/render-tab.png")))
