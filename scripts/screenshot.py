"""Screenshots of the bundled demo for the README (run under Xvfb): the main window, and beside
it the 3D viewport alone, looking through a shot's camera in pilot mode (docs/viewport.png,
docs/look-through.png), the main window in that grey-box look-through (docs/screenshot-greybox.png),
and the project settings dialog (docs/settings.png):

    xvfb-run -a -s "-screen 0 1920x1200x24" python scripts/screenshot.py docs/screenshot.png

With ``--crane`` it writes only docs/crane.png: the demo's wide shot on a crane (swinging round and
booming up over the rooftop), its rig in the viewport and the rig panel in the inspector:

    xvfb-run -a -s "-screen 0 1920x1200x24" python scripts/screenshot.py docs/crane.png --crane
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


def crane(out: str) -> None:
    """The wide shot put on a crane through the document, as the inspector's rig panel does it."""
    import numpy as np

    from engine.camera.rigs.evaluate import key_at_channels, key_channels

    app, window = demo_window()
    doc = window.document
    shot = doc.project.shots[0]
    doc.select(shot.id, -1)
    while len(doc.shot(shot.id).keys) > 2:  # a crane move from its first key to its last
        doc.delete_key(shot.id, 1)
    doc.set_rig(shot.id, "crane")
    doc.set_rig_fields(shot.id, height=2.2, arm=4.5)
    shot = doc.shot(shot.id)
    last = len(shot.keys) - 1
    start = key_channels(shot, shot.keys[0])
    for index, (swing, boom) in ((0, (start[0], -12.0)), (last, (start[0] + 35.0, 38.0))):
        key = key_at_channels(shot, shot.keys[index], [swing, boom]).model_copy(update={"look_at": "Mara", "look_at_height": 0.9})
        doc.set_key(shot.id, index, key, "Crane key")
        shot = doc.shot(shot.id)
    doc.select(shot.id, last)
    window.preview.set_frame(shot.duration - 1)
    vp = window.viewport
    rig = shot.rig
    path = doc.camera(shot)
    vp._fit(np.concatenate([path.positions, [rig.pivot, np.asarray(rig.base, float)]]))
    vp.set_orbit(vp.orbit.orbited(-70.0, -12.0).zoomed(0.8))
    scroll = window.inspector.parentWidget()
    while scroll is not None and not hasattr(scroll, "ensureWidgetVisible"):
        scroll = scroll.parentWidget()
    if scroll is not None:  # the inspector's rig panel, not its first rows
        scroll.ensureWidgetVisible(window.inspector.rig_panel, 0, 0)

    def grab() -> None:
        if "--viewport" in sys.argv:
            import cv2

            cv2.imwrite(out.replace(".png", "-viewport.png"), vp.render()[..., 2::-1])
        window.grab().save(out)
        print(f"wrote {out}")
        window.document.undo_stack.setClean()
        app.quit()

    QTimer.singleShot(1500, grab)
    app.exec()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--crane" in sys.argv:
        crane(args[0] if args else str(Path("docs/crane.png")))
    else:
        main(args[0] if args else str(Path("docs/screenshot.png")))
