"""The Qt binding must not corrupt Python's own objects: PySide6 6.12.0 drops a reference to True
each time a bool goes through an ``object`` signal (pyqtgraph does this on every repaint), so a long
session ends in "bool_dealloc" and a crash. pyproject pins below 6.12; this catches a binding that
brings the bug back."""

import gc
import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    value = Signal(object)


def test_emitting_a_bool_through_an_object_signal_keeps_true_alive():
    emitter = _Emitter()
    received = []
    emitter.value.connect(received.append)
    gc.collect()
    before = sys.getrefcount(True)
    for _ in range(200):
        emitter.value.emit(True)
    received.clear()
    gc.collect()
    assert sys.getrefcount(True) >= before
