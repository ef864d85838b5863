"""Draw mode: a camera path drawn with the mouse through the real viewport (OpenGL under Xvfb)."""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.document import Document
from app.viewport3d.view_math import Orbit
from engine.analysis.labels import split
from engine.analysis.shot_context import shot_context
from engine.camera.interpolate import evaluate_shot
from engine.camera.stroke import DRAW_POS_TOL_M
from engine.project import CameraKey, Project, Shot, Subject

W, H = 800, 480
LEFT = Qt.MouseButton.LeftButton
SHIFT = Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier


pytestmark = pytest.mark.usefixtures("needs_gl")  # tests/gui/conftest.py


class Clock:
    """The hand's time: each mouse event is ``step`` seconds after the one before (``step`` can change)."""

    def __init__(self, step=1.0 / 60.0):
        self.t, self.step = 0.0, step

    def __call__(self):
        self.t += self.step
        return self.t


def _project(keys=None, duration=96) -> Project:
    keys = keys or [CameraKey(frame=0, position=(0.0, 1.6, 5.0))]
    shot = Shot(id="s", name="Drawn", duration=duration, keys=keys)
    return Project(name="draw", subjects=[Subject(name="Mara", position=(0.0, 0.0, 0.0), color="#3080e0")], shots=[shot])


def _viewport(qtbot, project):
    from app.ui.inspector import Inspector
    from app.viewport3d.viewport import Viewport

    doc = Document(project)
    vp = Viewport(doc)
    vp.canvas.native.setFixedSize(W, H)
    vp.inspector = Inspector(doc)  # reads the document like the main window's
    qtbot.addWidget(vp)
    qtbot.addWidget(vp.inspector)
    vp.show()
    qtbot.waitExposed(vp)
    vp.draw.clock = Clock()
    vp.set_orbit(Orbit(center=(0.0, 0.0, 0.0), azimuth=0.0, elevation=90.0, distance=10.0, ortho=True))  # top, flat
    vp.draw_bar.draw_action.trigger()  # the toolbar button
    assert vp.draw.active
    vp.render()
    return vp


def _send(widget, kind, px, button, buttons, modifiers=NONE):
    pos = QPointF(float(px[0]), float(px[1]))
    event = QMouseEvent(kind, pos, QPointF(widget.mapToGlobal(pos.toPoint())), button, buttons, modifiers)
    QApplication.sendEvent(widget, event)


def _stroke(vp, world_points, modifiers=NONE, release=True):
    """Press at the first point, move through the others, release at the last: real mouse events,
    12 ms apart (vispy drops moves that come within 10 ms of the last)."""
    widget = vp.canvas.native
    pixels = [vp.pixel_of(p) for p in world_points]
    _send(widget, QEvent.Type.MouseButtonPress, pixels[0], LEFT, LEFT, modifiers)
    for px in pixels[1:]:
        QTest.qWait(12)
        _send(widget, QEvent.Type.MouseMove, px, Qt.MouseButton.NoButton, LEFT, modifiers)
    if release:
        _send(widget, QEvent.Type.MouseButtonRelease, pixels[-1], LEFT, Qt.MouseButton.NoButton, modifiers)
    return pixels


def _half_circle(radius=3.0, n=48, start=0.0, stop=np.pi):
    theta = np.linspace(start, stop, n)
    return np.stack([radius * np.sin(theta), np.full(n, 1.6), radius * np.cos(theta)], axis=1)


def _moves(project, shot_id="s"):
    shot = next(s for s in project.shots if s.id == shot_id)
    return [m for seg in shot_context(project, shot).labels().segments for m in split(seg.label)]


