"""The Blocking panel: add people and set pieces from the library, pick one, edit it, key it.

Every change is one undo step through ``Document.edit`` (a spin box commits when editing finishes,
not on every arrow step). "Key at playhead" stores the subject's place, facing and pose as a
subject key of the shot under the playhead, so a person walks from key to key.
"""

from __future__ import annotations

import typing

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.document import Document
from engine.errors import ShotlineError
from engine.greybox.library import SHAPE_SIZES
from engine.project import PoseName, Project, Subject, SubjectKey

PERSON = "Person"
PALETTE = ("#d0603a", "#3a78d0", "#4caf50", "#b060c0", "#d0a030", "#40b0b0")


def unique_name(project: Project, base: str) -> str:
    names = {s.name for s in project.subjects}
    if base not in names:
        return base
    n = 2
    while f"{base} {n}" in names:
        n += 1
    return f"{base} {n}"


def with_subject(project: Project, name: str, **fields) -> Project:
    """The project with subject ``name`` changed (validated when the document takes it)."""
    subjects = [Subject(**{**s.model_dump(), **fields}) if s.name == name else s for s in project.subjects]
    return project.model_copy(update={"subjects": subjects})


class BlockingPanel(QWidget):
    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.library = QComboBox()
        self.library.addItems([PERSON] + [s for s in SHAPE_SIZES])
        self.library.setToolTip("A posable person, or a set piece at its real size")
        add = QPushButton("Add")
        add.clicked.connect(lambda: self.add(self.library.currentText()))
        self.subjects = QListWidget()
        self.subjects.currentTextChanged.connect(lambda _t: self._show())
        self.x, self.z, self.facing, self.height, self.scale = (QDoubleSpinBox() for _ in range(5))
        for box, lo, hi, step, suffix in (
            (self.x, -1000, 1000, 0.1, " m"), (self.z, -1000, 1000, 0.1, " m"), (self.facing, -180, 180, 5, "°"),
            (self.height, 0.3, 3.0, 0.01, " m"), (self.scale, 0.05, 50, 0.1, "×"),
        ):  # fmt: skip
            box.setRange(lo, hi)
            box.setSingleStep(step)
            box.setSuffix(suffix)
            box.setDecimals(2)
            box.editingFinished.connect(self._commit)
        self.facing.setWrapping(True)
        self.pose = QComboBox()
        self.pose.addItems(list(typing.get_args(PoseName)))
        self.pose.activated.connect(lambda _i: self._commit())
        self.key_button = QPushButton("Key at playhead")
        self.key_button.setToolTip("Store where the subject stands, faces and how it is posed, at the playhead")
        self.key_button.clicked.connect(self.key_at_playhead)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #e08060")

        top = QHBoxLayout()
        top.addWidget(self.library, 1)
        top.addWidget(add)
        form = QFormLayout()
        form.addRow("x", self.x)
        form.addRow("z", self.z)
        form.addRow("Facing", self.facing)
        form.addRow("Pose", self.pose)
        form.addRow("Height", self.height)
        form.addRow("Scale", self.scale)
        buttons = QHBoxLayout()
        buttons.addWidget(self.key_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.subjects, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        document.changed.connect(self._refresh)
        self._refresh()

    # -- what is shown -------------------------------------------------------------------------

    def selected(self) -> Subject | None:
        item = self.subjects.currentItem()
        if item is None:
            return None
        try:
            return self.document.project.subject(item.text())
        except KeyError:
            return None

    def select(self, name: str) -> None:
        items = self.subjects.findItems(name, Qt.MatchFlag.MatchExactly)
        if items:
            self.subjects.setCurrentItem(items[0])

    def _refresh(self) -> None:
        current = self.selected()
        names = [s.name for s in self.document.project.subjects]
        if [self.subjects.item(i).text() for i in range(self.subjects.count())] != names:
            self.subjects.blockSignals(True)
            self.subjects.clear()
            self.subjects.addItems(names)
            self.subjects.blockSignals(False)
            if current is not None:
                self.select(current.name)
            elif names:
                self.subjects.setCurrentRow(0)
        self._show()

    def _show(self) -> None:
        s = self.selected()
        widgets = (self.x, self.z, self.facing, self.height, self.scale, self.pose, self.key_button, self.remove_button)
        for w in widgets:
            w.setEnabled(s is not None)
        if s is None:
            return
        for box, value in ((self.x, s.position[0]), (self.z, s.position[2]), (self.facing, (s.facing + 180) % 360 - 180),
                           (self.height, s.height), (self.scale, s.scale[0])):  # fmt: skip
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
        self.pose.setCurrentText(s.pose)
        self.pose.setEnabled(s.is_person)
        self.height.setEnabled(s.is_person)
        self.scale.setEnabled(not s.is_person)

    # -- edits (one undo step each) ------------------------------------------------------------

    def _edit(self, after: Project, text: str) -> bool:
        try:
            self.document.edit(after, text)
        except ShotlineError as exc:
            self.message.setText(str(exc))
            return False
        self.message.clear()
        return True

    def add(self, what: str) -> str:
        project = self.document.project
        n = len(project.subjects)
        position = (1.5 * ((n % 5) - 2), 0.0, 1.5 * (n // 5))
        colour = PALETTE[n % len(PALETTE)]
        if what == PERSON:
            subject = Subject(name=unique_name(project, "Person"), position=position, color=colour)
        else:
            subject = Subject(name=unique_name(project, what.capitalize()), kind="set piece", shape=what, position=position, color="#a8a8a8")
        if self._edit(project.model_copy(update={"subjects": [*project.subjects, subject]}), f"Add {subject.name}"):
            self.select(subject.name)
        return subject.name

    def _commit(self) -> None:
        s = self.selected()
        if s is None:
            return
        fields = {"position": (round(self.x.value(), 4), s.position[1], round(self.z.value(), 4)), "facing": round(self.facing.value(), 4)}
        if s.is_person:
            fields.update(pose=self.pose.currentText(), height=round(self.height.value(), 4))
        else:
            k = self.scale.value() / s.scale[0]
            fields["scale"] = tuple(round(v * k, 6) for v in s.scale)
        self._edit(with_subject(self.document.project, s.name, **fields), f"Edit {s.name}")

    def key_at_playhead(self) -> None:
        s, project = self.selected(), self.document.project
        if s is None or not project.shots:
            return
        i, frame = project.locate(self.document.selection.frame)  # the one playhead, the one lookup
        shot = project.shots[i]
        key = SubjectKey(subject=s.name, frame=frame, position=s.position, facing=s.facing, pose=s.pose if s.is_person else None)
        keys = [k for k in shot.subject_keys if not (k.subject == s.name and k.frame == frame)] + [key]
        keys.sort(key=lambda k: (k.subject, k.frame))
        shots = [shot.model_copy(update={"subject_keys": keys}) if j == i else x for j, x in enumerate(project.shots)]
        self._edit(project.model_copy(update={"shots": shots}), f"Key {s.name}")

    def remove(self) -> None:
        s, project = self.selected(), self.document.project
        if s is None:
            return
        for shot in project.shots:
            if shot.pivot == s.name or any(k.look_at == s.name for k in shot.keys):
                self.message.setText(f"{s.name} is what the camera of {shot.name!r} follows; change that shot first")
                return
        shots = [sh.model_copy(update={"subject_keys": [k for k in sh.subject_keys if k.subject != s.name]}) for sh in project.shots]
        subjects = [x for x in project.subjects if x.name != s.name]
        self._edit(project.model_copy(update={"subjects": subjects, "shots": shots}), f"Remove {s.name}")
