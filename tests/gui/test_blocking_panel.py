"""The Blocking panel: library adds, field edits and keys, each one undo step."""

from __future__ import annotations

import pytest

from app.document import Document
from app.ui.blocking_panel import BlockingPanel
from engine.demo import build_demo_project


@pytest.fixture
def panel(qtbot, tmp_path):
    widget = BlockingPanel(Document(build_demo_project(), tmp_path / "p.shotline"))
    qtbot.addWidget(widget)
    return widget


def test_adding_a_set_piece_and_a_person_is_one_undo_step_each(panel):
    doc = panel.document
    before = len(doc.project.subjects)
    chair = panel.add("chair")
    person = panel.add("Person")
    added = {s.name: s for s in doc.project.subjects[before:]}
    assert added[chair].kind == "set piece" and added[chair].shape == "chair"
    assert added[person].is_person and panel.selected().name == person
    doc.undo_stack.undo()
    assert person not in {s.name for s in doc.project.subjects} and chair in {s.name for s in doc.project.subjects}
    doc.undo_stack.undo()
    assert len(doc.project.subjects) == before


def test_editing_facing_and_pose_changes_the_subject_in_one_step(panel, qtbot):
    doc = panel.document
    panel.select("Mara")
    count = doc.undo_stack.count()
    panel.facing.setValue(-45.0)
    panel.pose.setCurrentText("point")
    panel._commit()  # what editingFinished / a pose pick does
    mara = doc.project.subject("Mara")
    assert mara.facing == -45.0 and mara.pose == "point"
    assert doc.undo_stack.count() == count + 1
    doc.undo_stack.undo()
    assert doc.project.subject("Mara").facing == 90.0


def test_key_at_playhead_adds_a_subject_key_to_the_shot_under_it(panel):
    doc = panel.document
    panel.select("Jonas")
    start = doc.project.shot_start_frames()[2]
    panel.document.seek(start + 30)
    panel.x.setValue(1.5)
    panel._commit()
    panel.key_at_playhead()
    keys = [k for k in doc.project.shots[2].subject_keys if k.subject == "Jonas"]
    assert any(k.frame == 30 and k.position[0] == 1.5 and k.facing == doc.project.subject("Jonas").facing for k in keys)


def test_a_subject_the_camera_follows_is_not_removed(panel):
    doc = panel.document
    panel.select("Mara")  # the close-up's push-in keeps her framed
    names = [s.name for s in doc.project.subjects]
    assert any(k.look_at == "Mara" for k in doc.project.shots[3].keys)
    panel.remove()
    assert [s.name for s in doc.project.subjects] == names and "follows" in panel.message.text()
    panel.select("Water tank")
    panel.remove()
    assert "Water tank" not in {s.name for s in doc.project.subjects}
