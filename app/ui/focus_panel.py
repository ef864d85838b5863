"""The inspector's focus panel: focus and T-stop at the selected key, and rack focus as a move.

Focus at a key is one of: not keyed (the key leaves focus to its neighbours), a distance in metres,
or pulled to a subject (focus follows its depth). The T-stop at a key is the shot lens's unless
set. "Rack" racks focus from one subject to another from the playhead over a span, with an ease
(``engine.camera.focus.rack_focus``). Every edit is one undo step.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from app.ui.edit_guard import EditGuard
from app.document import Document
from engine.camera.focus import rack_focus
from engine.project import MAX_FOCUS_M, MAX_T_STOP, MIN_FOCUS_M, MIN_T_STOP

NOT_KEYED, DISTANCE, SUBJECT = "not keyed", "distance", "follow subject"


def _spin(lo, hi, decimals, step, suffix="", prefix="") -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setSuffix(suffix)
    box.setPrefix(prefix)
    box.setKeyboardTracking(False)  # one edit per committed value
    return box


class FocusPanel(EditGuard, QGroupBox):
    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__("Focus", parent)
        self.document = document
        self._loading = False
        form = QFormLayout(self)
        self.mode = QComboBox()
        self.mode.addItems([NOT_KEYED, DISTANCE, SUBJECT])
        self.distance = _spin(MIN_FOCUS_M, MAX_FOCUS_M, 2, 0.05, " m")
        self.subject = QComboBox()
        self.t_stop = _spin(0.0, MAX_T_STOP, 1, 0.1, prefix="T")
        self.t_stop.setSpecialValueText("lens")  # 0: the shot lens's T-stop
        self.lens_stop = _spin(MIN_T_STOP, MAX_T_STOP, 1, 0.1, prefix="T")
        form.addRow("Focus at key", self.mode)
        form.addRow("Distance", self.distance)
        form.addRow("Subject", self.subject)
        form.addRow("T-stop at key", self.t_stop)
        form.addRow("Lens T-stop", self.lens_stop)
        rack, rack_how = QHBoxLayout(), QHBoxLayout()
        self.rack_from, self.rack_to = QComboBox(), QComboBox()
        self.rack_frames = QSpinBox()
        self.rack_frames.setRange(1, 100_000)
        self.rack_frames.setValue(24)
        self.rack_frames.setSuffix(" fr")
        self.rack_ease = QComboBox()
        self.rack_ease.addItems(["ease", "linear"])
        self.rack_button = QPushButton("Rack")
        self.rack_button.setToolTip("Rack focus from the first subject to the second, from the playhead over the frames given")
        for w in (self.rack_from, QLabel("→"), self.rack_to):
            rack.addWidget(w)
        for w in (self.rack_frames, self.rack_ease, self.rack_button):
            rack_how.addWidget(w)
        form.addRow("Rack focus", rack)
        form.addRow("over", rack_how)
        self.error = QLabel()
        self.error.setStyleSheet("color: #e06040")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        self.mode.currentIndexChanged.connect(self._key_edit)
        self.distance.valueChanged.connect(self._key_edit)
        self.subject.currentIndexChanged.connect(self._key_edit)
        self.t_stop.valueChanged.connect(self._key_edit)
        self.lens_stop.valueChanged.connect(self._lens_edit)
        self.rack_button.clicked.connect(self.rack)
        document.changed.connect(self.load)
        document.selectionChanged.connect(lambda *_: self.load())
        self.load()

    def load(self) -> None:
        self._loading = True
        try:
            doc = self.document
            shot_id = doc.selected_shot
            self.setEnabled(bool(shot_id))
            if not shot_id:
                return
            shot = doc.shot(shot_id)
            names = [s.name for s in doc.project.subjects]
            people = [s.name for s in doc.project.subjects if s.is_person]
            defaults = {self.subject: people[:1], self.rack_from: people[:1], self.rack_to: people[1:2]}  # a rack is between two people, first
            for combo in (self.subject, self.rack_from, self.rack_to):
                keep = combo.currentText()
                if [combo.itemText(i) for i in range(combo.count())] != names:
                    combo.clear()
                    combo.addItems(names)
                    if keep in names:
                        combo.setCurrentText(keep)
                    elif defaults[combo]:
                        combo.setCurrentText(defaults[combo][0])
            self.lens_stop.setValue(shot.lens.t_stop)
            index = doc.selected_key
            has_key = 0 <= index < len(shot.keys)
            for w in (self.mode, self.distance, self.subject, self.t_stop):
                w.setEnabled(has_key)
            if has_key:
                key = shot.keys[index]
                mode = SUBJECT if key.focus_subject else DISTANCE if key.focus_m is not None else NOT_KEYED
                self.mode.setCurrentText(mode)
                path = doc.camera(shot)
                shown = key.focus_m if key.focus_m is not None else (float(path.focus_m[key.frame]) if path.has_focus else 2.0)
                self.distance.setValue(shown)
                self.distance.setEnabled(mode == DISTANCE)
                if key.focus_subject:
                    self.subject.setCurrentText(key.focus_subject)
                self.subject.setEnabled(mode == SUBJECT)
                self.t_stop.setValue(key.t_stop or 0.0)
        finally:
            self._loading = False

    def _key_edit(self, *_args) -> None:
        doc = self.document
        if self._loading or doc.selected_key < 0:
            return
        shot = doc.shot(doc.selected_shot)
        old = shot.keys[doc.selected_key]
        mode = self.mode.currentText()
        update = {
            "focus_m": float(self.distance.value()) if mode == DISTANCE else None,
            "focus_subject": (self.subject.currentText() or None) if mode == SUBJECT else None,
            "t_stop": float(self.t_stop.value()) if self.t_stop.value() >= MIN_T_STOP else None,
        }
        self._run(lambda: doc.set_key(shot.id, doc.selected_key, old.model_copy(update=update), "Edit focus"))

    def _lens_edit(self, value: float) -> None:
        doc = self.document
        shot = doc.shot(doc.selected_shot)
        self._run(lambda: doc.set_shot_fields(shot.id, "Edit lens T-stop", lens=shot.lens.model_copy(update={"t_stop": float(value)})))

    def rack(self) -> None:
        """Rack focus from the first subject to the second, from the playhead over the frames given."""
        doc = self.document

        def go():
            shot, frame = doc.locate()
            end = min(frame + self.rack_frames.value(), shot.duration - 1)
            start = min(frame, end - 1)
            racked = rack_focus(doc.project, shot, doc.camera(shot), self.rack_from.currentText(), self.rack_to.currentText(), start, end, self.rack_ease.currentText())
            doc.set_shot_fields(shot.id, "Rack focus", keys=racked.keys)

        self._run(go)
