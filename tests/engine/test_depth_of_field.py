"""Depth of field from the depth pass: what is at the focus distance stays sharp, what is far from it blurs."""

from __future__ import annotations

import numpy as np
import pytest

from engine.camera.conventions import look_at_rotation
from engine.camera.path import CameraPath
from engine.greybox import gl
from engine.greybox.depth_of_field import apply_depth_of_field, coc_radius_px
from engine.project import Project, Subject

FILM_W = 24.89


def edge_width_px(row: np.ndarray) -> int:
    """Pixels of a dark-to-light step that are neither dark nor light (10 %-90 % of the step): 0 is a
    knife edge; a blurred edge is about its blur's diameter wide."""
    row = row.astype(float)
    lo, hi = row.min(), row.max()
    inside = (row > lo + 0.1 * (hi - lo)) & (row < hi - 0.1 * (hi - lo))
    return int(inside.sum())


def _two_planes(w=416, h=240, square=64):
    yy, xx = np.indices((h, w))
    image = np.where((xx // square + yy // square) % 2 == 0, 220, 30).astype(np.uint8)
    image = np.repeat(image[..., None], 3, axis=-1)
    depth = np.where(xx < w // 2, 2.0, 12.0).astype(np.float32)  # left half near, right half far
    return image, depth


def test_the_plane_at_the_focus_distance_stays_sharp_and_the_far_one_blurs():
    image, depth = _two_planes()
    near_edge = slice(64 - 24, 64 + 24)  # a light/dark edge at x = 64 (near plane) ...
    far_edge = slice(320 - 24, 320 + 24)  # ... and one at x = 320 (far plane)
    row = 32
    assert edge_width_px(image[row, near_edge, 0]) == 0 and edge_width_px(image[row, far_edge, 0]) == 0
    near_focus = apply_depth_of_field(image, depth, focal_mm=50.0, t_stop=2.0, focus_m=2.0, film_width_mm=FILM_W)
    assert edge_width_px(near_focus[row, near_edge, 0]) == 0
    assert edge_width_px(near_focus[row, far_edge, 0]) >= 6
    far_focus = apply_depth_of_field(image, depth, focal_mm=50.0, t_stop=2.0, focus_m=12.0, film_width_mm=FILM_W)
    assert edge_width_px(far_focus[row, far_edge, 0]) == 0
    assert edge_width_px(far_focus[row, near_edge, 0]) >= 6
    # Stopped down, the same far plane is sharper (a smaller circle of confusion).
    stopped = apply_depth_of_field(image, depth, focal_mm=50.0, t_stop=16.0, focus_m=2.0, film_width_mm=FILM_W)
    assert edge_width_px(stopped[row, far_edge, 0]) < edge_width_px(near_focus[row, far_edge, 0])


def test_circle_of_confusion_is_the_thin_lens_one():
    # 50 mm at T2 focused at 2 m, a point at infinity: c = f^2 / (N (s - f)) = 0.641 mm on the sensor.
    r = coc_radius_px(np.array([np.inf, 2.0, 1.0], np.float32), 50.0, 2.0, 2.0, FILM_W, 832)
    assert r[0] == pytest.approx(0.5 * 0.05**2 / (2.0 * 1.95) * 1000 / FILM_W * 832, rel=1e-3)
    assert r[1] == 0.0
    # Twice as close as the focus distance blurs more than infinity does (1/d grows).
    assert r[2] > r[0]


_NO_GL = gl.gl_available()


@pytest.mark.skipif(_NO_GL is not None, reason=f"no OpenGL context: {_NO_GL}")
def test_greybox_frames_of_a_focused_camera_blur_what_is_far_from_focus():
    from engine.greybox.shots import GreyboxShots

    # Two boxes side by side, one 2.5 m from the camera and one 12 m.
    subjects = [
        Subject(name="Near", kind="set piece", shape="box", position=(-0.5, 0.0, -3.0), color="#f0f0f0"),  # its right side edge-on: the front face at 2.5 m is what is seen
        Subject(name="Far", kind="set piece", shape="box", position=(3.0, 0.0, -14.0), scale=(3.0, 3.0, 3.0), color="#f0f0f0"),
    ]
    from engine.project import CameraKey, Shot

    project = Project(subjects=subjects, shots=[Shot(id="s", name="s", duration=1, keys=[CameraKey(frame=0, position=(0.0, 0.25, 0.0))])])
    eye = np.array([0.0, 0.25, 0.0])
    c2w = np.eye(4)
    c2w[:3, :3] = look_at_rotation(eye, eye + [0.0, 0.0, -1.0]).as_matrix()
    c2w[:3, 3] = eye
    sharp_path = CameraPath(c2w[None], [50.0], (FILM_W, FILM_W / 2.39), 24.0, "s")
    focused = CameraPath(c2w[None], [50.0], (FILM_W, FILM_W / 2.39), 24.0, "s", focus_m=[2.5], t_stop=[1.4])
    size = (416, 174)
    plain = GreyboxShots(project, [sharp_path], size).render_frame(0, 0, ("beauty", "id"))
    dof = GreyboxShots(project, [focused], size).render_frame(0, 0, ("beauty",))["beauty"]
    off = GreyboxShots(project, [focused], size, depth_of_field=False).render_frame(0, 0, ("beauty",))["beauty"]
    assert np.array_equal(off, plain["beauty"])  # the switch, and a camera without focus: as before
    grey = plain["beauty"].mean(axis=2)
    ids = plain["id"]
    row = 20  # above the horizon: sky behind both boxes' edges
    near_cols = np.flatnonzero(ids[row] == int(ids[row, 5]))  # the near box fills the left
    far_cols = np.flatnonzero((ids[row] > 1) & (np.arange(size[0]) > near_cols.max() + 1))
    assert len(far_cols), "both boxes are in the frame"
    near_edge, far_edge = int(near_cols.max()), int(far_cols.min())
    assert far_edge - near_edge > 30

    def width(img, edge):
        return edge_width_px(img.mean(axis=2)[row, edge - 10 : edge + 10]) if img.ndim == 3 else edge_width_px(img[row, edge - 10 : edge + 10])

    assert width(grey, near_edge) <= 1 and width(grey, far_edge) <= 1
    assert width(dof, near_edge) <= 1  # in focus: as sharp as without depth of field
    assert width(dof, far_edge) >= 4  # 11 m behind focus at T1.4: soft
