"""Pilot mode: operating the shot's camera from its own view with the keys, the mouse and the wheel."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from scipy.spatial.transform import Rotation

from app.document import Document
from engine.camera.pilot import PilotMove, piloted
from engine.demo import build_demo_project
from tests.gui.mouse import drag

W, H = 800, 480


pytestmark = pytest.mark.usefixtures("needs_gl")  # tests/gui/conftest.py


@pytest.fixture
def vp(qtbot):
    from app.viewport3d.viewport import Viewport

    doc = Document(build_demo_project())
    view = Viewport(doc)
    view.canvas.native.setFixedSize(W, H)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    doc.seek(doc.project.shot_start_frames()[2] + 20)  # "Reverse on Jonas", between its keys
    view.set_look_through(True)
    view.render()
    return view


def _camera(vp):
    shot, frame = vp.document.locate()
    path = vp.document.camera(shot)
    return path.c2w[frame].copy(), float(path.focal_mm[frame])


def test_keys_dolly_truck_and_pedestal_in_the_cameras_own_axes(vp, qtbot):
    doc = vp.document
    for key, axis, sign in ((Qt.Key.Key_W, "forward", 1), (Qt.Key.Key_D, "right", 1), (Qt.Key.Key_Q, "up", -1)):
        before, _ = _camera(vp)
        steps = doc.undo_stack.count()
        QTest.keyClick(vp.canvas.native, key)
        after, _ = _camera(vp)
        direction = {"forward": -before[:3, 2], "right": before[:3, 0], "up": np.array([0.0, 1.0, 0.0])}[axis]
        assert np.allclose(after[:3, 3] - before[:3, 3], sign * 0.1 * direction, atol=1e-6)
        assert np.allclose(after[:3, :3], before[:3, :3], atol=1e-6)  # moving does not turn it
        assert doc.undo_stack.count() == steps + 1
    QTest.keyClick(vp.canvas.native, Qt.Key.Key_W, Qt.KeyboardModifier.ShiftModifier)  # faster
    assert doc.undo_stack.count() == steps + 2


def test_a_held_key_is_one_undo_step(vp, qtbot):
    doc = vp.document
    before, _ = _camera(vp)
    steps = doc.undo_stack.count()
    for _ in range(4):  # a held key repeats its press
        QTest.keyPress(vp.canvas.native, Qt.Key.Key_S)
    QTest.keyRelease(vp.canvas.native, Qt.Key.Key_S)
    after, _ = _camera(vp)
    assert np.allclose(after[:3, 3] - before[:3, 3], 0.4 * before[:3, 2], atol=1e-6)  # 40 cm back
    assert doc.undo_stack.count() == steps + 1
    doc.undo_stack.undo()
    assert np.allclose(_camera(vp)[0], before, atol=1e-9)


def test_dragging_in_the_look_through_pans_and_tilts_with_the_mouse(vp, qtbot):
    doc = vp.document
    before, _ = _camera(vp)
    steps = doc.undo_stack.count()
    h_fov, _v = vp._look_through_fov()
    drag(qtbot, vp.canvas.native, QPoint(400, 240), QPoint(480, 200))  # 80 px right, 40 px up
    after, _ = _camera(vp)
    pan_b, tilt_b, _ = Rotation.from_matrix(before[:3, :3]).as_euler("YXZ", degrees=True)
    pan_a, tilt_a, _ = Rotation.from_matrix(after[:3, :3]).as_euler("YXZ", degrees=True)
    assert pan_b - pan_a == pytest.approx(80 * h_fov / W, abs=0.05)  # to the right
    assert tilt_a - tilt_b == pytest.approx(40 * h_fov / W, abs=0.05)  # and up
    assert abs(after[:3, 0][1]) < 1e-6  # the horizon stays level: the camera's right has no height
    assert np.allclose(after[:3, 3], before[:3, 3])
    assert doc.undo_stack.count() == steps + 1


def test_the_wheel_zooms_the_lens_and_the_frame_says_lens_height_and_distance(vp, qtbot):
    _, focal = _camera(vp)
    vp._on_wheel(type("Wheel", (), {"delta": (0.0, 1.0)})())
    assert _camera(vp)[1] == pytest.approx(focal * 1.1)
    vp.render()
    caption = vp.overlay.caption.text
    assert f"{focal * 1.1:.0f} mm" in caption and "height" in caption and "m to subject" in caption


def test_pilot_maths_moves_in_camera_axes_for_any_pose():
    rng = np.random.default_rng(4)
    for _ in range(20):
        c2w = np.eye(4)
        c2w[:3, :3] = Rotation.from_euler("YXZ", [rng.uniform(-180, 180), rng.uniform(-60, 60), 0.0], degrees=True).as_matrix()
        c2w[:3, 3] = rng.normal(size=3)
        move = PilotMove(dolly=rng.normal(), truck=rng.normal(), pedestal=rng.normal())
        out, focal = piloted(c2w, 35.0, move)
        want = c2w[:3, 3] - move.dolly * c2w[:3, 2] + move.truck * c2w[:3, 0] + [0.0, move.pedestal, 0.0]
        assert np.allclose(out[:3, 3], want) and focal == 35.0


def test_a_recorded_take_of_a_scripted_input_replays_it_and_takes_can_be_switched(vp, qtbot):
    doc = vp.document
    shot, _ = doc.locate()
    original = list(shot.keys)
    steps = doc.undo_stack.count()
    QTest.keyClick(vp.canvas.native, Qt.Key.Key_R)  # record
    assert vp.recorder.recording
    vp.recorder.timer.stop()  # the test is the clock: one scripted input per frame
    want = {}
    for frame in range(shot.duration):
        vp.pilot(PilotMove(pan=0.4, dolly=0.01 * np.sin(frame / 6)))
        vp.recorder.sample(frame)
        want[frame] = vp.recorder.live[0].copy()
    assert doc.undo_stack.count() == steps  # nothing lands while recording
    QTest.keyClick(vp.canvas.native, Qt.Key.Key_R)  # stop
    assert not vp.recorder.recording and doc.undo_stack.count() == steps + 1
    shot = doc.shot(shot.id)
    got = doc.camera(shot).c2w
    for frame, pose in want.items():
        assert np.linalg.norm(got[frame, :3, 3] - pose[:3, 3]) < 0.01
        turn = Rotation.from_matrix(got[frame, :3, :3]).inv() * Rotation.from_matrix(pose[:3, :3])
        assert np.rad2deg(turn.magnitude()) < 0.2
    assert [t.name for t in shot.takes] == ["Take 1"] and len(shot.keys) < shot.duration / 2
    doc.set_shot_fields(shot.id, keys=original)  # back to the keyed move, then to the take again
    doc.use_take(shot.id, 0)
    assert np.allclose(doc.camera(shot.id).c2w, got)
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.shot(shot.id).keys == original and not doc.shot(shot.id).takes
