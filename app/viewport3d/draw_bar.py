"""The viewport's draw-mode bar: the Draw button (D), the drawing surface and height, the aim, the
subject and the timing. Esc while drawing cancels the stroke."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLabel, QToolBar

from app.viewport3d.draw_tool import DrawTool

SURFACES = (("ground", "Ground"), ("subject", "Subject plane"), ("top", "Top view"))
AIMS = (("along", "Along the path"), ("subject", "At subject"), ("keep", "Keep start"), ("point", "At point"))
TIMINGS = (("even", "Even"), ("hand", "Hand speed"), ("ease", "Ease in/out"))


def _combo(items) -> QComboBox:
    box = QComboBox()
    for value, text in items:
        box.addItem(text, value)
    return box


class DrawBar(QToolBar):
    def __init__(self, tool: DrawTool, parent=None):
        super().__init__("Draw", parent)
        self.tool = tool
        self.setObjectName("toolbar.draw")
        self.draw_action = QAction("Draw path", self)
        self.draw_action.setCheckable(True)
        self.draw_action.setShortcut(QKeySequence("D"))
        self.draw_action.setToolTip("Draw the selected shot's camera path with the mouse (D)")
        self.draw_action.toggled.connect(self._toggled)
        self.addAction(self.draw_action)
        self.cancel_action = QAction("Cancel stroke", self)
        self.cancel_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.cancel_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.cancel_action.setEnabled(False)  # only while a stroke is drawn: Esc stays free otherwise
        self.cancel_action.triggered.connect(tool.cancel)
        tool.viewport.addAction(self.cancel_action)  # a shortcut of the viewport, not a button
        tool.on_drawing = self.cancel_action.setEnabled
        tool.on_settings = self.load

        self.surface = _combo(SURFACES)
        self.height_box = QDoubleSpinBox()
        self.height_box.setRange(0.0, 100.0)
        self.height_box.setSingleStep(0.1)
        self.height_box.setSuffix(" m")
        self.height_box.setValue(tool.settings.height)
        self.height_box.setToolTip("Camera height of the ground plane and the top view")
        self.aim = _combo(AIMS)
        self.subject = QComboBox()
        self.subject.setToolTip("The subject looked at and drawn through (Ctrl+click picks one)")
        self.timing = _combo(TIMINGS)
        for label, widget in (("On", self.surface), ("at", self.height_box), ("Aim", self.aim), ("", self.subject), ("Timing", self.timing)):
            if label:
                self.addWidget(QLabel(f" {label} "))
            self.addWidget(widget)
        self.surface.currentIndexChanged.connect(lambda _i: tool.set_plane(self.surface.currentData()))
        self.height_box.valueChanged.connect(lambda v: setattr(tool.settings, "height", float(v)))
        self.aim.currentIndexChanged.connect(lambda _i: tool.set_aim(self.aim.currentData()))
        self.subject.currentTextChanged.connect(lambda name: setattr(tool.settings, "subject", name))
        self.timing.currentIndexChanged.connect(lambda _i: tool.set_timing(self.timing.currentData()))
        tool.viewport.document.changed.connect(self.load)
        tool.viewport.canvas.native.installEventFilter(self)
        self.load()

    def load(self) -> None:
        """Follow the project's subjects and what Ctrl+click picked."""
        s = self.tool.settings
        names = [x.name for x in self.tool.document.project.subjects]
        if [self.subject.itemText(i) for i in range(self.subject.count())] != names:
            self.subject.blockSignals(True)
            self.subject.clear()
            self.subject.addItems(names)
            self.subject.blockSignals(False)
        if s.subject in names:
            self.subject.setCurrentText(s.subject)
        elif names:
            s.subject = names[0]
        self.aim.setCurrentIndex(self.aim.findData(s.aim))

    def _toggled(self, on: bool) -> None:
        self.tool.set_active(on)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        # Esc typed on the canvas itself (it has focus once clicked) cancels too.
        if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape and self.tool.drawing:
            self.tool.cancel()
            return True
        return False
