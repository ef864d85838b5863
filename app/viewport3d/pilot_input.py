"""Pilot mode's keys in the look-through: W/S or ↑/↓ dolly, A/D or ←/→ truck, Q/E pedestal, Z/C
roll; Shift is faster, Alt nudges. Held keys are one gesture (one undo step) until the last is let go.
R records a live take (the shot plays in real time while you operate) and R again stops it.

While looking through, these keys belong to the viewport: the window's shortcuts on them (the
arrows step frames elsewhere) wait until the look-through is left.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt

from engine.camera.pilot import PilotMove

STEP_M = 0.1  # a key press moves the camera 10 cm ...
STEP_DEG = 1.0  # ... or rolls it a degree
FAST, NUDGE = 4.0, 0.2

MOVES = {
    Qt.Key.Key_W: PilotMove(dolly=STEP_M), Qt.Key.Key_Up: PilotMove(dolly=STEP_M),
    Qt.Key.Key_S: PilotMove(dolly=-STEP_M), Qt.Key.Key_Down: PilotMove(dolly=-STEP_M),
    Qt.Key.Key_D: PilotMove(truck=STEP_M), Qt.Key.Key_Right: PilotMove(truck=STEP_M),
    Qt.Key.Key_A: PilotMove(truck=-STEP_M), Qt.Key.Key_Left: PilotMove(truck=-STEP_M),
    Qt.Key.Key_E: PilotMove(pedestal=STEP_M), Qt.Key.Key_Q: PilotMove(pedestal=-STEP_M),
    Qt.Key.Key_C: PilotMove(roll=STEP_DEG), Qt.Key.Key_Z: PilotMove(roll=-STEP_DEG),
}  # fmt: skip


def move_for(key, modifiers) -> PilotMove | None:
    base = MOVES.get(Qt.Key(key))
    if base is None:
        return None
    scale = FAST if modifiers & Qt.KeyboardModifier.ShiftModifier else NUDGE if modifiers & Qt.KeyboardModifier.AltModifier else 1.0
    return PilotMove(*(scale * v for v in (base.dolly, base.truck, base.pedestal, base.pan, base.tilt, base.roll)))


class PilotKeys(QObject):
    """Event filter on the viewport's canvas: pilot keys while the viewport looks through."""

    def __init__(self, viewport):
        super().__init__(viewport)
        self.viewport = viewport
        self.held: set[int] = set()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        vp = self.viewport
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        if not vp.look_through or event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            return False
        if Qt.Key(event.key()) == Qt.Key.Key_R:  # record a take / stop
            if kind == QEvent.Type.KeyPress and not event.isAutoRepeat():
                vp.toggle_recording()
            elif kind == QEvent.Type.ShortcutOverride:
                event.accept()
            return True
        if Qt.Key(event.key()) not in MOVES:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # the key comes here as a key press, not to a window shortcut
            return True
        if kind == QEvent.Type.KeyPress:
            if not self.held:
                vp.document.begin_gesture("Pilot camera")
            self.held.add(event.key())
            vp.pilot(move_for(event.key(), event.modifiers()))
            return True
        if not event.isAutoRepeat():
            self.held.discard(event.key())
            if not self.held:
                vp.document.end_gesture()
        return True
