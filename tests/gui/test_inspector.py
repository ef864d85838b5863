"""The inspector edits the selected shot and key through the document, and describes the camera."""

import pytest
from scipy.spatial.transform import Rotation

from app.document import Document
from app.ui.inspector import Inspector
from engine.camera.conventions import pan_tilt_roll
from engine.demo import build_demo_project


@pytest.fixture
def inspector(qtbot):
    doc = Document(build_demo_project())
    widget = Inspector(doc)
    qtbot.addWidget(widget)
    return widget


def test_it_shows_the_selected_shot_and_describes_it(inspector):
    doc = inspector.document
    doc.select(doc.project.shots[3].id, 0)
    assert inspector.name.text() == "Mara close-up push"
    assert inspector.duration.value() == 96 and inspector.focal.value() == 40.0
    assert inspector.description.text() == "Medium close-up of Mara, eye level: slow push in."  # a close-up runs chin to forehead (issue 23)
    assert inspector.key_box.isEnabled() and inspector.frame.value() == 0


def test_a_move_from_the_menu_is_one_step_and_the_description_follows(inspector):
    doc = inspector.document
    doc.select(doc.project.shots[1].id)
    inspector.apply_move("pan_left")
    assert doc.undo_stack.count() == 1
    assert inspector.description.text().endswith(": pan left.")
    doc.undo_stack.undo()
    assert inspector.description.text().endswith(": static.")


def test_editing_pan_of_a_key_turns_the_camera(inspector):
    doc = inspector.document
    shot = doc.project.shots[1]
    doc.select(shot.id, 0)
    pan = inspector.angles[0].value()
    inspector.angles[0].setValue(pan + 10.0)
    key = doc.shot(shot.id).keys[0]
    assert pan_tilt_roll(Rotation.from_quat(key.orientation))[0] == pytest.approx(pan + 10.0, abs=1e-6)
    assert doc.undo_stack.count() == 1


def test_a_bad_value_is_refused_with_the_reason_and_nothing_changes(inspector):
    doc = inspector.document
    shot = doc.project.shots[0]
    doc.select(shot.id)
    inspector.name.setText("   ")  # a shot needs a name
    inspector.name.editingFinished.emit()
    assert doc.shot(shot.id).name == shot.name and doc.undo_stack.count() == 0
    assert "name" in inspector.error.text()
    assert inspector.name.text() == shot.name  # the field shows the project again


def test_the_takes_menu_switches_the_camera_to_a_recorded_take(inspector):
    from engine.project import Take

    doc = inspector.document
    shot = doc.project.shots[1]
    take = Take(name="Take 1", keys=[shot.keys[0].model_copy(update={"position": (2.0, 1.5, 2.0)})])
    doc.set_shot_fields(shot.id, takes=[take])
    doc.select(shot.id)
    assert [inspector.takes.itemText(i) for i in range(inspector.takes.count())] == ["(choose a take)", "Take 1"]
    inspector.takes.activated.emit(1)
    assert doc.shot(shot.id).keys == take.keys and doc.undo_stack.count() == 2
