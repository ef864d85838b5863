"""Blocking in the viewport (under Xvfb): drag a subject, turn it by its handle, key it, see a
person's path; and the look-through's grey-box picture."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint

from app.document import Document
from app.viewport3d.look_through_overlay import CAPTION_PX
from app.viewport3d.view_math import FOV_Y_DEG, Orbit, delivery_frame
from engine.camera.interpolate import evaluate_sequence
from engine.greybox import gl
from engine.project import CameraKey, Project, Shot, Subject, SubjectKey
from tests.gui.mouse import drag

W, H = 640, 400
DISTANCE = 6.0

pytestmark = pytest.mark.usefixtures("needs_gl")  # tests/gui/conftest.py


def _project(keyed: bool = False) -> Project:
    keys = [SubjectKey(subject="Mara", frame=0, position=(-1.0, 0.0, 0.0)), SubjectKey(subject="Mara", frame=47, position=(1.0, 0.0, 0.0))] if keyed else []
    shot = Shot(id="s", name="walk", duration=48, keys=[CameraKey(frame=0, position=(0.0, 1.5, 5.0))], subject_keys=keys)
    return Project(subjects=[Subject(name="Mara", position=(0.0, 0.0, 0.0), color="#d0603a")], shots=[shot])


def _viewport(qtbot, project: Project):
    from app.viewport3d.viewport import Viewport

    vp = Viewport(Document(project))
    vp.canvas.native.setFixedSize(W, H)
    qtbot.addWidget(vp)
    vp.show()
    qtbot.waitExposed(vp)
    vp.set_orbit(Orbit(center=(0.0, 0.0, 0.0), azimuth=0.0, elevation=90.0, distance=DISTANCE, ortho=True))
    vp.render()
    return vp


def _px(vp, world) -> QPoint:
    p = vp.pixel_of(world)
    return QPoint(round(p[0]), round(p[1]))


PX_PER_M = (H / 2.0) / (DISTANCE * np.tan(np.deg2rad(FOV_Y_DEG) / 2.0))


def test_dragging_a_subject_moves_it_on_the_ground_in_one_undo_step(qtbot):
    vp = _viewport(qtbot, _project())
    doc = vp.document
    start = _px(vp, (0.0, 1.0, 0.0))  # seen from above: on the person's axis
    drag(qtbot, vp.canvas.native, start, start + QPoint(round(PX_PER_M), round(-0.5 * PX_PER_M)))
    moved = doc.project.subject("Mara").position
    assert moved == pytest.approx((1.0, 0.0, -0.5), abs=1.5 / PX_PER_M)  # a metre right, half a metre up the screen (-Z)
    assert doc.undo_stack.count() == 1 and vp.subject_tool.name == "Mara"
    doc.undo_stack.undo()
    assert doc.project.subject("Mara").position == (0.0, 0.0, 0.0)


def test_dragging_a_keyed_subject_keys_it_at_the_playhead(qtbot):
    vp = _viewport(qtbot, _project(keyed=True))
    doc = vp.document
    doc.seek(24)
    here = doc.project  # Mara is at x = 0.02 at frame 24 (linear from -1 to 1 over 47 frames)
    start = _px(vp, (-1.0 + 2.0 * 24 / 47, 1.0, 0.0))
    drag(qtbot, vp.canvas.native, start, start + QPoint(0, round(PX_PER_M)))
    keys = doc.shot("s").subject_keys
    assert [k.frame for k in keys] == [0, 24, 47] and keys[0] == here.shots[0].subject_keys[0]
    assert keys[1].position == pytest.approx((-1.0 + 2.0 * 24 / 47, 0.0, 1.0), abs=1.5 / PX_PER_M)
    assert doc.project.subject("Mara").position == (0.0, 0.0, 0.0)  # the set's own place is untouched
    assert doc.undo_stack.count() == 1


def test_the_facing_handle_turns_the_subject(qtbot):
    vp = _viewport(qtbot, _project())
    doc = vp.document
    vp.subject_tool.select("Mara")
    handle = vp.subject_tool._handle
    assert handle[[0, 2]] == pytest.approx([0.0, 0.9], abs=1e-6)  # facing 0: in front is +Z
    # Drag it round a quarter turn, to the subject's +X: facing 90 degrees.
    drag(qtbot, vp.canvas.native, _px(vp, handle), _px(vp, (0.9, 0.0, 0.0)))
    assert doc.project.subject("Mara").facing == pytest.approx(90.0, abs=2.0)
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.project.subject("Mara").facing == 0.0


def test_key_at_playhead_holds_the_subject_where_it_is(qtbot):
    vp = _viewport(qtbot, _project(keyed=True))
    doc = vp.document
    doc.seek(12)
    vp.subject_tool.select("Mara")
    assert vp.subject_tool.key_at_playhead()
    keys = doc.shot("s").subject_keys
    assert [k.frame for k in keys] == [0, 12, 47]
    assert keys[1].position == pytest.approx((-1.0 + 2.0 * 12 / 47, 0.0, 0.0))
    assert keys[1].facing is None  # the person still faces where they walk
    assert doc.undo_stack.count() == 1


def test_a_persons_path_is_drawn_in_a_lighter_line(qtbot):
    vp = _viewport(qtbot, _project(keyed=True))
    vp.set_orbit(Orbit(center=(0.0, 0.0, 2.0), azimuth=0.0, elevation=90.0, distance=DISTANCE, ortho=True))
    image = vp.render()[..., :3].astype(int)
    colour = np.array([0xD0, 0x60, 0x3A])
    light = colour + (255 - colour) * 0.45
    # Halfway between the person (at the playhead, frame 0: x = -1) and the far key (x = 1).
    on_path = [_px(vp, (x, 0.0, 0.0)) for x in (0.3, 0.5, 0.7)]
    for p in on_path:
        patch = image[p.y() - 2 : p.y() + 3, p.x() - 1 : p.x() + 2].reshape(-1, 3)
        best = patch[np.argmin(np.abs(patch - light).sum(1))]
        assert np.abs(best - light).max() < 40, (p, best, light)
    off = _px(vp, (0.5, 0.0, 1.0))
    assert np.abs(image[off.y(), off.x()] - light).max() > 60  # not painted everywhere


needs_egl = pytest.mark.skipif(gl.gl_available() is not None, reason="no EGL context for the grey-box")


@needs_egl
def test_the_look_through_shows_the_grey_box_frame_and_a_draft_while_dragging(qtbot):
    from engine.greybox.shots import GreyboxShots

    project = _project()
    vp = _viewport(qtbot, project)
    vp.set_look_through(True)
    image = vp.render()[..., :3].astype(int)
    x, y, w, h = delivery_frame(W, H, project.aspect)
    assert vp.picture.visible and vp.picture.size == (round(w), round(h)) and not vp.subjects.mesh.visible
    expected = GreyboxShots(project, evaluate_sequence(project), (round(w), round(h))).render_frame(0, 0)["beauty"].astype(int)
    # Canvas pixel centres inside the frame, and the picture's pixels they fall on.
    rows, cols = np.arange(int(y) + 3, int(y + h) - 3), np.arange(int(x) + 3, int(x + w) - 3)
    src_r = np.floor((rows + 0.5 - y) * round(h) / h).astype(int)
    src_c = np.floor((cols + 0.5 - x) * round(w) / w).astype(int)
    inner = image[np.ix_(rows, cols)]
    want = expected[np.ix_(src_r, src_c)]
    # The overlay's thirds lines cross it; elsewhere the canvas is the grey-box frame.
    assert np.median(np.abs(inner - want).max(axis=2)) <= 3
    vp.document.begin_gesture("Pilot camera")
    vp.render()
    assert vp.picture.size == (round(w / 2), round(h / 2))  # half size while a gesture runs
    vp.document.end_gesture()
    vp.render()
    assert vp.picture.size == (round(w), round(h))
    vp.set_look_through_grid(True)
    grid = vp.render()[..., :3].astype(int)[np.ix_(rows, cols)]
    assert np.median(np.abs(grid - want).max(axis=2)) > 40  # the camera grid's dark room now
    vp.set_look_through(False)
    assert not vp.picture.visible and vp.subjects.mesh.visible and vp.ground.lines.visible


def test_the_settled_look_through_has_the_depth_of_field_the_preview_has(qtbot):
    from engine.greybox.shots import GreyboxShots

    project = _project()
    shot = project.shots[0]
    near = shot.keys[0].model_copy(update={"focus_m": 1.0, "t_stop": 1.4})  # focused 1 m out: Mara at 5 m is soft
    project = project.model_copy(update={"shots": [shot.model_copy(update={"keys": [near]})]})
    vp = _viewport(qtbot, project)
    vp.set_look_through(True)
    image = vp.render()[..., :3].astype(int)
    x, y, w, h = delivery_frame(W, H, project.aspect)
    size = (round(w), round(h))
    soft = GreyboxShots(project, evaluate_sequence(project), size).render_frame(0, 0)["beauty"].astype(int)
    sharp = GreyboxShots(project, evaluate_sequence(project), size, depth_of_field=False).render_frame(0, 0)["beauty"].astype(int)
    # Below the caption line (its glyphs are the overlay's, not the picture's).
    rows, cols = np.arange(int(y) + CAPTION_PX, int(y + h) - 3), np.arange(int(x) + 3, int(x + w) - 3)
    src_r = np.floor((rows + 0.5 - y) * size[1] / h).astype(int)
    src_c = np.floor((cols + 0.5 - x) * size[0] / w).astype(int)
    shown = image[np.ix_(rows, cols)]
    off_soft = np.abs(shown - soft[np.ix_(src_r, src_c)]).max(axis=2)
    off_sharp = np.abs(shown - sharp[np.ix_(src_r, src_c)]).max(axis=2)
    assert np.median(off_soft) <= 3
    # Both counts hold the overlay's thirds lines; against the sharp frame Mara's soft edges add to it.
    assert (off_sharp > 30).sum() > 4 * (off_soft > 30).sum()
    vp.document.begin_gesture("Pilot camera")
    vp.render()
    assert vp.picture.size == (round(w / 2), round(h / 2))  # a draft while the gesture runs: sharp and quick
    vp.document.end_gesture()
    settled = vp.render()[..., :3].astype(int)[np.ix_(rows, cols)]
    assert vp.picture.size == size and np.median(np.abs(settled - soft[np.ix_(src_r, src_c)]).max(axis=2)) <= 3
