"""One key edit evaluates the edited shot once, and nothing else, with every view open.

The main window shows the preview, the timeline thumbnails, the curves, the inspector's
description and the 3D viewport at once: all of them read the document's one evaluated sequence.
"""

import pytest

from app.ui.main_window import MainWindow
from engine import sequence
from engine.demo import build_demo_project


@pytest.fixture
def counted(monkeypatch):
    calls = []
    real = sequence.evaluate_shot

    def counting(project, shot, frames=None):
        calls.append(shot.name)
        return real(project, shot, frames)

    monkeypatch.setattr(sequence, "evaluate_shot", counting)
    monkeypatch.setattr("engine.camera.interpolate.evaluate_shot", counting)  # anyone going around the cache
    return calls


@pytest.fixture
def window(qtbot, monkeypatch, counted):
    monkeypatch.setattr(MainWindow, "ask_unsaved", lambda self: "discard")
    w = MainWindow(build_demo_project(), None)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.wait(50)
    return w


def _move_key(doc, shot_index: int, dx: float) -> None:
    shot = doc.project.shots[shot_index]
    key = shot.keys[0]
    doc.set_key(shot.id, 0, key.model_copy(update={"position": (key.position[0] + dx, *key.position[1:])}))


def test_opening_the_demo_evaluates_each_shot_once(window, counted):
    assert sorted(counted) == sorted(s.name for s in window.document.project.shots)


def test_one_key_edit_evaluates_the_edited_shot_once_and_nothing_else(window, counted, qtbot):
    doc = window.document
    doc.select(doc.project.shots[1].id, 0)  # the curves and inspector show the edited shot
    doc.seek(130)  # the playhead (preview, frustum, look-through) is in it too
    qtbot.wait(20)
    counted.clear()
    _move_key(doc, 1, 0.25)
    qtbot.wait(50)  # let every view repaint
    window.viewport.render()
    window.timeline.repaint()
    assert counted == [doc.project.shots[1].name]


def test_undo_and_a_drag_gesture_evaluate_once_per_step(window, counted, qtbot):
    doc = window.document
    counted.clear()
    doc.begin_gesture("Drag key")
    for step in range(5):
        _move_key(doc, 2, 0.05)
    doc.end_gesture()
    qtbot.wait(20)
    assert counted == [doc.project.shots[2].name] * 5  # one per mouse move, nothing per view
    counted.clear()
    doc.undo_stack.undo()
    qtbot.wait(20)
    assert counted == [doc.project.shots[2].name]
