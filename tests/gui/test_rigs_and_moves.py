"""Rigs and kept moves in the app: the inspector's panels, dragging and piloting a rigged camera,
and the rig drawn in the viewport."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint

from app.document import Document
from app.ui.inspector import Inspector
from engine.camera.bake import DEFAULT_ROT_TOL_DEG, path_length
from engine.camera.conventions import look_at_rotation
from engine.camera.rigs import DollyRig
from engine.camera.rigs.evaluate import key_channels
from engine.project import CameraKey, Project, Shot, Subject
from tests.gui.mouse import drag

W, H = 800, 480


def _project() -> Project:
    quat = tuple(float(v) for v in look_at_rotation((0.0, 1.6, 6.0), (0.0, 1.5, 0.0)).as_quat())
    keys = [CameraKey(frame=0, position=(0.0, 1.6, 6.0), orientation=quat), CameraKey(frame=47, position=(2.0, 1.8, 5.0), orientation=quat)]
    return Project(subjects=[Subject(name="Mara", position=(0.0, 0.0, 0.0))], shots=[Shot(id="s", name="Shot", duration=48, keys=keys)])


@pytest.fixture
def inspector(qtbot):
    widget = Inspector(Document(_project()))
    qtbot.addWidget(widget)
    widget.document.select("s", 1)
    return widget


def _choose(combo, index: int) -> None:
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # what a click on the item sends


def _on_track(rig: DollyRig, p) -> float:
    return float(np.linalg.norm(rig.positions(rig.channels(np.asarray(p, float)[None]))[0] - p))


def test_the_inspector_puts_the_camera_on_a_crane_and_keys_stay_on_its_arms_sphere(inspector):
    doc, panel = inspector.document, inspector.rig_panel
    _choose(panel.kind, 2)  # Crane / jib
    rig = doc.shot("s").rig
    assert rig.kind == "crane" and doc.undo_stack.count() == 1 and panel.pages.currentIndex() == 2

    def radius(i):
        return np.linalg.norm(np.asarray(doc.shot("s").keys[i].position) - rig.pivot)

    assert radius(0) == pytest.approx(rig.arm) and radius(1) == pytest.approx(rig.arm)
    inspector.position[1].setValue(4.0)  # typing a height the arm cannot reach: the key lands on the sphere
    assert radius(1) == pytest.approx(rig.arm, abs=1e-9) and doc.undo_stack.count() == 2
    target = panel.swing.value() + 30.0
    panel.swing.setValue(target)  # the key set in rig space: its swing is what was typed
    swung = key_channels(doc.shot("s"), doc.shot("s").keys[1])[0]
    assert (swung - target + 180.0) % 360.0 - 180.0 == pytest.approx(0.0, abs=1e-9)  # a heading: 183.4° is -176.6°
    assert radius(1) == pytest.approx(rig.arm, abs=1e-9) and doc.undo_stack.count() == 3
    swing = panel.swing.value()
    panel.arm.setValue(5.0)  # a longer arm: the keys keep their swing and boom
    rig = doc.shot("s").rig
    assert rig.arm == 5.0 and radius(0) == pytest.approx(5.0) and radius(1) == pytest.approx(5.0)
    assert panel.swing.value() == pytest.approx(swing, abs=0.05)
    path = doc.camera("s")
    assert np.allclose(np.linalg.norm(path.positions - rig.pivot, axis=1), 5.0, atol=1e-9)
    steps = doc.undo_stack.count()
    doc.undo_stack.undo()
    assert doc.shot("s").rig.arm == 3.0 and doc.undo_stack.index() == steps - 1  # one step per edit


def test_a_dolly_key_typed_in_the_inspector_stays_on_its_track(inspector):
    doc, panel = inspector.document, inspector.rig_panel
    _choose(panel.kind, 1)
    rig = doc.shot("s").rig
    assert rig.kind == "dolly" and rig.length > 1.0
    inspector.position[2].setValue(9.0)  # off the track
    key = doc.shot("s").keys[1]
    assert _on_track(rig, key.position) < 1e-9
    panel.along.setValue(0.5)
    assert float(rig.channels(np.asarray(doc.shot("s").keys[1].position)[None])[0, 0]) == pytest.approx(0.5, abs=1e-6)


def test_editing_a_kept_move_changes_the_cameras_in_one_undo_step_and_converting_keeps_them(inspector):
    doc, panel = inspector.document, inspector.move_panel
    doc.select("s", -1)
    inspector.apply_move("push_in")
    shot = doc.shot("s")
    assert shot.move.name == "push_in" and shot.move.subject is None and panel.amount.isEnabled()
    before = doc.camera("s").positions.copy()
    steps = doc.undo_stack.count()
    panel.amount.setValue(2.5)
    after = doc.camera("s")
    assert np.linalg.norm(after.positions[-1] - after.positions[0]) == pytest.approx(2.5, abs=1e-9)
    assert not np.allclose(after.positions, before) and doc.undo_stack.count() == steps + 1
    panel.frames.setValue(24)  # the move now takes a second
    assert np.allclose(doc.camera("s").positions[23:], doc.camera("s").positions[-1])
    _choose(panel.easing, 3)  # linear
    speed = np.linalg.norm(np.diff(doc.camera("s").positions[:24], axis=0), axis=1)
    assert np.allclose(speed, speed[0])
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert np.allclose(doc.camera("s").positions, before)  # each edit was one step
    doc.undo_stack.redo()
    moved = doc.camera("s")
    panel.convert.click()
    shot = doc.shot("s")
    assert shot.move is None and len(shot.keys) >= 2 and not panel.convert.isEnabled()
    keyed = doc.camera("s")
    tol = max(0.01 * path_length(moved.positions), 0.005)
    assert np.abs(keyed.positions - moved.positions).max() <= tol + 1e-9
    assert np.rad2deg((keyed.rotations.inv() * moved.rotations).magnitude()).max() <= DEFAULT_ROT_TOL_DEG + 1e-6


def test_a_move_that_cannot_run_is_refused_with_its_reason(inspector):
    doc = inspector.document
    doc.select("s", -1)
    inspector.apply_move("arc_left")  # no subject to go round
    assert doc.shot("s").move is None and "subject" in inspector.error.text()


# -- the viewport (OpenGL under Xvfb) ----------------------------------------------------------------


@pytest.fixture
def vp(qtbot, needs_gl):
    from app.viewport3d.viewport import Viewport

    project = _project()
    rig = DollyRig(track=[(-3.0, 0.0, 6.0), (3.0, 0.0, 6.0)], height=1.6)
    shot = project.shots[0].model_copy(update={"rig": rig})
    doc = Document(project.model_copy(update={"shots": [shot]}))
    view = Viewport(doc)
    view.canvas.native.setFixedSize(W, H)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.render()
    return view


def test_the_track_is_drawn_where_its_rails_project_and_a_key_dragged_off_it_stays_on_it(vp, qtbot):
    from app.viewport3d.view_math import Orbit

    vp.set_orbit(Orbit(center=(0.0, 0.0, 6.0), azimuth=0.0, elevation=90.0, distance=8.0, ortho=True))
    image = vp.render()
    rail = np.array([1.5, 0.0, 6.0 + 0.31])  # on the near rail, between sleepers and floor grid lines
    px = np.round(vp.pixel_of(rail)).astype(int)
    window = image[px[1] - 2 : px[1] + 3, px[0] - 2 : px[0] + 3, :3].astype(int)
    background = image[5, 5, :3].astype(int)
    assert np.abs(window - background).sum(axis=-1).max() > 60  # the rail's colour is there
    empty = np.round(vp.pixel_of([1.5, 0.0, 7.5])).astype(int)  # beside the track: background
    assert np.abs(image[empty[1], empty[0], :3].astype(int) - background).sum() < 30
    assert len(vp.rigs.segments["s"]) > 20  # rails, sleepers and end stops

    doc = vp.document
    rig = doc.shot("s").rig
    vp.set_orbit(Orbit(center=(0.0, 0.0, 5.0), azimuth=0.0, elevation=90.0, distance=8.0, ortho=True))
    key = doc.shot("s").keys[0]
    # The document snaps a file's keys onto their rigs when it opens it (the last key was off the rails).
    assert _on_track(rig, key.position) < 1e-9 and _on_track(rig, doc.shot("s").keys[1].position) < 1e-9
    start = vp.pixel_of(key.position)
    start = QPoint(round(start[0]), round(start[1]))
    uploads = vp.rigs.uploads
    drag(qtbot, vp.canvas.native, start, start + QPoint(80, 60))  # right and toward the viewer, off the rails
    moved = doc.shot("s").keys[0]
    assert _on_track(rig, moved.position) < 1e-9 and moved.position[0] > key.position[0] + 0.5
    assert moved.position[2] == pytest.approx(6.0) and doc.undo_stack.count() == 1
    assert vp.rigs.uploads == uploads + 0  # the track did not change: its geometry was not sent again


def test_piloting_a_tripod_camera_pans_but_never_moves_it(qtbot, needs_gl):
    from app.viewport3d.viewport import Viewport
    from engine.camera.pilot import PilotMove
    from engine.camera.rigs import TripodRig

    project = _project()
    shot = project.shots[0].model_copy(update={"rig": TripodRig(position=(0.0, 1.6, 6.0))})
    doc = Document(project.model_copy(update={"shots": [shot]}))
    view = Viewport(doc)
    qtbot.addWidget(view)
    view.set_look_through(True)
    doc.seek(20)
    pan_before = doc.camera("s").rotations[20].as_euler("YXZ", degrees=True)[0]
    view.pilot(PilotMove(dolly=1.0, truck=0.5, pedestal=0.3, pan=10.0))
    path = doc.camera("s")
    assert np.allclose(path.positions, (0.0, 1.6, 6.0))
    assert path.rotations[20].as_euler("YXZ", degrees=True)[0] == pytest.approx(pan_before - 10.0, abs=1e-6)


def test_in_draw_mode_a_stroke_on_a_dolly_shot_lays_its_track_in_one_undo_step(qtbot, needs_gl):
    from tests.gui.test_draw import _project as draw_project
    from tests.gui.test_draw import _stroke, _viewport

    project = draw_project()
    shot = project.shots[0].model_copy(update={"rig": DollyRig(track=[(0.0, 0.0, 5.0), (1.0, 0.0, 5.0)], height=1.6)})
    vp = _viewport(qtbot, project.model_copy(update={"shots": [shot]}))
    doc = vp.document
    before = doc.project
    theta = np.linspace(0.0, np.pi / 2, 40)  # a quarter circle round Mara at the bar's height, 1.6 m
    points = np.stack([4.0 * np.sin(theta), np.full(40, 1.6), 4.0 * np.cos(theta)], axis=1)
    _stroke(vp, points)
    rig = doc.shot("s").rig
    assert rig.kind == "dolly" and rig.length == pytest.approx(2 * np.pi, rel=0.03) and rig.height == pytest.approx(1.6, abs=0.01)
    path = doc.camera("s")
    assert path.positions[0] == pytest.approx(points[0], abs=0.05) and path.positions[-1] == pytest.approx(points[-1], abs=0.05)
    assert np.abs(np.linalg.norm(path.positions[:, [0, 2]], axis=1) - 4.0).max() < 0.05  # along the drawn curve
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.project == before
