"""The inspector's move panel: the shot's kept move preset and its parameters.

A preset applied from the Moves menu stays a move: its preset, how far (metres, degrees or a focal
ratio), how long, from which frame, its speed curve and its subject are edited here, each committed
value one undo step, and the shot's cameras follow. "Convert to keys" dissolves it into ordinary
keys (through bake_keys) when the director says so.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QLabel, QPushButton, QSpinBox, QWidget

from app.ui.edit_guard import EditGuard
from app.document import Document
from engine.camera.moves import AMOUNT_UNITS, MOVES, move_camera, preset_of
from engine.errors import ShotlineError

EASINGS = [("ease", "Ease in and out"), ("ease_in", "Ease in"), ("ease_out", "Ease out"), ("linear", "Linear")]
NO_SUBJECT = "(no subject)"


class MovePanel(EditGuard, QGroupBox):
    def __init__(self, document: Document, error: QLabel, parent: QWidget | None = None):
        super().__init__("Move", parent)
        self.document = document
        self.error = error
        self._loading = False
        form = QFormLayout(self)
        self.hint = QLabel("Apply a move from Moves: it stays editable here.")
        self.hint.setWordWrap(True)
        self.preset = QComboBox()
        self.preset.addItems([n.replace("_", " ") for n in MOVES])
        self.amount = QDoubleSpinBox()
        self.amount.setRange(-1e4, 1e4)
        self.amount.setDecimals(2)
        self.amount.setKeyboardTracking(False)
        self.frames = QSpinBox()
        self.frames.setRange(1, 1_000_000)
        self.frames.setSpecialValueText("to the end of the shot")  # 1: no duration of its own
        self.frames.setSuffix(" frames")
        self.frames.setKeyboardTracking(False)
        self.start = QSpinBox()
        self.start.setRange(0, 1_000_000)
        self.start.setPrefix("frame ")
        self.start.setKeyboardTracking(False)
        self.easing = QComboBox()
        self.easing.addItems([label for _, label in EASINGS])
        self.subject = QComboBox()
        self.convert = QPushButton("Convert to keys")
        self.convert.setToolTip("Dissolve the move into ordinary keys you can edit one by one")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #e06040")
        form.addRow(self.hint)
        for label, widget in (("Preset", self.preset), ("Amount", self.amount), ("Duration", self.frames), ("Starts at", self.start),
                              ("Speed curve", self.easing), ("Subject", self.subject), ("", self.convert), ("", self.problem)):
            form.addRow(label, widget)

        self.preset.activated.connect(lambda i: self._edit(name=list(MOVES)[i]))
        self.amount.valueChanged.connect(lambda v: self._edit(amount=float(v)))
        self.frames.valueChanged.connect(lambda v: self._edit(frames=None if v <= 1 else int(v)))
        self.start.valueChanged.connect(lambda v: self._edit(start=int(v)))
        self.easing.activated.connect(lambda i: self._edit(easing=EASINGS[i][0]))
        self.subject.activated.connect(lambda _i: self._edit(subject=None if self.subject.currentText() == NO_SUBJECT else self.subject.currentText()))
        self.convert.clicked.connect(lambda: self._run(lambda: self.document.convert_move_to_keys(self.document.selected_shot)))
        document.changed.connect(self.load)
        document.selectionChanged.connect(lambda *_: self.load())
        self.load()

    def load(self) -> None:
        self._loading = True
        try:
            doc = self.document
            shot = doc.shot(doc.selected_shot) if doc.selected_shot else None
            move = shot.move if shot else None
            self.hint.setVisible(move is None)
            for w in (self.preset, self.amount, self.frames, self.start, self.easing, self.subject, self.convert):
                w.setEnabled(move is not None)
            self.problem.clear()
            if move is None:
                return
            self.preset.setCurrentIndex(list(MOVES).index(move.name))
            unit = AMOUNT_UNITS.get(preset_of(move.name))
            self.amount.setEnabled(unit is not None)
            self.amount.setSuffix(unit or "")
            self.amount.setValue(move.amount or 0.0)
            self.frames.setMaximum(max(shot.duration - move.start, 2))
            self.frames.setValue(move.frames or 1)
            self.start.setMaximum(shot.duration - 1)
            self.start.setValue(move.start)
            self.easing.setCurrentIndex([e for e, _ in EASINGS].index(move.easing))
            self.subject.clear()
            self.subject.addItems([NO_SUBJECT] + [s.name for s in doc.project.subjects])
            self.subject.setCurrentText(move.subject or NO_SUBJECT)
            try:
                move_camera(doc.project, shot)
            except ShotlineError as exc:  # it holds its start framing until the move can run again
                self.problem.setText(f"This move cannot run now: {exc.message}")
        finally:
            self._loading = False

    def _edit(self, **fields) -> None:
        self._run(lambda: self.document.set_move(self.document.selected_shot, f"Edit move {', '.join(fields)}", **fields))
