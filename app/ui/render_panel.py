"""The render panel: send the sequence to the engine and watch it come back.

Choose the backend and model the engine offers, the size, steps and seed; Render submits every shot
(autosaving first: a render is the crash-prone part), Cancel stops the job at its next step. Each
shot shows its own progress bar; the latest preview frame is shown as it streams; finished shots
land on the timeline as rendered clips and play beside the grid preview. Errors are said plainly.
"""

from __future__ import annotations

import base64
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.autosave import state_dir
from app.document import Document
from app.engine_client import EngineConnection
from engine.errors import ShotlineError
from engine.interchange.renders import record_render
from engine.server.client import DEFAULT_URL
from engine.render.request import request_from_project


def renders_folder(document: Document) -> Path:
    """Where rendered clips are kept: beside the project (NAME.renders/), else in the state folder."""
    if document.path is not None:
        return document.path.with_name(f"{document.path.stem}.renders")
    return state_dir() / "renders"


class RenderPanel(QWidget):
    def __init__(self, document: Document, connection: EngineConnection | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        url = str(QSettings("Shotline", "Shotline").value("engine/url", DEFAULT_URL))
        self.connection = connection or EngineConnection(url, parent=self)
        self.job_shots: list = []  # the shots as submitted, so each result goes to the right shot
        self.bars: list[QProgressBar] = []

        self.url = QLineEdit(self.connection.url)
        self.url.editingFinished.connect(self._url_changed)
        self.backend = QComboBox()
        self.backend.currentTextChanged.connect(self._fill_models)
        self.model = QComboBox()
        self.width_box = QSpinBox()
        self.width_box.setRange(16, 2048)
        self.width_box.setSingleStep(32)
        self.width_box.setValue(832)
        self.steps = QSpinBox()
        self.steps.setRange(1, 1000)
        self.steps.setValue(30)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.render_button = QPushButton("Render")
        self.render_button.clicked.connect(self.render)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.status = QLabel("Engine: not connected")
        self.status.setWordWrap(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #e06040")
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumHeight(90)
        self.bars_box = QVBoxLayout()

        form = QFormLayout()
        form.addRow("Engine", self.url)
        form.addRow("Backend", self.backend)
        form.addRow("Model", self.model)
        form.addRow("Width", self.width_box)
        form.addRow("Steps", self.steps)
        form.addRow("Seed", self.seed)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        row = QHBoxLayout()
        row.addWidget(self.render_button)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addLayout(self.bars_box)
        layout.addWidget(self.preview, 1)

        self.connection.connected.connect(self._connected)
        self.connection.event.connect(self.on_event)
        self.connection.failed.connect(self._failed)
        self.health: dict = {}

    # -- engine --------------------------------------------------------------------------------

    def _url_changed(self) -> None:
        url = self.url.text().strip() or DEFAULT_URL
        if url != self.connection.url:
            self.connection.url = url
            self.connection.client = None
            QSettings("Shotline", "Shotline").setValue("engine/url", url)

    def _connected(self, health: dict) -> None:
        self.health = health
        where = self.connection.client.url if self.connection.client else self.connection.url
        started = " (started by Shotline)" if self.connection.local is not None else ""
        self.status.setText(f"Engine {health.get('version', '?')} at {where}{started}, on {health.get('device', '?')}")
        current = self.backend_name()
        not_ready = health.get("not_ready", {})
        # Backends that can render come first, the instant grid before them all (the default); one
        # without a model says why on hover.
        names = sorted(health.get("backends", []), key=lambda n: (n in not_ready, n != "grid", n))
        self.backend.blockSignals(True)
        self.backend.clear()
        for i, name in enumerate(names):
            self.backend.addItem(name + (" (not ready)" if name in not_ready else ""), name)
            if name in not_ready:
                self.backend.setItemData(i, not_ready[name], Qt.ItemDataRole.ToolTipRole)
        if current and self.backend.findData(current) >= 0:
            self.backend.setCurrentIndex(self.backend.findData(current))
        self.backend.blockSignals(False)
        self._fill_models()

    def backend_name(self) -> str:
        return self.backend.currentData() or ""

    def _fill_models(self, _text: str = "") -> None:
        self.model.clear()
        self.model.addItems(self.health.get("models", {}).get(self.backend_name(), []))

    def _failed(self, message: str) -> None:
        self.error.setText(message)
        self._running(False)

    # -- rendering -----------------------------------------------------------------------------

    def _running(self, running: bool) -> None:
        self.render_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)

    def render(self) -> None:
        doc = self.document
        self.error.clear()
        if not doc.project.shots:
            self.error.setText("There are no shots to render.")
            return
        try:
            request = request_from_project(
                doc.project, self.width_box.value(), backend=self.backend_name() or "grid", model=self.model.currentText() or None,
                steps=self.steps.value(), seed=self.seed.value(),
            )  # fmt: skip
        except ShotlineError as exc:
            self.error.setText(str(exc))
            return
        autosave = getattr(self.window(), "autosaver", None)
        if autosave is not None:
            autosave.save_now()
        self.job_project = doc.project  # what the clips will be compared with when they arrive
        self.job_shots = list(doc.project.shots)
        for bar in self.bars:
            bar.deleteLater()
        self.bars = []
        for shot in self.job_shots:
            bar = QProgressBar()
            bar.setFormat(f"{shot.name}: %p%")
            bar.setRange(0, 100)
            self.bars_box.addWidget(bar)
            self.bars.append(bar)
        folder = renders_folder(doc)
        folder.mkdir(parents=True, exist_ok=True)
        self._running(True)
        self.status.setText("Connecting to the engine …")
        self.connection.render(request, folder)

    def cancel(self) -> None:
        self.connection.cancel()
        self.status.setText("Cancelling …")

    def on_event(self, event: dict) -> None:
        kind = event["type"]
        if kind == "queued":
            self.status.setText(f"Queued (position {event['position'] + 1})" if event["position"] else "Queued")
        elif kind == "started":
            self.status.setText(f"Rendering {event['shots']} shots on {event['device']} …")
        elif kind == "progress":
            self.bars[event["shot"]].setValue(int(100 * event["step"] / event["steps"]))
            if "preview" in event:
                image = QImage.fromData(base64.b64decode(event["preview"]))
                self.preview.setPixmap(QPixmap.fromImage(image).scaledToWidth(max(self.preview.width() - 8, 64), Qt.TransformationMode.SmoothTransformation))
        elif kind == "shot":
            self.bars[event["index"]].setValue(100)
            shot = self.job_shots[event["index"]]
            if any(s.id == shot.id for s in self.document.project.shots):
                clip = Path(event["local_path"])
                record_render(clip.parent, clip.name, shot)  # so exports can tell a stale clip later
                self.document.set_render(shot.id, clip, shot, self.job_project)
        elif kind == "done":
            self.status.setText(f"Done: {len(event['files'])} files rendered")
            self._running(False)
        elif kind == "cancelled":
            self.status.setText("Cancelled")
            self._running(False)
        elif kind == "error":
            self.error.setText(f"{event['message']}\n{event.get('hint', '')}")
            self.status.setText("The render failed")
            self._running(False)