def test_a_half_circle_drawn_around_a_subject_aimed_at_it_is_an_arc_in_one_undo_step(qtbot):
    vp = _viewport(qtbot, _project())
    doc = vp.document
    before = doc.project
    vp.draw_bar.aim.setCurrentIndex(vp.draw_bar.aim.findData("subject"))
    assert vp.draw.settings.aim == "subject" and vp.draw.settings.subject == "Mara"
    _stroke(vp, _half_circle())
    shot = doc.shot("s")
    path = evaluate_shot(doc.project, shot)
    radius = np.hypot(path.positions[:, 0], path.positions[:, 2])
    assert np.abs(radius - 3.0).max() < 0.05 and np.abs(path.positions[:, 1] - 1.6).max() < 1e-6
    assert set(_moves(doc.project)) == {"arc_right"}
    assert all(k.look_at == "Mara" for k in shot.keys)
    # One step; the inspector says what the drawn move reads as; undo gives back the old path exactly.
    assert doc.undo_stack.count() == 1 and doc.undo_stack.text(0) == "Draw camera path"
    assert "arc right around Mara" in vp.draw.last_description
    assert "arc right around Mara" in vp.inspector.description.text()
    doc.undo_stack.undo()
    assert doc.project == before and doc.shot("s").keys == before.shots[0].keys
    assert np.array_equal(doc.camera("s").c2w, evaluate_shot(before, before.shots[0]).c2w)


def test_a_straight_stroke_toward_the_subject_looking_along_it_is_a_push_in(qtbot):
    vp = _viewport(qtbot, _project())
    line = np.stack([np.zeros(30), np.full(30, 1.6), np.linspace(5.0, 1.5, 30)], axis=1)
    _stroke(vp, line)
    assert vp.draw.settings.aim == "along"
    assert set(_moves(vp.document.project)) == {"push_in"}
    assert "push in" in vp.inspector.description.text()


def test_the_stroke_shows_while_drawing_with_the_frustum_at_its_end_and_esc_changes_nothing(qtbot):
    vp = _viewport(qtbot, _project())
    doc = vp.document
    before = doc.project
    points = _half_circle(n=24, stop=np.pi / 2)
    pixels = _stroke(vp, points, release=False)
    assert vp.draw.drawing and vp.draw_bar.cancel_action.isEnabled()
    image = vp.render()
    # The stroke in yellow under the mouse's path, the previewed camera's apex (white) at its end.
    mid = np.round(pixels[12]).astype(int)
    patch = image[mid[1] - 2 : mid[1] + 3, mid[0] - 2 : mid[0] + 3, :3].reshape(-1, 3).astype(int)
    assert (np.abs(patch - [255, 237, 89]).sum(axis=1) < 60).any()
    end = np.round(pixels[-1]).astype(int)
    apex = image[end[1] - 3 : end[1] + 4, end[0] - 3 : end[0] + 4, :3]
    assert ((apex > 240).all(axis=-1)).sum() >= 6
    camera = vp.draw.layer.frustum_lines.pos
    assert np.allclose(camera[0], points[-1], atol=0.03)  # the frustum's apex is the stroke's end
    QTest.keyClick(vp.canvas.native, Qt.Key.Key_Escape)
    assert not vp.draw.drawing and not vp.draw.layer.line.visible
    _send(vp.canvas.native, QEvent.Type.MouseButtonRelease, pixels[-1], LEFT, Qt.MouseButton.NoButton)
    assert doc.project is before and doc.undo_stack.count() == 0 and not doc.dirty


def test_shift_adds_to_the_stroke_and_both_parts_land_as_one_step(qtbot):
    vp = _viewport(qtbot, _project())
    doc = vp.document
    before = doc.project
    vp.draw.set_aim("subject", subject="Mara")
    _stroke(vp, _half_circle(n=24, stop=np.pi / 2))
    first = evaluate_shot(doc.project, doc.shot("s")).positions[-1]
    assert np.allclose(first, [3.0, 1.6, 0.0], atol=0.05)
    _stroke(vp, _half_circle(n=24, start=np.pi / 2, stop=np.pi), modifiers=SHIFT)
    path = evaluate_shot(doc.project, doc.shot("s"))
    assert np.allclose(path.positions[0], [0.0, 1.6, 3.0], atol=0.05) and np.allclose(path.positions[-1], [0.0, 1.6, -3.0], atol=0.05)
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.project == before


