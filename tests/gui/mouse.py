"""Mouse drags that pyqtgraph's scene accepts: real move events with the button held, spaced in time."""

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

LEFT = Qt.MouseButton.LeftButton


def _send(widget, kind, pos: QPoint, button, buttons, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    local = QPointF(pos)
    event = QMouseEvent(kind, local, QPointF(widget.mapToGlobal(pos)), button, buttons, modifiers)
    QApplication.sendEvent(widget, event)


def drag(qtbot, widget, start: QPoint, end: QPoint, steps: int = 8, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    _send(widget, QEvent.Type.MouseButtonPress, start, LEFT, LEFT, modifiers)
    for i in range(1, steps + 1):
        qtbot.wait(25)  # pyqtgraph drops move events that come faster than its rate limit
        p = start + (end - start) * (i / steps)
        _send(widget, QEvent.Type.MouseMove, QPoint(round(p.x()), round(p.y())), Qt.MouseButton.NoButton, LEFT, modifiers)
    _send(widget, QEvent.Type.MouseButtonRelease, end, LEFT, Qt.MouseButton.NoButton, modifiers)


def click(qtbot, widget, pos: QPoint) -> None:
    _send(widget, QEvent.Type.MouseButtonPress, pos, LEFT, LEFT)
    _send(widget, QEvent.Type.MouseButtonRelease, pos, LEFT, Qt.MouseButton.NoButton)
