"""The curve editor: keys are drawn where their values are, and dragging one edits it in one undo step."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint

from app.document import Document
from app.ui.curves import MIN_HEIGHT_PX, CurveEditor, channel_values, key_with_channel
from engine.camera.conventions import pan_tilt_roll
from engine.camera.interpolate import evaluate_shot
from engine.demo import build_demo_project
from engine.project import CameraKey, Project, Shot
from tests.gui.mouse import click, drag


def _truck_project() -> Project:
    keys = [
        CameraKey(frame=0, position=(0.0, 1.5, 4.0)),
        CameraKey(frame=47, position=(2.0, 1.5, 4.0)),
    ]
    return Project(name="truck", shots=[Shot(id="truck", name="Truck", duration=48, keys=keys)])


@pytest.fixture
def editor(qtbot):
    doc = Document(_truck_project())
    widget = CurveEditor(doc)
    widget.resize(900, 600)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    for plot in widget.plots.values():
        plot.vb.setXRange(0, 47, padding=0.05)
    qtbot.wait(50)
    return widget


def test_curves_follow_the_evaluated_camera(editor):
    values = editor.values
    assert values["x"][0] == pytest.approx(0.0) and values["x"][47] == pytest.approx(2.0)
    assert np.all(np.diff(values["x"]) >= -1e-9)  # a truck right only moves right
    assert np.allclose(values["y"], 1.5) and np.allclose(values["pan"], 0.0, atol=1e-6)


def test_dragging_a_key_up_changes_its_value_by_the_plotted_distance_in_one_step(editor, qtbot):
    doc = editor.document
    view = editor.graphics.viewport()
    start = editor.key_widget_pos("x", 1)
    box = editor.boxes["x"]
    # 40 px up in the position plot is this many metres:
    top = box.mapSceneToView(editor.graphics.mapToScene(start - QPoint(0, 40)))
    here = box.mapSceneToView(editor.graphics.mapToScene(start))
    expected = 2.0 + (top.y() - here.y())
    drag(qtbot, view, start, start - QPoint(0, 40))
    key = doc.shot("truck").keys[1]
    assert key.position[0] == pytest.approx(expected, abs=0.02)
    assert key.frame == 47 and key.position[1:] == (1.5, 4.0)
    assert doc.undo_stack.count() == 1 and doc.selected_key == 1
    doc.undo_stack.undo()
    assert doc.shot("truck").keys[1].position[0] == 2.0


def test_dragging_a_key_sideways_moves_it_in_time(editor, qtbot):
    doc = editor.document
    start = editor.key_widget_pos("x", 1)
    box = editor.boxes["x"]
    left = box.mapSceneToView(editor.graphics.mapToScene(start - QPoint(80, 0))).x()
    drag(qtbot, editor.graphics.viewport(), start, start - QPoint(80, 0))
    assert doc.shot("truck").keys[1].frame == round(left)
    assert doc.undo_stack.count() == 1


def test_clicking_a_key_selects_it_and_a_press_elsewhere_edits_nothing(editor, qtbot):
    doc = editor.document
    click(qtbot, editor.graphics.viewport(), editor.key_widget_pos("z", 1))
    assert doc.selected_key == 1
    drag(qtbot, editor.graphics.viewport(), editor.key_widget_pos("x", 0) + QPoint(200, 60), editor.key_widget_pos("x", 0) + QPoint(260, 100))
    assert doc.undo_stack.count() == 0


def test_a_pan_set_on_a_look_at_key_becomes_an_explicit_aim():
    project = build_demo_project()
    shot = next(s for s in project.shots if any(k.look_at for k in s.keys))
    key = next(k for k in shot.keys if k.look_at)
    values = channel_values(evaluate_shot(project, shot))
    evaluated = {ch: float(v[key.frame]) for ch, v in values.items()}
    new = key_with_channel(key, evaluated, "pan", evaluated["pan"] + 30)
    assert new.look_at is None
    from scipy.spatial.transform import Rotation

    pan, tilt, _ = pan_tilt_roll(Rotation.from_quat(new.orientation))
    assert pan == pytest.approx(evaluated["pan"] + 30, abs=1e-6)
    assert tilt == pytest.approx(evaluated["tilt"], abs=1e-6)


def _left_numbers(plot) -> list:
    """The value axis's numbers as pyqtgraph lays them out: (rect, text) in the axis's pixels."""
    from PySide6.QtGui import QImage, QPainter

    axis = plot.getAxis("left")
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _, _, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [(rect, text) for rect, _, text in texts]


def test_rows_for_focus_and_stop_appear_only_when_the_shot_keys_them(editor, qtbot):
    assert editor.shown == ("Position", "Rotation", "Focal")
    assert editor.plots["Focal"].getAxis("bottom").isVisible() and not editor.plots["Position"].getAxis("bottom").isVisible()
    doc = editor.document
    keys = [k.model_copy(update={"focus_m": 2.0 + k.frame / 10}) for k in doc.shot("truck").keys]
    doc.set_shot_fields("truck", keys=keys)
    assert editor.shown == ("Position", "Rotation", "Focal", "Focus", "Stop")
    assert editor.plots["Stop"].getAxis("bottom").isVisible() and not editor.plots["Focal"].getAxis("bottom").isVisible()
    doc.undo_stack.undo()
    assert editor.shown == ("Position", "Rotation", "Focal")


@pytest.mark.parametrize("height", [MIN_HEIGHT_PX, 300, 600])
def test_value_numbers_never_overlap_however_short_the_dock(qtbot, height):
    doc = Document(build_demo_project())
    widget = CurveEditor(doc)
    widget.resize(900, height)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.wait(30)
    for title in widget.shown:
        numbers = _left_numbers(widget.plots[title])
        assert numbers, f"{title} shows no value at {height} px"
        rects = sorted((r for r, _ in numbers), key=lambda r: r.top())
        for upper, lower in zip(rects, rects[1:]):
            assert upper.bottom() <= lower.top(), f"{title}: {[t for _, t in numbers]} overlap at {height} px"