def test_following_the_hand_a_stroke_drawn_slowly_then_fast_accelerates(qtbot):
    vp = _viewport(qtbot, _project())
    vp.draw_bar.timing.setCurrentIndex(vp.draw_bar.timing.findData("hand"))
    line = np.stack([np.linspace(-2.5, 2.5, 41), np.full(41, 1.6), np.full(41, 3.0)], axis=1)
    clock = vp.draw.clock
    widget = vp.canvas.native
    pixels = [vp.pixel_of(p) for p in line]
    _send(widget, QEvent.Type.MouseButtonPress, pixels[0], LEFT, LEFT)
    for i, px in enumerate(pixels[1:]):
        clock.step = 0.1 if i < 20 else 0.02  # the second half five times faster
        QTest.qWait(12)
        _send(widget, QEvent.Type.MouseMove, px, Qt.MouseButton.NoButton, LEFT)
    _send(widget, QEvent.Type.MouseButtonRelease, pixels[-1], LEFT, Qt.MouseButton.NoButton)
    speed = np.linalg.norm(np.diff(vp.document.camera("s").positions, axis=0), axis=1)
    n = len(speed)
    assert speed[int(0.85 * n) : int(0.95 * n)].mean() > 3.0 * speed[int(0.1 * n) : int(0.6 * n)].mean()


def test_redrawing_over_part_of_a_path_replaces_only_the_frames_it_covers(qtbot):
    keys = [CameraKey(frame=0, position=(-2.5, 1.6, 3.0), interp_in="linear", interp_out="linear"),
            CameraKey(frame=95, position=(2.5, 1.6, 3.0), interp_in="linear", interp_out="linear")]  # fmt: skip
    vp = _viewport(qtbot, _project(keys))
    doc = vp.document
    old = doc.camera("s")
    a, b = 30, 65
    u = np.linspace(0.0, 1.0, 30)[:, None]
    detour = old.positions[a] + u * (old.positions[b] - old.positions[a]) + np.sin(np.pi * u) * [0.0, 0.0, 1.0]
    vp.draw.set_aim("keep")
    _stroke(vp, detour)
    new = doc.camera("s")
    frames = np.r_[0 : a - 2, b + 3 : 96]
    assert np.linalg.norm(new.positions[frames] - old.positions[frames], axis=1).max() <= DRAW_POS_TOL_M
    middle = (a + b) // 2
    assert new.positions[middle, 2] - old.positions[middle, 2] == pytest.approx(1.0, abs=0.1)
    steps = np.linalg.norm(np.diff(new.positions, axis=0), axis=1)
    assert steps.max() < 3.0 * np.median(steps)  # it joins the old path without a jump
    assert doc.undo_stack.count() == 1


def test_on_a_subjects_plane_in_the_front_view_a_rising_stroke_aimed_at_her_is_a_crane_up(qtbot):
    vp = _viewport(qtbot, _project())
    doc = vp.document
    vp.set_orbit(Orbit(center=(0.0, 1.5, 0.0), azimuth=0.0, elevation=0.0, distance=8.0, ortho=True))  # front, flat
    vp.draw_bar.surface.setCurrentIndex(vp.draw_bar.surface.findData("subject"))
    vp.draw.set_aim("subject", subject="Mara")
    # Up and a little out, on the plane through Mara facing the view (z = 0 here).
    rise = np.stack([np.linspace(2.0, 2.6, 30), np.linspace(0.6, 3.2, 30), np.zeros(30)], axis=1)
    _stroke(vp, rise)
    path = doc.camera("s")
    assert np.abs(path.positions[:, 2]).max() < 1e-6  # on the subject's plane, not the ground
    assert path.positions[-1, 1] == pytest.approx(3.2, abs=0.03)
    assert _moves(doc.project)[0] == "crane_up"


