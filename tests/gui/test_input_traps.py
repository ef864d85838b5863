"""Interaction traps: the wheel over a field that has no focus changes nothing, and the document's
shortcuts work with focus in a spin box or a combo box."""

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from app.ui.main_window import MainWindow
from engine.demo import build_demo_project


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setattr(MainWindow, "ask_unsaved", lambda self: "discard")
    w = MainWindow(build_demo_project(), None)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    doc = w.document
    doc.select(doc.project.shots[0].id, 0)
    return w


def _wheel(widget, steps: int = 3) -> None:
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    for _ in range(steps):
        event = QWheelEvent(
            centre, widget.mapToGlobal(centre), QPoint(0, 0), QPoint(0, 120), Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False,
        )  # fmt: skip
        QApplication.sendEvent(widget, event)


def test_the_wheel_over_an_unfocused_spin_box_changes_nothing(window, qtbot):
    doc = window.document
    x = window.inspector.position[0]
    window.timeline.setFocus()
    before, steps = x.value(), doc.undo_stack.count()
    _wheel(x)
    _wheel(x.lineEdit())
    qtbot.wait(20)
    assert x.value() == before and doc.undo_stack.count() == steps
    assert doc.shot(doc.selected_shot).keys[0].position[0] == pytest.approx(before)


def test_the_wheel_over_a_focused_spin_box_still_edits(window, qtbot):
    x = window.inspector.position[0]
    x.setFocus()
    qtbot.waitUntil(x.hasFocus, timeout=10000)
    before = x.value()
    _wheel(x, 1)
    assert x.value() != before


def test_ctrl_z_with_a_spin_box_focused_undoes_the_last_edit(window, qtbot):
    doc = window.document
    shot = doc.project.shots[2]
    doc.set_shot_fields(shot.id, duration=shot.duration + 12)
    assert doc.shot(shot.id).duration == shot.duration + 12
    box = window.inspector.duration
    box.setFocus()
    qtbot.waitUntil(box.hasFocus, timeout=10000)
    qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert doc.shot(shot.id).duration == shot.duration
    qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert doc.shot(shot.id).duration == shot.duration + 12


def test_ctrl_n_with_a_combo_box_focused_in_a_floating_dock_makes_a_new_project(window, qtbot):
    dock = window.docks["Inspector"]
    dock.setFloating(True)
    dock.show()
    qtbot.waitExposed(dock)
    combo = window.inspector.interp
    dock.activateWindow()
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus, timeout=10000)
    qtbot.keyClick(combo, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert [s.name for s in window.document.project.shots] == ["Shot 1"]
