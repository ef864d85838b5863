"""A gamepad in pilot mode, driven by a scripted source: the same code path as a real pad."""

import numpy as np
import pytest

from app.document import Document
from app.viewport3d.gamepad_input import GamepadPilot, ScriptedGamepad
from engine.camera.gamepad import MOVE_M_PER_S, RECORD_BUTTON, TURN_DEG_PER_S, GamepadState
from engine.demo import build_demo_project

pytestmark = pytest.mark.usefixtures("needs_gl")
DT = 1 / 60


@pytest.fixture
def vp(qtbot):
    from app.viewport3d.viewport import Viewport

    doc = Document(build_demo_project())
    view = Viewport(doc)
    view.canvas.native.setFixedSize(640, 360)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    doc.seek(doc.project.shot_start_frames()[2] + 20)
    view.set_look_through(True)
    view.gamepad.timer.stop()  # the test is the clock
    return view


def _camera(vp):
    shot, frame = vp.document.locate()
    return vp.document.camera(shot).c2w[frame].copy()


def _play(pad: GamepadPilot, states):
    pad.source = ScriptedGamepad(states)
    for _ in range(len(states) + 1):  # and one poll at rest, which ends the gesture
        pad.step(DT)


def test_the_left_stick_dollies_and_trucks_in_the_cameras_axes_as_one_undo_step(vp):
    doc = vp.document
    before = _camera(vp)
    steps = doc.undo_stack.count()
    _play(vp.gamepad, [GamepadState(left_y=-1.0)] * 30)  # half a second full forward
    after = _camera(vp)
    assert np.allclose(after[:3, 3] - before[:3, 3], 30 * DT * MOVE_M_PER_S * -before[:3, 2], atol=1e-6)
    assert np.allclose(after[:3, :3], before[:3, :3], atol=1e-6)
    assert doc.undo_stack.count() == steps + 1
    before = after
    _play(vp.gamepad, [GamepadState(left_x=1.0)] * 12)
    after = _camera(vp)
    assert np.allclose(after[:3, 3] - before[:3, 3], 12 * DT * MOVE_M_PER_S * before[:3, 0], atol=1e-6)
    doc.undo_stack.undo()
    assert np.allclose(_camera(vp), before, atol=1e-9)


def test_the_right_stick_pans_and_tilts_without_moving_the_camera(vp):
    before = _camera(vp)
    _play(vp.gamepad, [GamepadState(right_x=1.0)] * 20)  # pan right
    after = _camera(vp)
    assert np.allclose(after[:3, 3], before[:3, 3], atol=1e-9)
    fwd0, fwd1 = -before[:3, 2], -after[:3, 2]
    yaw = np.degrees(np.arctan2(fwd0[0], -fwd0[2]) - np.arctan2(fwd1[0], -fwd1[2]))
    assert yaw == pytest.approx(-20 * DT * TURN_DEG_PER_S, abs=1e-6)  # turned to the right (+x)
    before = after
    _play(vp.gamepad, [GamepadState(right_y=-1.0)] * 20)  # tilt up
    after = _camera(vp)
    pitch = lambda c: np.degrees(np.arcsin(-c[1, 2]))  # noqa: E731
    assert pitch(after) - pitch(before) == pytest.approx(20 * DT * TURN_DEG_PER_S, abs=1e-6)


def test_the_record_button_records_a_take_that_the_sticks_operate(vp):
    doc = vp.document
    steps = doc.undo_stack.count()
    vp.gamepad.source = ScriptedGamepad([GamepadState(buttons=frozenset({RECORD_BUTTON}))])
    vp.gamepad.step(DT)
    assert vp.recorder.recording
    vp.recorder.timer.stop()
    start = vp.recorder.live[0].copy()
    _play(vp.gamepad, [GamepadState(left_y=-1.0)] * 10)
    assert np.allclose(vp.recorder.live[0][:3, 3] - start[:3, 3], 10 * DT * MOVE_M_PER_S * -start[:3, 2], atol=1e-6)
    vp.recorder.sample(5)
    assert doc.undo_stack.count() == steps  # nothing lands while recording
    vp.gamepad.source = ScriptedGamepad([GamepadState(buttons=frozenset({RECORD_BUTTON}))])
    vp.gamepad.step(DT)
    assert not vp.recorder.recording and doc.undo_stack.count() == steps + 1
