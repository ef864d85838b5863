"""The timeline with a sound track (waveform under the clips, beats on the ruler) after Cut on Beat,
for the README (run under Xvfb):

    xvfb-run -a -s "-screen 0 1920x1200x24" python scripts/screenshot_audio.py docs/timeline_audio.png
"""

import os
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication


def music(path: Path, bpm: float = 112.0, seconds: float = 20.0, rate: int = 22050) -> None:
    """A kick on every beat, a hat between, a bass note per bar: enough to see and to track."""
    t = np.arange(int(seconds * rate)) / rate
    y = 0.15 * np.sin(2 * np.pi * 55 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * t * bpm / 240))
    beat = 60 / bpm
    for k, b in enumerate(np.arange(0, seconds, beat / 2)):
        i = int(b * rate)
        n = min(int(0.12 * rate), len(y) - i)
        tt = np.arange(n) / rate
        if k % 2 == 0:  # kick
            y[i : i + n] += 0.8 * np.sin(2 * np.pi * (120 - 300 * tt) * tt) * np.exp(-tt * 30)
        else:  # hat
            y[i : i + n] += 0.2 * np.random.default_rng(k).standard_normal(n) * np.exp(-tt * 120)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(y, -1, 1) * 32767).astype("<i2").tobytes())


def main(out: str) -> None:
    folder = Path(tempfile.mkdtemp())
    os.environ["SHOTLINE_STATE_DIR"] = str(folder)
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(folder))
    app = QApplication(sys.argv[:1])
    from app.ui import sound_and_paper
    from app.ui.main_window import MainWindow
    from engine.demo import build_demo_project
    from engine.project import save_project

    music(folder / "music.wav")
    save_project(build_demo_project(), folder / "rooftop.shotline")
    from engine.project import load_project

    window = MainWindow(load_project(folder / "rooftop.shotline"), folder / "rooftop.shotline")
    window.resize(1600, 1000)
    window.show()
    sound_and_paper.import_audio(window, folder / "music.wav")
    sound_and_paper.cut_on_beat(window, selected_only=False)
    timeline = window.timeline
    timeline.show_frames(0, window.document.project.total_frames)

    def grab() -> None:
        if timeline.audio.busy:
            QTimer.singleShot(300, grab)
            return
        timeline.grab().save(out)
        print(f"wrote {out}")
        window.document.undo_stack.setClean()
        app.quit()

    QTimer.singleShot(800, grab)
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/timeline_audio.png")
