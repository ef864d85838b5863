"""Project Settings: resolution presets and frame handles, validated, as one undo step."""

from __future__ import annotations

import pytest

from app.document import Document
from app.ui.settings_dialog import CUSTOM, SettingsDialog
from engine.demo import build_demo_project


@pytest.fixture
def doc(qtbot):
    return Document(build_demo_project())


def test_a_resolution_preset_sets_its_aspect_and_lands_with_the_handles_as_one_step(doc, qtbot):
    dialog = SettingsDialog(doc)
    qtbot.addWidget(dialog)
    assert dialog.resolution.currentText().startswith("From the aspect") and (dialog.res_w.value(), dialog.res_h.value()) == doc.project.frame_size()
    dialog.aspect.setCurrentText("16:9")
    dialog.resolution.setCurrentText("2048 × 858 (2K scope)")
    assert dialog.aspect.currentText() == "2.39"  # the preset's aspect
    dialog.handles.setValue(8)
    steps = doc.undo_stack.count()
    dialog.accept()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    dialog.apply()
    assert doc.undo_stack.count() == steps + 1
    assert doc.project.resolution == (2048, 858) and doc.project.handles == 8 and doc.project.aspect == 2.39
    doc.undo_stack.undo()
    assert doc.project.resolution is None and doc.project.handles == 0
    again = SettingsDialog(doc.__class__(doc.project.model_copy(update={"resolution": (2048, 858), "handles": 8})))
    qtbot.addWidget(again)
    assert again.resolution.currentText() == "2048 × 858 (2K scope)" and again.handles.value() == 8


def test_a_new_aspect_refits_a_custom_resolution_and_a_mismatch_is_refused_in_the_dialog(doc, qtbot):
    dialog = SettingsDialog(doc)
    qtbot.addWidget(dialog)
    dialog.resolution.setCurrentText("1920 × 1080 (HD)")
    assert dialog.aspect.currentText() == "16:9"
    dialog.aspect.setCurrentText("1.85")  # the width stays, the height follows
    assert dialog.resolution.currentText() == CUSTOM and (dialog.res_w.value(), dialog.res_h.value()) == (1920, 1038)
    dialog.res_h.setValue(1200)  # now 1.6:1 against a 1.85 delivery
    steps = doc.undo_stack.count()
    dialog.accept()
    assert dialog.result() != SettingsDialog.DialogCode.Accepted and "delivery aspect" in dialog.error.text()
    assert doc.undo_stack.count() == steps and doc.project.resolution is None
