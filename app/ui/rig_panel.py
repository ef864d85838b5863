"""The inspector's rig panel: put the shot's camera on a dolly track, a crane, a Steadicam or a
tripod, edit the rig's parameters, and set the selected key in rig space (along the track, the
arm's swing and boom).

Every committed value is one undo step through the document, which snaps the keys onto the rig.
The track itself is laid by drawing it (draw mode, D) on a shot with a dolly.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.edit_guard import EditGuard
from app.document import Document
from engine.camera.rigs.evaluate import key_at_channels, key_channels

KINDS = [(None, "No rig (free camera)"), ("dolly", "Dolly on a track"), ("crane", "Crane / jib"), ("steadicam", "Steadicam"), ("tripod", "Tripod")]


def _spin(lo: float, hi: float, decimals: int = 2, step: float = 0.1, suffix: str = " m") -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setSuffix(suffix)
    box.setKeyboardTracking(False)  # one edit per committed value
    return box


class RigPanel(EditGuard, QGroupBox):
    def __init__(self, document: Document, error: QLabel, parent: QWidget | None = None):
        super().__init__("Rig", parent)
        self.document = document
        self.error = error
        self._loading = False
        layout = QVBoxLayout(self)
        self.kind = QComboBox()
        for _, label in KINDS:
            self.kind.addItem(label)
        self.kind.setToolTip("The rig limits what the camera's keys can be; keys are set in rig space")
        layout.addWidget(self.kind)
        self.pages = QStackedWidget()
        layout.addWidget(self.pages)
        self.pages.addWidget(QLabel("The camera moves freely between its keys."))

        dolly, form = self._page()
        self.track = QLabel()
        self.track.setWordWrap(True)
        self.smooth = QCheckBox("Curved (a smooth curve through the points)")
        self.dolly_height = _spin(0.0, 100.0)
        self.along = _spin(0.0, 1e6, 2, 0.1)
        form.addRow("Track", self.track)
        form.addRow("", self.smooth)
        form.addRow("Lens height", self.dolly_height)
        form.addRow("Key along track", self.along)

        crane, form = self._page()
        self.base = [_spin(-1e6, 1e6) for _ in range(2)]
        self.pivot_height = _spin(0.0, 100.0)
        self.arm = _spin(0.1, 100.0)
        self.swing = _spin(-36000.0, 36000.0, 1, 1.0, "°")
        self.boom = _spin(-89.0, 89.0, 1, 1.0, "°")
        form.addRow("Base X", self.base[0])
        form.addRow("Base Z", self.base[1])
        form.addRow("Pivot height", self.pivot_height)
        form.addRow("Arm length", self.arm)
        form.addRow("Key swing", self.swing)
        form.addRow("Key boom", self.boom)

        steadicam, form = self._page()
        self.subject = QComboBox()
        self.lag = _spin(0.01, 60.0, 2, 0.05, " s")
        self.offset = [_spin(-1e6, 1e6) for _ in range(3)]
        form.addRow("Follows", self.subject)
        form.addRow("Lag", self.lag)
        for axis, box in zip("XYZ", self.offset):
            form.addRow(f"Offset {axis}", box)

        tripod, form = self._page()
        self.tripod = [_spin(-1e6, 1e6) for _ in range(3)]
        for axis, box in zip("XYZ", self.tripod):
            form.addRow(f"Lens {axis}", box)

        self.kind.activated.connect(self._set_kind)
        self.smooth.toggled.connect(lambda on: self._rig(smooth=bool(on)))
        self.dolly_height.valueChanged.connect(lambda v: self._rig(height=float(v)))
        self.along.valueChanged.connect(lambda v: self._key_channels([v]))
        for box in self.base:
            box.valueChanged.connect(lambda _v: self._rig(base=(self.base[0].value(), self._rig_now().base[1], self.base[1].value())))
        self.pivot_height.valueChanged.connect(lambda v: self._rig(height=float(v)))
        self.arm.valueChanged.connect(lambda v: self._rig(arm=float(v)))
        for box in (self.swing, self.boom):
            box.valueChanged.connect(lambda _v: self._key_channels([self.swing.value(), self.boom.value()]))
        self.subject.activated.connect(lambda _i: self._rig(subject=self.subject.currentText()))
        self.lag.valueChanged.connect(lambda v: self._rig(lag_s=float(v)))
        for box in self.offset:
            box.valueChanged.connect(lambda _v: self._rig(offset=tuple(b.value() for b in self.offset)))
        for box in self.tripod:
            box.valueChanged.connect(lambda _v: self._rig(position=tuple(b.value() for b in self.tripod)))
        document.changed.connect(self.load)
        document.selectionChanged.connect(lambda *_: self.load())
        self.load()

    def _page(self) -> tuple[QWidget, QFormLayout]:
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        self.pages.addWidget(page)
        return page, form

    # -- model -> widgets ------------------------------------------------------------------------

    def _rig_now(self):
        return self.document.shot(self.document.selected_shot).rig

    def load(self) -> None:
        self._loading = True
        try:
            doc = self.document
            self.setEnabled(bool(doc.selected_shot))
            if not doc.selected_shot:
                return
            shot = doc.shot(doc.selected_shot)
            rig = shot.rig
            kinds = [k for k, _ in KINDS]
            index = kinds.index(rig.kind if rig else None)
            self.kind.setCurrentIndex(index)
            self.pages.setCurrentIndex(index)
            key = shot.keys[doc.selected_key] if 0 <= doc.selected_key < len(shot.keys) else None
            channels = key_channels(shot, key) if key is not None else []
            if rig is None:
                return
            if rig.kind == "dolly":
                self.track.setText(f"{rig.length:.2f} m through {len(rig.track)} points (draw a stroke, D, to lay it again)")
                self.smooth.setChecked(rig.smooth)
                self.dolly_height.setValue(rig.height)
                self.along.setRange(0.0, rig.length)
                self.along.setEnabled(bool(channels))
                self.along.setValue(channels[0] if channels else 0.0)
            elif rig.kind == "crane":
                self.base[0].setValue(rig.base[0])
                self.base[1].setValue(rig.base[2])
                self.pivot_height.setValue(rig.height)
                self.arm.setValue(rig.arm)
                for box, v in zip((self.swing, self.boom), channels or (0.0, 0.0)):
                    box.setEnabled(bool(channels))
                    box.setValue(v)
            elif rig.kind == "steadicam":
                self.subject.clear()
                self.subject.addItems([s.name for s in doc.project.subjects])
                self.subject.setCurrentText(rig.subject)
                self.lag.setValue(rig.lag_s)
                for box, v in zip(self.offset, rig.offset):
                    box.setValue(v)
            else:
                for box, v in zip(self.tripod, rig.position):
                    box.setValue(v)
        finally:
            self._loading = False

    # -- widgets -> model ------------------------------------------------------------------------

    def _set_kind(self, index: int) -> None:
        self._run(lambda: self.document.set_rig(self.document.selected_shot, KINDS[index][0]))

    def _rig(self, **fields) -> None:
        if self._loading or self._rig_now() is None:
            return
        self._run(lambda: self.document.set_rig_fields(self.document.selected_shot, **fields))

    def _key_channels(self, values) -> None:
        doc = self.document
        if self._loading or doc.selected_key < 0:
            return
        shot = doc.shot(doc.selected_shot)
        key = key_at_channels(shot, shot.keys[doc.selected_key], values)
        self._run(lambda: doc.set_key(shot.id, doc.selected_key, key, "Move key on its rig"))
