"""The preview player: it shows what the camera at the playhead sees, and the transport keys work."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from app.document import Document
from app.ui.preview import PreviewPlayer
from engine.camera.interpolate import evaluate_sequence
from engine.demo import build_demo_project
from engine.grid.sequence import GridOptions, GridRenderer


@pytest.fixture
def player(qtbot):
    widget = PreviewPlayer(Document(build_demo_project()))
    widget.resize(900, 500)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _shown(player) -> np.ndarray:
    image = player.view.image
    return np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())[:, : image.width() * 3].reshape(image.height(), image.width(), 3)


def test_it_shows_the_greybox_frame_of_the_shot_under_the_playhead_and_the_grid_on_request(player):
    from engine.greybox.shots import GreyboxShots

    project = player.document.project
    player.set_frame(120 + 72 + 10)  # frame 10 of the third shot
    w, h = player.view.image.width(), player.view.image.height()
    assert w / h == pytest.approx(project.aspect, rel=0.01)
    if player._renderer.is_greybox:  # where there is OpenGL (EGL) at all
        want = GreyboxShots(project, evaluate_sequence(project), (w, h)).render_frame(2, 10)["beauty"]
        assert np.abs(_shown(player).astype(int) - want).max() <= 1
    player.grid_toggle.setChecked(True)
    want = GridRenderer(evaluate_sequence(project), GridOptions(size=(w, h), transition_frames=0)).render_frame(2, 10)
    assert np.array_equal(_shown(player), want)
    assert player.view.burn_in[0].startswith("3  ") and "11/72" in player.view.burn_in[0]
    assert player.view.burn_in[1].endswith("00:00:08:10")  # sequence frame 202 at 24 fps


def test_an_edit_redraws_the_frame(player):
    doc = player.document
    player.set_frame(5)
    before = _shown(player).copy()
    shot = doc.project.shots[0]
    key = shot.keys[0].model_copy(update={"position": (shot.keys[0].position[0] + 1.0, *shot.keys[0].position[1:])})
    doc.set_key(shot.id, 0, key)
    assert not np.array_equal(_shown(player), before)


def test_arrow_keys_home_and_end_step_and_jump(player, qtbot):
    seen = []
    player.frameChanged.connect(seen.append)
    player.set_frame(10)
    qtbot.keyClick(player, Qt.Key.Key_Right)
    qtbot.keyClick(player, Qt.Key.Key_Right)
    qtbot.keyClick(player, Qt.Key.Key_Left)
    assert player.frame == 11 and seen == [10, 11, 12, 11]
    qtbot.keyClick(player, Qt.Key.Key_End)
    assert player.frame == player.document.project.total_frames - 1
    qtbot.keyClick(player, Qt.Key.Key_Home)
    assert player.frame == 0


def test_looping_the_selected_shot_keeps_the_playhead_inside_it(player, qtbot):
    doc = player.document
    doc.select(doc.project.shots[1].id)
    player.mode.setCurrentIndex(1)
    assert player.range() == (120, 191)
    qtbot.keyClick(player, Qt.Key.Key_Home)
    assert player.frame == 120
    qtbot.keyClick(player, Qt.Key.Key_End)
    assert player.frame == 191
    frames = [player.frame]
    player.frameChanged.connect(frames.append)
    player.play(1, 8)  # 8x: the 72-frame shot wraps within half a second on an idle machine
    # Waited for, not timed: on a busy machine a tick can take longer than a frame's worth.
    qtbot.waitUntil(lambda: any(b < a for a, b in zip(frames, frames[1:])) or any(not 120 <= f <= 191 for f in frames), timeout=15000)
    player.stop()
    assert all(120 <= f <= 191 for f in frames)  # it wrapped round to the start, never leaving the shot


def test_j_k_l_and_space(player, qtbot):
    player.set_frame(50)
    qtbot.keyClick(player, Qt.Key.Key_L)
    assert player.playing and player.direction == 1 and player.speed == 1
    qtbot.keyClick(player, Qt.Key.Key_L)
    assert player.speed == 2  # L again: faster
    qtbot.waitUntil(lambda: player.frame > 50, timeout=10000)  # waited for, not timed (a busy machine ticks late)
    qtbot.keyClick(player, Qt.Key.Key_K)
    assert not player.playing and player.frame > 50
    stopped = player.frame
    qtbot.keyClick(player, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: player.frame < stopped, timeout=10000)
    qtbot.keyClick(player, Qt.Key.Key_Space)
    assert not player.playing and player.frame < stopped
    qtbot.keyClick(player, Qt.Key.Key_Space)
    assert player.playing and player.direction == 1
    player.stop()


def test_the_sequence_stops_at_its_end(player, qtbot):
    player.set_frame(player.document.project.total_frames - 3)
    player.play(1, 1)
    qtbot.waitUntil(lambda: not player.playing, timeout=10000)
    assert player.frame == player.document.project.total_frames - 1


@pytest.mark.parametrize("size", [(320, 160), (380, 220), (520, 260), (900, 500), (1920, 1080)])
def test_burn_ins_never_overlap_and_stay_in_the_frame_at_any_size(player, qtbot, size):
    player.view.setFixedSize(*size)
    qtbot.wait(10)
    project = player.document.project
    for frame in (0, 120 + 20, project.total_frames - 1):
        player.set_frame(frame)
        boxes = player.view.burn_in_boxes()
        assert len(boxes) == 2
        (a, _), (b, _) = boxes
        assert not a.intersects(b), (size, a, b)
        frame_rect = player.view.image_rect()
        for box, _text in boxes:
            assert frame_rect.contains(box), (size, box, frame_rect)
