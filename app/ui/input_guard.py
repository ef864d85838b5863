"""Two interaction traps closed for the whole application, whatever widget a person is in.

- The mouse wheel never changes a spin box or combo box that does not have focus: scrolling the
  inspector scrolls the inspector (a wheel over a field once moved a key 20 cm in four undo steps).
  Such fields take focus only by click or Tab, not by the wheel.
- The window's document shortcuts — undo, redo, save, new, open — work with focus in a text field,
  a spin box or a combo box, which would otherwise keep the keys for their own text undo.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

FIELDS = (QAbstractSpinBox, QComboBox)
TEXT_WIDGETS = (QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit)
DOCUMENT_KEYS = (
    QKeySequence.StandardKey.Undo,
    QKeySequence.StandardKey.Redo,
    QKeySequence.StandardKey.Save,
    QKeySequence.StandardKey.New,
    QKeySequence.StandardKey.Open,
)
EXTRA_KEYS = (QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z"))  # redo, as the Edit menu has it


def _field_of(obj: QObject) -> QWidget | None:
    """The spin box or combo box ``obj`` is (or is part of: a spin box's line edit, a view)."""
    while isinstance(obj, QWidget):
        if isinstance(obj, FIELDS):
            return obj
        obj = obj.parentWidget()
    return None


class InputGuard(QObject):
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind == QEvent.Type.Wheel:
            field = _field_of(obj)
            if field is not None and not field.hasFocus():
                if field.parentWidget() is not None:  # the scroll area around it scrolls instead
                    QApplication.sendEvent(field.parentWidget(), event)
                return True
        elif kind == QEvent.Type.ShortcutOverride and isinstance(obj, TEXT_WIDGETS) and _document_key(event):
            event.ignore()  # the widget does not claim the keys: the window's action runs
            return True
        return False


def _document_key(event) -> bool:
    pressed = QKeySequence(event.keyCombination())
    return any(event.matches(key) for key in DOCUMENT_KEYS) or any(
        pressed.matches(key) == QKeySequence.SequenceMatch.ExactMatch for key in EXTRA_KEYS
    )


def install(app: QApplication | None = None) -> InputGuard:
    """Install the guard once on the application; returns it (keep a reference)."""
    app = app or QApplication.instance()
    guard = getattr(app, "_shotline_input_guard", None)
    if guard is None:
        guard = InputGuard(app)
        app.installEventFilter(guard)
        app._shotline_input_guard = guard
    return guard


def application_wide(actions) -> None:
    """The window's document actions (undo, redo, save, new, open) fire from any of its windows —
    floating docks included — and with focus in any field."""
    keys = [QKeySequence(k) for k in DOCUMENT_KEYS] + list(EXTRA_KEYS)
    for action in actions:
        if any(s.matches(k) == QKeySequence.SequenceMatch.ExactMatch for s in action.shortcuts() for k in keys):
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)


def wheel_needs_focus(root: QWidget) -> None:
    """Spin boxes and combo boxes under ``root`` take focus by click or Tab, never by the wheel."""
    for field in root.findChildren(QAbstractSpinBox) + root.findChildren(QComboBox):
        field.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
