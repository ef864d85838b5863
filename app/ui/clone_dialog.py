"""File > Clone Camera from Video…: a reference clip cloned into shots on a worker thread.

The clone runs in ``engine.clone.clone.clone_video`` on a plain thread (as ``app.engine_client``
runs its requests); its progress and result come back through Qt signals, so the window stays
live and Cancel stops the work at its next step. The result is accepted like a plan: it replaces
every shot, or goes in after the selected one, as one undo step.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from app.document import Document
from engine.camera.framing import PERSON_SIZES, SHOT_SIZES
from engine.errors import ShotlineError

STAGES = {"decode": (0, 20), "cuts": (20, 25), "solve": (25, 95), "describe": (95, 99), "done": (100, 100)}


class CloneWorker(QObject):
    progress = Signal(str, int)  # stage, percent
    finished = Signal(object)  # CloneResult
    failed = Signal(str)  # one line
    cancelled = Signal()

    def __init__(self):
        super().__init__()
        self._stop = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self, video: Path, project, subject: str | None, focal_mm: float | None, size: str | None = None) -> None:
        self._stop.clear()
        self.thread = threading.Thread(target=self._run, args=(video, project, subject, focal_mm, size), daemon=True)
        self.thread.start()

    def cancel(self) -> None:
        self._stop.set()

    def _run(self, video, project, subject, focal_mm, size) -> None:
        from engine.clone.clone import Cancelled, clone_video

        def progress(stage: str, fraction: float) -> None:
            lo, hi = STAGES.get(stage, (0, 100))
            self.progress.emit(stage, int(lo + (hi - lo) * fraction))

        try:
            result = clone_video(video, project, subject, focal_mm, progress=progress, cancel=self._stop.is_set, size=size)
        except Cancelled:
            self.cancelled.emit()
        except ShotlineError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - a worker must report, never die silently
            self.failed.emit(f"{video}: {exc.__class__.__name__}: {exc}")
        else:
            self.finished.emit(result)


class CloneDialog(QDialog):
    """Options, progress with Cancel, and Accept (replace or insert) for one reference clip."""

    accepted_shots = Signal(int)

    def __init__(self, document: Document, video: Path, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Clone Camera from {Path(video).name}")
        self.document, self.video, self.result = document, Path(video), None
        form = QFormLayout()
        self.subject = QComboBox()
        names = [s.name for s in document.project.subjects]
        self.subject.addItems(names or ["(a default subject at the origin)"])
        self.subject.setEnabled(bool(names))
        self.focal = QDoubleSpinBox()
        self.focal.setRange(0.0, 2000.0)
        self.focal.setSpecialValueText("unknown (self-calibrate)")
        self.focal.setSuffix(" mm")
        self.size = QComboBox()
        self.size.addItem("Not known: start at a medium shot", None)
        for code in PERSON_SIZES:
            self.size.addItem(f"{SHOT_SIZES[code].words} ({code})", code)
        self.size.setToolTip("How close the reference's first frame is on its subject: a clip has no scale of its own")
        self.mode = QComboBox()
        self.mode.addItems(["Replace all shots", "Insert after the selected shot"])
        form.addRow("Subject", self.subject)
        form.addRow("Focal length of the reference", self.focal)
        form.addRow("Shot size of the reference", self.size)
        form.addRow("Result", self.mode)
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.status = QLabel("Choose the options, then Clone.")
        self.status.setWordWrap(True)
        self.report = QLabel("")
        self.report.setWordWrap(True)
        self.run_button = QPushButton("Clone")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.buttons = QDialogButtonBox()
        self.accept_button = self.buttons.addButton("Accept", QDialogButtonBox.ButtonRole.AcceptRole)
        self.accept_button.setEnabled(False)
        self.buttons.addButton(self.run_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addWidget(self.report)
        layout.addWidget(self.buttons)
        self.worker = CloneWorker()
        self.worker.progress.connect(self._progress)
        self.worker.finished.connect(self._finished)
        self.worker.failed.connect(self._failed)
        self.worker.cancelled.connect(self._cancelled)
        self.run_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.worker.cancel)
        self.accept_button.clicked.connect(self.accept_result)
        close.clicked.connect(self.reject)

    def start(self) -> None:
        self.result = None
        self.accept_button.setEnabled(False)
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.status.setText("Cloning …")
        subject = self.subject.currentText() if self.subject.isEnabled() else None
        focal = self.focal.value() or None
        self.worker.start(self.video, self.document.project, subject, focal, self.size.currentData())

    def _progress(self, stage: str, percent: int) -> None:
        self.bar.setValue(percent)
        self.status.setText(f"Cloning: {stage} …")

    def _done(self) -> None:
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _finished(self, result) -> None:
        self._done()
        self.result = result
        self.bar.setValue(100)
        lines = [result.focal_text, *result.messages] + [f"{s.name} ({s.size or '?'}): {s.prompt}" for s in result.project.shots]
        lines.append("The clip plays beside the preview, in step with these shots (Reference beside / inset under the preview).")
        if result.fps != self.document.project.fps:
            lines.append(f"The clip runs at {result.fps:g} fps, the project at {self.document.project.fps:g}: durations are the clip's frames.")
        self.status.setText(f"{len(result.project.shots)} shots cloned. Accept puts them in as one undo step.")
        self.report.setText("\n".join(lines))
        self.accept_button.setEnabled(True)

    def _failed(self, message: str) -> None:
        self._done()
        self.status.setText(f"Could not clone: {message}")

    def _cancelled(self) -> None:
        self._done()
        self.bar.setValue(0)
        self.status.setText("Cancelled; nothing was changed.")

    def accept_result(self) -> None:
        if self.result is None:
            return
        doc, shots = self.document, self.result.project.shots
        subjects = self.result.project.subjects
        if self.mode.currentIndex() == 0 or not doc.project.shots:
            doc.replace_shots(shots, subjects, "Clone camera from video")
        else:
            at = doc.shot_index(doc.selected_shot) + 1 if doc.selected_shot else len(doc.project.shots)
            existing = doc.project.shots
            doc.replace_shots(existing[:at] + shots + existing[at:], subjects, "Insert cloned shots")
        doc.select(shots[0].id, -1)
        self.accepted_shots.emit(len(shots))
        self.accept()

    def reject(self) -> None:
        self.worker.cancel()
        super().reject()
