"""The inspector: the selected shot's fields and its selected key, and what the camera does in words.

Edits go through the document: a value typed and committed is one undo step; spinning a box with the
mouse or arrow keys is one step per committed value. The description (motion analysis) follows every
change of the shot.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from scipy.spatial.transform import Rotation
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.ui.edit_guard import EditGuard
from app.document import Document
from app.ui.focus_panel import FocusPanel
from app.ui.move_panel import MovePanel
from app.ui.rig_panel import RigPanel
from engine.analysis.describe import describe_context
from engine.analysis.shot_context import shot_context
from engine.camera.conventions import pan_tilt_roll, rotation_from_pan_tilt_roll
from engine.camera.moves import MOVES
from engine.project import MAX_FOCAL_MM, MIN_FOCAL_MM

INTERPOLATIONS = ["constant", "linear", "bezier", "ease"]


def _spin(lo: float, hi: float, decimals: int = 3, step: float = 0.05, suffix: str = "") -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setSuffix(suffix)
    box.setKeyboardTracking(False)  # one edit per committed value, not per keystroke
    return box


class Inspector(EditGuard, QWidget):
    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self._loading = False
        layout = QVBoxLayout(self)

        shot_box = QGroupBox("Shot")
        form = QFormLayout(shot_box)
        self.name = QLineEdit()
        self.duration = QSpinBox()
        self.duration.setRange(1, 1_000_000)
        self.duration.setSuffix(" frames")
        self.duration.setKeyboardTracking(False)
        self.focal = _spin(MIN_FOCAL_MM, MAX_FOCAL_MM, 1, 1.0, " mm")
        self.tags = QLineEdit()
        self.prompt = QPlainTextEdit()
        self.prompt.setFixedHeight(70)
        self.moves = QPushButton("Moves")
        menu = QMenu(self.moves)
        for name in MOVES:
            menu.addAction(name.replace("_", " ")).triggered.connect(lambda _=False, n=name: self.apply_move(n))
        self.moves.setMenu(menu)
        self.takes = QComboBox()  # the live takes recorded in pilot mode (R in the look-through)
        self.takes.setToolTip("Switch the shot's camera to one of its recorded takes")
        self.takes.activated.connect(self._use_take)
        for label, widget in (("Name", self.name), ("Duration", self.duration), ("Lens", self.focal), ("Tags", self.tags), ("Prompt", self.prompt), ("", self.moves), ("Takes", self.takes)):
            form.addRow(label, widget)
        layout.addWidget(shot_box)
        self.error = QLabel()  # the panels below report a refused edit here too
        self.move_panel = MovePanel(document, self.error)
        layout.addWidget(self.move_panel)
        self.rig_panel = RigPanel(document, self.error)
        layout.addWidget(self.rig_panel)

        key_box = QGroupBox("Key")
        kform = QFormLayout(key_box)
        self.frame = QSpinBox()
        self.frame.setKeyboardTracking(False)
        self.position = [_spin(-1e6, 1e6, 3, 0.05, " m") for _ in range(3)]
        self.angles = [_spin(-180.0, 180.0, 2, 1.0, "°") for _ in range(3)]
        self.key_focal = _spin(0.0, MAX_FOCAL_MM, 1, 1.0, " mm")
        self.key_focal.setSpecialValueText("lens")  # 0 = the shot's lens
        self.interp = QComboBox()
        self.interp.addItems(INTERPOLATIONS)
        kform.addRow("Frame", self.frame)
        for axis, box in zip("XYZ", self.position):
            kform.addRow(axis, box)
        for axis, box in zip(("Pan", "Tilt", "Roll"), self.angles):
            kform.addRow(axis, box)
        kform.addRow("Focal", self.key_focal)
        kform.addRow("Interpolation", self.interp)
        self.key_box = key_box
        layout.addWidget(key_box)
        self.focus_panel = FocusPanel(document)  # focus / T-stop at the key, rack focus
        layout.addWidget(self.focus_panel)

        self.description = QLabel()
        self.description.setWordWrap(True)
        layout.addWidget(self.description)
        self.error.setStyleSheet("color: #e06040")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        layout.addStretch(1)

        self.name.editingFinished.connect(lambda: self._shot_edit(name=self.name.text().strip()))
        self.tags.editingFinished.connect(lambda: self._shot_edit(tags=[t.strip() for t in self.tags.text().split(",") if t.strip()]))
        self.duration.valueChanged.connect(self._trim)
        self.focal.valueChanged.connect(self._lens)
        self.prompt.installEventFilter(self)
        self.frame.valueChanged.connect(self._key_edit)
        for box in self.position + self.angles + [self.key_focal]:
            box.valueChanged.connect(self._key_edit)
        self.interp.currentIndexChanged.connect(self._key_edit)
        document.changed.connect(self.load)
        document.selectionChanged.connect(lambda *_: self.load())
        self.load()

    # -- model -> widgets ----------------------------------------------------------------------

    def _use_take(self, row: int) -> None:
        if row > 0 and not self._loading:
            self._run(lambda: self.document.use_take(self.document.selected_shot, row - 1))

    def load(self) -> None:
        self._loading = True
        try:
            doc = self.document
            shot_id = doc.selected_shot
            self.setEnabled(bool(shot_id))
            if not shot_id:
                return
            shot = doc.shot(shot_id)
            self.name.setText(shot.name)
            self.duration.setValue(shot.duration)
            self.focal.setValue(shot.lens.focal_mm)
            self.tags.setText(", ".join(shot.tags))
            if self.prompt.toPlainText() != shot.prompt:
                self.prompt.setPlainText(shot.prompt)
            self.takes.clear()
            self.takes.addItems(["(choose a take)"] + [t.name for t in shot.takes])
            self.takes.setEnabled(bool(shot.takes))
            key_index = doc.selected_key
            self.key_box.setEnabled(0 <= key_index < len(shot.keys))
            if self.key_box.isEnabled():
                key = shot.keys[key_index]
                self.frame.setRange(0, shot.duration - 1)
                self.frame.setValue(key.frame)
                for box, v in zip(self.position, key.position):
                    box.setValue(v)
                for box, v in zip(self.angles, pan_tilt_roll(Rotation.from_quat(key.orientation))):
                    box.setValue(float(v))
                self.key_focal.setValue(key.focal_mm or 0.0)
                self.interp.setCurrentText(key.interp_out)
            context = shot_context(doc.project, shot, path=doc.camera(shot))
            self.description.setText(describe_context(context).text)
        finally:
            self._loading = False

    # -- widgets -> model ----------------------------------------------------------------------

    def _shot_edit(self, **fields) -> None:
        self._run(lambda: self.document.set_shot_fields(self.document.selected_shot, **fields))

    def _trim(self, value: int) -> None:
        self._run(lambda: self.document.trim_shot(self.document.selected_shot, value))

    def _lens(self, value: float) -> None:
        shot = self.document.shot(self.document.selected_shot)
        self._shot_edit(lens=shot.lens.model_copy(update={"focal_mm": float(value)}))

    def commit_prompt(self) -> None:
        text = self.prompt.toPlainText()
        if self.document.selected_shot and text != self.document.shot(self.document.selected_shot).prompt:
            self._shot_edit(prompt=text)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.prompt and event.type() == QEvent.Type.FocusOut:
            self.commit_prompt()
        return super().eventFilter(obj, event)

    def _key_edit(self, *_args) -> None:
        doc = self.document
        if self._loading or doc.selected_key < 0:
            return
        shot = doc.shot(doc.selected_shot)
        old = shot.keys[doc.selected_key]
        rotation = rotation_from_pan_tilt_roll(*(b.value() for b in self.angles))
        key = old.model_copy(
            update={
                "frame": self.frame.value(),
                "position": tuple(b.value() for b in self.position),
                "orientation": tuple(float(v) for v in rotation.as_quat()),
                "focal_mm": self.key_focal.value() or None,
                "interp_in": self.interp.currentText(),
                "interp_out": self.interp.currentText(),
            }
        )
        self._run(lambda: doc.set_key(shot.id, doc.selected_key, key, "Edit key"))

    def apply_move(self, name: str) -> None:
        self._run(lambda: self.document.apply_move(self.document.selected_shot, name))