def test_the_top_view_surface_turns_the_view_to_look_straight_down(qtbot):
    vp = _viewport(qtbot, _project())
    vp.set_orbit(Orbit(center=(0.0, 1.0, 0.0), azimuth=30.0, elevation=20.0, distance=12.0))
    vp.draw_bar.surface.setCurrentIndex(vp.draw_bar.surface.findData("top"))
    assert vp.orbit.ortho and vp.orbit.elevation == 90.0
    vp.draw_bar.height_box.setValue(2.4)
    line = np.stack([np.linspace(-2.0, 2.0, 20), np.full(20, 2.4), np.full(20, 2.0)], axis=1)
    _stroke(vp, line)
    assert np.allclose(vp.document.camera("s").positions[:, 1], 2.4)
    vp.draw_bar.draw_action.trigger()  # D again: out of draw mode, the mouse orbits again
    assert not vp.draw.active and not vp.draw.layer.line.visible


def test_ctrl_click_picks_the_subject_or_the_ground_point_to_look_at_and_edits_nothing(qtbot):
    vp = _viewport(qtbot, _project())
    doc = vp.document
    ctrl = Qt.KeyboardModifier.ControlModifier
    chest = vp.pixel_of([0.1, 1.2, 0.0])  # beside Mara's axis, seen from above
    _send(vp.canvas.native, QEvent.Type.MouseButtonPress, chest, LEFT, LEFT, ctrl)
    _send(vp.canvas.native, QEvent.Type.MouseButtonRelease, chest, LEFT, Qt.MouseButton.NoButton, ctrl)
    assert (vp.draw.settings.aim, vp.draw.settings.subject) == ("subject", "Mara")
    assert vp.draw_bar.aim.currentData() == "subject"
    ground = vp.pixel_of([2.0, 0.0, -1.5])
    _send(vp.canvas.native, QEvent.Type.MouseButtonPress, ground, LEFT, LEFT, ctrl)
    _send(vp.canvas.native, QEvent.Type.MouseButtonRelease, ground, LEFT, Qt.MouseButton.NoButton, ctrl)
    assert vp.draw.settings.aim == "point" and np.allclose(vp.draw.settings.point, [2.0, 0.0, -1.5], atol=0.02)
    assert doc.undo_stack.count() == 0
    # A stroke now looks at that point all the way.
    line = np.stack([np.linspace(-2.0, 2.0, 20), np.full(20, 1.6), np.full(20, 3.0)], axis=1)
    _stroke(vp, line)
    path = doc.camera("s")
    to_point = np.asarray([2.0, 0.0, -1.5]) - path.positions
    cos = np.einsum("ni,ni->n", -path.c2w[:, :3, 2], to_point / np.linalg.norm(to_point, axis=1, keepdims=True))
    assert np.rad2deg(np.arccos(np.clip(cos, -1.0, 1.0))).max() < 1.5


def test_d_is_the_main_windows_one_draw_mode_key_and_toggles_it(qtbot, monkeypatch):
    from app.ui.main_window import MainWindow
    from engine.demo import build_demo_project

    monkeypatch.setattr(MainWindow, "ask_unsaved", lambda self: "discard")
    window = MainWindow(build_demo_project())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    draw = window.viewport.draw_bar.draw_action
    shortcuts = [a.shortcut().toString() for a in window.findChildren(type(draw))]
    assert draw.shortcut().toString() == "D" and shortcuts.count("D") == 1  # Qt fires neither of two actions on one key
    # (Qt's offscreen platform never activates a window, so no shortcut fires from a key here.)
    draw.trigger()
    assert window.viewport.draw.active and draw.isChecked()
    draw.trigger()
    assert not window.viewport.draw.active
