"""The look-through's frame in pixels while it is cheap to draw: the masked bars, the caption after a
zoom, and the orbit view after a pilot drag (the layers the look-through hides catch up when shown)."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint

from app.document import Document
from app.palette import BACKGROUND_3D
from app.viewport3d.look_through_overlay import CAPTION_PX, MASK
from app.viewport3d.view_math import FOV_Y_DEG, Orbit, delivery_frame
from engine.camera.pilot import PilotMove
from engine.project import CameraKey, Project, Shot, Subject

W, H = 640, 400

pytestmark = pytest.mark.usefixtures("needs_gl")  # tests/gui/conftest.py

BACKGROUND = np.array([int(BACKGROUND_3D[i : i + 2], 16) for i in (1, 3, 5)])


def _project() -> Project:
    shot = Shot(id="s", name="single", duration=48, keys=[CameraKey(frame=0, position=(0.0, 1.5, 5.0))])
    return Project(subjects=[Subject(name="Mara", position=(0.0, 0.0, 0.0), color="#d0603a")], shots=[shot])


def _viewport(qtbot, project: Project, size=(W, H)):
    from app.viewport3d.viewport import Viewport

    vp = Viewport(Document(project))
    vp.canvas.native.setFixedSize(*size)
    qtbot.addWidget(vp)
    vp.show()
    qtbot.waitExposed(vp)
    vp.render()
    return vp


def _bars_ok(image: np.ndarray, frame) -> None:
    """Outside the delivery frame: the mask over the plain background; inside: the picture."""
    x, y, w, h = frame
    masked = BACKGROUND * (1.0 - MASK[3])
    top, bottom = image[: int(y) - 1, :, :3].astype(int), image[int(np.ceil(y + h)) + 1 :, :, :3].astype(int)
    assert top.size and bottom.size
    for band in (top, bottom):
        assert np.abs(band - masked).max() <= 2  # nothing drawn over the bars (the caption neither)
    inside = image[int(y) + 40 : int(y + h) - 40, int(x) + 40 : int(x + w) - 40, :3].astype(int)
    assert (np.abs(inside - masked).max(axis=-1) > 10).mean() > 0.9  # the grey-box frame, not the bars


def test_the_bars_are_the_masked_background_and_follow_a_resize(qtbot):
    vp = _viewport(qtbot, _project())
    vp.set_look_through(True)
    _bars_ok(vp.render(), delivery_frame(W, H, vp.document.project.aspect))
    vp.canvas.native.setFixedSize(W, H + 120)  # taller: the bars grow, the frame stays 2.39:1
    qtbot.waitUntil(lambda: tuple(vp.canvas.size) == (W, H + 120), timeout=10000)
    _bars_ok(vp.render(), delivery_frame(W, H + 120, vp.document.project.aspect))
    vp.set_look_through(False)
    corner = vp.render()[:4, :4, :3].astype(int)
    assert np.abs(corner - BACKGROUND).max() <= 1  # the orbit view's own background again


def _caption_ink(vp) -> np.ndarray:
    """Pixels the caption draws: the frame with it against the frame without it."""
    shown = vp.render()[..., :3].astype(int)
    vp.overlay.caption.visible = False
    hidden = vp.canvas.render(alpha=False)[..., :3].astype(int)
    vp.overlay.caption.visible = True
    return np.abs(shown - hidden).max(axis=-1) > 40


def test_the_caption_is_redrawn_with_the_new_lens_after_a_wheel_zoom_and_kept_while_turning(qtbot):
    vp = _viewport(qtbot, _project())
    vp.set_look_through(True)
    x, y, w, h = delivery_frame(W, H, vp.document.project.aspect)
    before = _caption_ink(vp)
    ys, xs = np.nonzero(before)
    # One line inside the frame's top left, above where the names may go.
    assert len(xs) > 100 and xs.min() >= x + 6 and ys.min() >= y + 6 and ys.max() < y + CAPTION_PX
    text = vp.overlay.caption.text
    vp.document.begin_gesture("Pilot camera")
    vp.pilot(PilotMove(pan=3.0))  # a turn: lens, height and distance stay
    vp.document.end_gesture()
    assert vp.overlay.caption.text == text and (_caption_ink(vp) == before).all()
    vp._on_wheel(type("Wheel", (), {"delta": (0.0, 3.0)})())  # three notches: 35 mm -> 47 mm
    assert " 47 mm ·" in vp.overlay.caption.text and " 35 mm ·" in text
    after = _caption_ink(vp)
    assert (after != before).sum() > 20  # the new digits are drawn


def test_after_a_pilot_drag_the_orbit_view_draws_the_camera_where_it_went(qtbot):
    """Looking through, the paths, handles and frustum are hidden and not re-sent on every move; the
    scene's view waits too. Looking out, all of it shows the camera where the drag left it."""
    vp = _viewport(qtbot, _project())
    vp.set_look_through(True)
    vp.document.begin_gesture("Pilot camera")
    vp._nav = ("pilot", None, vp.orbit)  # a drag under way
    for _ in range(4):
        vp.pilot(PilotMove(truck=0.5))  # two metres to the camera's right: +X
        vp.render()
    vp._nav = None
    vp.document.end_gesture()
    assert vp.document.shot("s").keys[0].position == pytest.approx((2.0, 1.5, 5.0))
    vp.set_look_through(False)
    distance = 8.0
    vp.set_orbit(Orbit(center=(1.0, 0.0, 5.0), azimuth=0.0, elevation=90.0, distance=distance, ortho=True))
    image = vp.render()[..., :3].astype(int)
    scale = (H / 2.0) / (distance * np.tan(np.deg2rad(FOV_Y_DEG) / 2.0))

    def white_near(world_x: float) -> int:
        px = QPoint(round(W / 2 + (world_x - 1.0) * scale), round(H / 2))
        patch = image[px.y() - 4 : px.y() + 5, px.x() - 4 : px.x() + 5]
        return int((patch > 235).all(axis=-1).sum())  # the white apex dot of the camera at the playhead

    assert white_near(2.0) >= 6 and white_near(0.0) == 0
