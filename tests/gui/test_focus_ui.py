"""Focus in the inspector and the curve editor: edit focus at a key, rack it, see it as a curve."""

import numpy as np
import pytest

from app.document import Document
from app.ui.curves import CurveEditor
from app.ui.focus_panel import DISTANCE, NOT_KEYED, SUBJECT, FocusPanel
from engine.project import CameraKey, Project, Shot, Subject
from tests.gui.mouse import drag


def _project():
    subjects = [Subject(name="Ben", position=(0.0, 0.0, -1.5)), Subject(name="Ana", position=(0.0, 0.0, -4.0))]
    keys = [CameraKey(frame=0, position=(0.0, 1.575, 0.0)), CameraKey(frame=47, position=(0.0, 1.575, 0.0))]
    return Project(subjects=subjects, shots=[Shot(id="s", name="OTS", duration=48, keys=keys)])


@pytest.fixture
def doc():
    d = Document(_project())
    d.select("s", 0)
    return d


def test_focus_at_a_key_is_edited_in_the_panel_as_one_step_each(doc, qtbot):
    panel = FocusPanel(doc)
    qtbot.addWidget(panel)
    assert panel.mode.currentText() == NOT_KEYED and not doc.camera(doc.shot("s")).has_focus
    steps = doc.undo_stack.count()
    panel.mode.setCurrentText(DISTANCE)
    panel.distance.setValue(3.25)
    assert doc.shot("s").keys[0].focus_m == 3.25 and doc.undo_stack.count() == steps + 2
    assert np.allclose(doc.camera(doc.shot("s")).focus_m, 3.25)
    panel.mode.setCurrentText(SUBJECT)
    panel.subject.setCurrentText("Ana")
    key = doc.shot("s").keys[0]
    assert key.focus_subject == "Ana" and key.focus_m is None
    assert doc.camera(doc.shot("s")).focus_m[0] == pytest.approx(4.0)
    panel.t_stop.setValue(5.6)
    assert doc.shot("s").keys[0].t_stop == 5.6
    panel.lens_stop.setValue(2.0)
    assert doc.shot("s").lens.t_stop == 2.0


def test_rack_from_the_playhead_is_one_undo_step(doc, qtbot):
    panel = FocusPanel(doc)
    qtbot.addWidget(panel)
    doc.seek(10)
    panel.rack_from.setCurrentText("Ben")
    panel.rack_to.setCurrentText("Ana")
    panel.rack_frames.setValue(20)
    steps = doc.undo_stack.count()
    panel.rack_button.click()
    focus = doc.camera(doc.shot("s")).focus_m
    assert doc.undo_stack.count() == steps + 1
    assert focus[10] == pytest.approx(1.5) and focus[30] == pytest.approx(4.0) and np.all(np.diff(focus) >= -1e-12)
    doc.undo_stack.undo()
    assert not doc.camera(doc.shot("s")).has_focus


def test_the_curve_editor_draws_focus_and_a_drag_sets_a_focus_mark(doc, qtbot):
    shot = doc.shot("s")
    keys = [shot.keys[0].model_copy(update={"focus_m": 2.0}), shot.keys[1].model_copy(update={"focus_m": 6.0})]
    doc.set_shot_fields("s", keys=keys)
    editor = CurveEditor(doc)
    editor.resize(900, 700)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    assert editor.values["focus"][0] == pytest.approx(2.0) and editor.values["focus"][47] == pytest.approx(6.0)
    assert len(editor.points["focus"].data) == 2 and editor.values["t_stop"][0] == pytest.approx(2.8)
    for plot in editor.plots.values():
        plot.vb.setXRange(0, 47, padding=0.05)
    qtbot.wait(50)
    start = editor.key_widget_pos("focus", 1)
    box = editor.boxes["focus"]
    from PySide6.QtCore import QPoint

    top = box.mapSceneToView(editor.graphics.mapToScene(start - QPoint(0, 20)))
    here = box.mapSceneToView(editor.graphics.mapToScene(start))
    steps = doc.undo_stack.count()
    drag(qtbot, editor.graphics.viewport(), start, start - QPoint(0, 20))
    assert doc.shot("s").keys[1].focus_m == pytest.approx(6.0 + top.y() - here.y(), abs=0.05)
    assert doc.undo_stack.count() == steps + 1
