"""File > Project Settings: fps, delivery aspect, sensor, resolution and frame handles, as one undo
step that keeps the framing (focal lengths re-fitted to the same angle of view) and the shots'
lengths in seconds, if asked. A resolution preset sets the aspect it is at; a new aspect re-fits a
chosen resolution's height. OK with a value the project cannot take says why and stays open."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QSpinBox, QWidget

from app.document import Document
from engine.errors import ShotlineError
from engine.project import DELIVERY_ASPECTS, MAX_FPS, MAX_HANDLES, MAX_RESOLUTION, MAX_SENSOR_MM, MIN_RESOLUTION, MIN_SENSOR_MM, RESOLUTION_ASPECT_TOLERANCE
from engine.project_settings import RESOLUTIONS, SENSORS, Settings, apply_settings, settings_of

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
        self.resolution = QComboBox()
        self.resolution.addItems(list(RESOLUTIONS) + [CUSTOM])
        self.res_w, self.res_h = (QSpinBox() for _ in range(2))
        for box in (self.res_w, self.res_h):
            box.setRange(MIN_RESOLUTION, MAX_RESOLUTION)
            box.setSingleStep(2)
        w, h = now.resolution or document.project.frame_size()
        self.res_w.setValue(w)
        self.res_h.setValue(h)
        named = next((k for k, v in RESOLUTIONS.items() if v == (tuple(now.resolution) if now.resolution else None)), CUSTOM)
        self.resolution.setCurrentText(named)
        self.resolution.currentTextChanged.connect(self._resolution_chosen)
        self.aspect_value.valueChanged.connect(self._aspect_changed)
        self._resolution_chosen(named)
        resolution_row = QHBoxLayout()
        for wdg in (self.resolution, self.res_w, QLabel("×"), self.res_h):
            resolution_row.addWidget(wdg)
        self.handles = QSpinBox()
        self.handles.setRange(0, MAX_HANDLES)
        self.handles.setSuffix(" frames")
        self.handles.setValue(now.handles)
        self.handles.setToolTip("Frames before and after every shot in the cut's media (EDL / XML / OTIO available range)")
        self.error = QLabel("")
        self.error.setStyleSheet("color: #e06060")
        self.error.setWordWrap(True)
        self.keep_framing = QCheckBox("Keep every shot's framing (re-fit focal lengths to the same angle of view)")
        self.keep_framing.setChecked(True)
        self.keep_seconds = QCheckBox("Keep every shot's length in seconds when the fps changes")
        self.keep_seconds.setChecked(True)
        form = QFormLayout(self)
        form.addRow("Frame rate", self.fps)
        form.addRow("Delivery aspect", aspect_row)
        form.addRow("Sensor", sensor_row)
        form.addRow("Resolution", resolution_row)
        form.addRow("Frame handles", self.handles)
        form.addRow("", self.keep_framing)
        form.addRow("", self.keep_seconds)
        form.addRow("", self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _sensor_chosen(self, name: str) -> None:
        if name in SENSORS:
            self.sensor_w.setValue(SENSORS[name][0])
            self.sensor_h.setValue(SENSORS[name][1])

    def _resolution_chosen(self, name: str) -> None:
        preset = RESOLUTIONS.get(name, "custom")
        derived = preset is None
        for box in (self.res_w, self.res_h):
            box.setEnabled(name == CUSTOM)
        if derived:
            w, h = self._derived()
            self.res_w.setValue(w)
            self.res_h.setValue(h)
        elif preset != "custom":
            self.res_w.setValue(preset[0])
            self.res_h.setValue(preset[1])
            ratio = preset[0] / preset[1]
            if abs(ratio / self.aspect_value.value() - 1.0) > RESOLUTION_ASPECT_TOLERANCE:
                # The preset's own aspect: a named one when it is near one, else the exact ratio.
                named = next((k for k, v in DELIVERY_ASPECTS.items() if abs(ratio / v - 1.0) <= RESOLUTION_ASPECT_TOLERANCE), None)
                self.aspect.setCurrentText(named or CUSTOM)
                if named is None:
                    self.aspect_value.setValue(ratio)

    def _derived(self) -> tuple[int, int]:
        return self.document.project.model_copy(update={"aspect": self.aspect_value.value()}).frame_size(832)

    def _aspect_changed(self, aspect: float) -> None:
        """A new aspect keeps a chosen resolution's width and re-fits its height (even)."""
        if RESOLUTIONS.get(self.resolution.currentText(), "custom") is None:
            w, h = self._derived()
            self.res_w.setValue(w)
            self.res_h.setValue(h)
        elif abs(self.res_w.value() / self.res_h.value() / aspect - 1.0) > RESOLUTION_ASPECT_TOLERANCE:
            self.resolution.setCurrentText(CUSTOM)
            self.res_h.setValue(int(round(self.res_w.value() / aspect)) & ~1)

    def settings(self) -> Settings:
        derived = RESOLUTIONS.get(self.resolution.currentText(), "custom") is None
        resolution = None if derived else (self.res_w.value(), self.res_h.value())
        return Settings(self.fps.value(), self.aspect_value.value(), (self.sensor_w.value(), self.sensor_h.value()), resolution, self.handles.value())

    def accept(self) -> None:
        """OK: close only with settings the project can take; otherwise say why and stay open."""
        try:
            apply_settings(self.document.project, self.settings(), self.keep_framing.isChecked(), self.keep_seconds.isChecked())
        except ShotlineError as exc:
            self.error.setText(str(exc))
            return
        super().accept()

    def apply(self) -> None:
        """One undo step; a refused value raises ShotlineError naming it and changes nothing."""
        doc = self.document
        doc.edit(apply_settings(doc.project, self.settings(), self.keep_framing.isChecked(), self.keep_seconds.isChecked()), "Project settings")
