"""File > Project Settings: fps, delivery aspect and sensor, as one undo step that keeps the framing
(focal lengths re-fitted to the same angle of view) and the shots' lengths in seconds, if asked."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QWidget

from app.document import Document
from engine.project import DELIVERY_ASPECTS, MAX_FPS, MAX_SENSOR_MM, MIN_SENSOR_MM
from engine.project_settings import SENSORS, Settings, apply_settings, settings_of

CUSTOM = "Custom"


class SettingsDialog(QDialog):
    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Project Settings")
        self.document = document
        now = settings_of(document.project)
        self.fps = QDoubleSpinBox()
        self.fps.setRange(1.0, MAX_FPS)
        self.fps.setDecimals(3)
        self.fps.setValue(now.fps)
        self.aspect = QComboBox()
        self.aspect.addItems(list(DELIVERY_ASPECTS) + [CUSTOM])
        self.aspect_value = QDoubleSpinBox()
        self.aspect_value.setRange(0.5, 4.0)
        self.aspect_value.setDecimals(3)
        self.aspect_value.setValue(now.aspect)
        named = next((k for k, v in DELIVERY_ASPECTS.items() if abs(v - now.aspect) < 1e-6), CUSTOM)
        self.aspect.setCurrentText(named)
        self.aspect.currentTextChanged.connect(lambda t: t != CUSTOM and self.aspect_value.setValue(DELIVERY_ASPECTS[t]))
        self.sensor = QComboBox()
        self.sensor.addItems(list(SENSORS) + [CUSTOM])
        self.sensor_w, self.sensor_h = (QDoubleSpinBox() for _ in range(2))
        for box, v in zip((self.sensor_w, self.sensor_h), now.sensor_mm):
            box.setRange(MIN_SENSOR_MM + 0.01, MAX_SENSOR_MM)
            box.setDecimals(2)
            box.setSuffix(" mm")
            box.setValue(v)
        named = next((k for k, v in SENSORS.items() if tuple(v) == tuple(now.sensor_mm)), CUSTOM)
        self.sensor.setCurrentText(named)
        self.sensor.currentTextChanged.connect(self._sensor_chosen)
        sensor_row = QHBoxLayout()
        for w in (self.sensor, self.sensor_w, QLabel("×"), self.sensor_h):
            sensor_row.addWidget(w)
        aspect_row = QHBoxLayout()
        aspect_row.addWidget(self.aspect)
        aspect_row.addWidget(self.aspect_value)
        self.keep_framing = QCheckBox("Keep every shot's framing (re-fit focal lengths to the same angle of view)")
        self.keep_framing.setChecked(True)
        self.keep_seconds = QCheckBox("Keep every shot's length in seconds when the fps changes")
        self.keep_seconds.setChecked(True)
        form = QFormLayout(self)
        form.addRow("Frame rate", self.fps)
        form.addRow("Delivery aspect", aspect_row)
        form.addRow("Sensor", sensor_row)
        form.addRow("", self.keep_framing)
        form.addRow("", self.keep_seconds)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _sensor_chosen(self, name: str) -> None:
        if name in SENSORS:
            self.sensor_w.setValue(SENSORS[name][0])
            self.sensor_h.setValue(SENSORS[name][1])

    def settings(self) -> Settings:
        return Settings(self.fps.value(), self.aspect_value.value(), (self.sensor_w.value(), self.sensor_h.value()))

    def apply(self) -> None:
        """One undo step; a refused value raises ShotlineError naming it and changes nothing."""
        doc = self.document
        doc.edit(apply_settings(doc.project, self.settings(), self.keep_framing.isChecked(), self.keep_seconds.isChecked()), "Project settings")
