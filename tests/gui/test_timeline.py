"""The shot timeline, driven with the mouse: geometry in pixels, selection, trim, reorder, scrub."""

import pytest
from PySide6.QtCore import QPoint, Qt

from app.document import Document
from app.ui.timeline import CLIP_TOP, Timeline, timecode
from engine.demo import build_demo_project


@pytest.fixture
def timeline(qtbot):
    doc = Document(build_demo_project())
    widget = Timeline(doc)
    widget.resize(1600, 120)
    widget.px_per_frame = 4.0
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_clips_are_proportional_to_duration_and_back_to_back(timeline):
    durations = [s.duration for s in timeline.document.project.shots]  # 120, 72, 72, 96
    rects = [timeline.clip_rect(i) for i in range(len(durations))]
    assert [r.width() for r in rects] == [d * 4.0 for d in durations]
    assert [r.left() for r in rects] == [0.0, 480.0, 768.0, 1056.0]


def test_clicking_a_clip_selects_it_and_its_key_ticks_are_drawn(timeline, qtbot):
    doc = timeline.document
    y = CLIP_TOP + 30
    qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(1100, y))
    assert doc.selected_shot == doc.project.shots[3].id
    image = timeline.grab().toImage()
    # The push-in has keys at frames 0 and 95: ticks under the clip at x = 1056 + 2 and 1056 + 382.
    tick_y = CLIP_TOP + 64 + 5
    assert image.pixelColor(1058, tick_y).red() > 200
    assert image.pixelColor(1438, tick_y).red() > 200
    assert image.pixelColor(1250, tick_y).red() < 100


def test_dragging_the_right_edge_trims_in_one_undo_step(timeline, qtbot):
    doc = timeline.document
    shot = doc.project.shots[1]  # right edge at x = 768
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=QPoint(767, CLIP_TOP + 30))
    for x in range(770, 817, 4):
        qtbot.mouseMove(timeline, QPoint(x, CLIP_TOP + 30))
    qtbot.mouseMove(timeline, QPoint(815, CLIP_TOP + 30))
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(815, CLIP_TOP + 30))
    assert doc.shot(shot.id).duration == 72 + 12  # 48 px at 4 px a frame
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.shot(shot.id).duration == 72
    doc.undo_stack.redo()
    assert doc.shot(shot.id).duration == 84


def test_dragging_a_clip_reorders_the_shots(timeline, qtbot):
    doc = timeline.document
    ids = [s.id for s in doc.project.shots]
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=QPoint(100, CLIP_TOP + 30))
    qtbot.mouseMove(timeline, QPoint(600, CLIP_TOP + 30))
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(1000, CLIP_TOP + 30))
    assert [s.id for s in doc.project.shots] == [ids[1], ids[2], ids[0], ids[3]]


def test_the_ruler_scrubs_and_reads_timecode(timeline, qtbot):
    with qtbot.waitSignal(timeline.playheadChanged) as blocker:
        qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(482, 5))
    assert blocker.args == [120]
    assert timecode(120, 24.0) == "00:00:05:00" and timecode(24 * 3661 + 7, 24.0) == "01:01:01:07"


def test_ctrl_wheel_zooms_about_the_mouse(timeline):
    frame_under_mouse = timeline.x_to_frame(500)
    timeline.set_zoom(8.0, anchor_x=500)
    assert timeline.x_to_frame(500) == pytest.approx(frame_under_mouse)
    assert timeline.clip_rect(0).width() == 120 * 8.0
