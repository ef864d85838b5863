"""The planner panel: proposals from words, shown with their paths and what was not understood;
Accept is one undo step."""

import pytest

from app.document import Document
from app.ui.planner_panel import PlannerPanel
from engine.demo import build_demo_project

TEXT = "Shot 1: wide shot of Mara and Jonas, slow crane down.\nShot 2: close-up of Mara, push in, wibbly.\nShot 3: reverse on Jonas."


@pytest.fixture
def panel(qtbot):
    widget = PlannerPanel(Document(build_demo_project()))
    widget.resize(360, 800)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_proposals_show_paths_choices_and_the_words_not_understood(panel):
    panel.text.setPlainText(TEXT)
    panel.alternatives.setValue(3)
    panel.propose()
    assert panel.proposals.count() == 3 and panel.accept_button.isEnabled()
    assert len(panel.top_view.paths) == 3
    report = panel.report.text()
    assert "not understood: wibbly" in report and "crane down" in report
    # The three proposals differ (other side of the line, height, speed or lens).
    firsts = {tuple(round(v, 3) for v in plan.shots[0].shot.keys[0].position) for plan in panel.plans}
    assert len(firsts) == 3
    image = panel.top_view.grab().toImage()
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)}
    assert "#e07a5f" in colours  # the first shot's path is drawn


def test_accepting_replaces_the_shots_in_one_undo_step(panel):
    doc = panel.document
    before = doc.project
    panel.text.setPlainText(TEXT)
    panel.global_prompt.setText("Dusk on a rooftop")
    panel.propose()
    panel.proposals.setCurrentRow(1)
    panel.accept()
    plan = panel.plans[1]
    assert [s.name for s in doc.project.shots] == [p.shot.name for p in plan.shots]
    assert doc.project.prompt == "Dusk on a rooftop"
    assert doc.selected_shot == plan.shots[0].shot.id
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.project == before
    doc.undo_stack.redo()
    assert len(doc.project.shots) == 3


def test_inserting_after_the_selected_shot_keeps_the_others(panel):
    doc = panel.document
    names = [s.name for s in doc.project.shots]
    doc.select(doc.project.shots[1].id)
    panel.text.setPlainText("Close-up of Mara, slow push in.")
    panel.propose()
    panel.mode.setCurrentIndex(1)
    panel.accept()
    got = [s.name for s in doc.project.shots]
    assert got[:2] == names[:2] and got[3:] == names[2:] and len(got) == 5


def test_empty_words_are_refused_with_a_reason(panel):
    panel.text.setPlainText("   ")
    panel.propose()
    assert "empty" in panel.error.text()
    assert panel.proposals.count() == 0 and not panel.accept_button.isEnabled()


def test_the_map_from_above_names_people_and_shots_without_overlapping_at_the_docks_size(panel):
    from PySide6.QtGui import QFontMetrics

    from app.label_placement import overlaps

    panel.text.setPlainText(TEXT)
    panel.propose()
    view = panel.top_view
    view.setFixedSize(280, 110)  # the planner dock's map in the default layout: the demo's twelve names crowd it
    boxes = view.label_boxes(view.transform(), QFontMetrics(view.font()))
    shown = [text for text, _, _ in boxes]
    assert {"Mara", "Jonas", "1", "2", "3"} <= set(shown)
    assert len(shown) < len(view.subjects) + len(view.paths)  # some set pieces had to give way
    for i, (_, a, _) in enumerate(boxes):
        assert 0 <= a[0] and a[2] <= 280 and 0 <= a[1] and a[3] <= 110
        assert not any(overlaps(a, b, 0.0) for _, b, _ in boxes[i + 1:])
    # and what is drawn is the text in those boxes: light pixels inside Mara's box
    image = view.grab().toImage()
    x0, y0, x1, y1 = next(box for text, box, _ in boxes if text == "Mara")
    light = [image.pixelColor(x, y).lightness() for x in range(int(x0), int(x1)) for y in range(int(y0), int(y1))]
    assert max(light) > 180
