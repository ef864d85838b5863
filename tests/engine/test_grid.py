import runpy
from pathlib import Path

import numpy as np
import pytest

from engine.camera.interpolate import evaluate_sequence, evaluate_shot
from engine.camera.moves import Framing, MoveContext, apply_move
from engine.camera.path import CameraPath
from engine.demo import build_demo_project
from engine.errors import ShotlineError
from engine.grid.render import Fisheye, View, draw_segments, new_frame
from engine.grid.sequence import DollyZoomOverlay, GridOptions, GridRenderer
from engine.project import Project, Shot, Subject

ROOT = Path(__file__).resolve().parents[2]
FILM = (24.89, 10.41)
MARA = Subject(name="Mara", position=(0.0, 0.0, 0.0), height=1.7)


def move_path(name, frames=24, start=None, **params):
    start = start or Framing.looking_at([0.0, 1.6, 4.0], [0.0, 1.5, 0.0], 35.0)
    cam = apply_move(name, MoveContext(start, frames, 24.0, MARA), **params)
    shot = cam.apply_to(Shot(id="s", name=name, duration=frames, keys=cam.keys))
    return evaluate_shot(Project(subjects=[MARA]), shot)


def test_known_pose_draws_a_known_point_at_the_expected_pixel():
    # Camera at the origin looking down -Z; focal 416 px on an 832x480 image.
    view = View(np.eye(4), 416.0, 832, 480)
    px, ok = view.project_points(np.array([[1.0, 0.5, -2.0], [0.0, 0.0, -5.0]]))
    assert ok.all()
    assert np.allclose(px[0], [416 + 208, 240 - 104]) and np.allclose(px[1], [416, 240])
    image = new_frame(832, 480, (0, 0, 0))
    segment = np.array([[[1.0, -0.5, -2.0], [1.0, 0.5, -2.0]]])  # a vertical line at x = 1 m, 2 m away
    draw_segments(image, view.project_segments(segment), (255, 255, 255))
    for row in range(150, 330, 20):
        # The line covers x in [624, 625) in continuous coordinates: pixel column 624 (centre 624.5).
        assert abs(int(np.argmax(image[row, :, 0])) - 624) <= 1
    assert image[240, 624, 0] > 100 and image[100, :, 0].max() == 0


def test_segments_crossing_the_near_plane_are_cut_not_wrapped():
    view = View(np.eye(4), 416.0, 832, 480)
    seg = np.array([[[0.5, -1.0, -2.0], [0.5, -1.0, 3.0]]])  # runs from in front to behind the camera
    px = view.project_segments(seg)
    assert len(px) == 1
    assert np.all(px[0, :, 0] >= 416)  # stays on the right half: no wrap-around through infinity


def column_shift(a, b):
    """Horizontal shift of b relative to a (pixels) from the wall lines' column profile."""
    pa, pb = a.astype(float).sum(axis=(0, 2)), b.astype(float).sum(axis=(0, 2))
    pa, pb = pa - pa.mean(), pb - pb.mean()
    shifts = range(-60, 61)
    scores = [np.dot(pa[max(0, -s) : len(pa) - max(0, s)], pb[max(0, s) : len(pb) - max(0, -s)]) for s in shifts]
    return list(shifts)[int(np.argmax(scores))]


def test_pan_right_moves_the_vertical_lines_left():
    path = move_path("pan_right", amount=10.0)
    r = GridRenderer([path], GridOptions(size=(416, 240)))
    assert column_shift(r.render_frame(0, 10), r.render_frame(0, 13)) < 0
    path = move_path("pan_left", amount=10.0)
    r = GridRenderer([path], GridOptions(size=(416, 240)))
    assert column_shift(r.render_frame(0, 10), r.render_frame(0, 13)) > 0


def floor_line_rows(image, floor=(70, 150, 255)):
    """Rows where floor lines cross a column near (not on) the centre, below the horizon."""
    column = image[:, int(image.shape[1] * 0.45)].astype(int)
    hit = np.abs(column - np.array(floor)).sum(axis=1) < 150
    starts = np.flatnonzero(hit[1:] & ~hit[:-1]) + 1
    return starts[starts > image.shape[0] // 2]


def test_push_in_grows_the_floor_grid_spacing():
    start = Framing.looking_at([0.0, 1.6, 6.0], [0.0, 0.2, 0.0], 35.0)
    path = move_path("push_in", frames=30, start=start, amount=3.0)
    r = GridRenderer([path], GridOptions(size=(832, 480)))
    first, last = floor_line_rows(r.render_frame(0, 0)), floor_line_rows(r.render_frame(0, 29))
    assert len(first) >= 2 and len(last) >= 2
    assert np.diff(last).min() > 1.2 * np.diff(first).min()


def test_white_frames_exactly_at_the_cuts():
    project = build_demo_project()
    paths = [p for p in evaluate_sequence(project)]
    paths = [CameraPath(p.c2w[:5], p.focal_mm[:5], p.film_back_mm) for p in paths]
    frames = list(GridRenderer(paths, GridOptions(size=(160, 96), transition_frames=3)).frames())
    assert len(frames) == 4 * 5 + 3 * 3
    white = [bool((f == 255).all()) for f in frames]
    expected = [False] * 5 + ([True] * 3 + [False] * 5) * 3
    assert white == expected


def test_fisheye_with_zero_coefficients_is_the_pinhole_image():
    path = move_path("arc_left")
    pin = GridRenderer([path], GridOptions(size=(320, 192))).render_frame(0, 5)
    fish0 = GridRenderer([path], GridOptions(size=(320, 192), fisheye=Fisheye(k=(0, 0, 0, 0)))).render_frame(0, 5)
    fish = GridRenderer([path], GridOptions(size=(320, 192), fisheye=Fisheye())).render_frame(0, 5)
    assert np.array_equal(pin, fish0)
    assert not np.array_equal(pin, fish)


def cube_extent(image, colour=(90, 255, 120), pip_box=None):
    mask = np.abs(image.astype(int) - np.array(colour)).sum(axis=2) < 60
    if pip_box is not None:
        y0, y1, x0, x1 = pip_box
        mask[y0:y1, x0:x1] = False
    ys, xs = np.nonzero(mask)
    return xs.max() - xs.min(), ys.max() - ys.min()


def test_dolly_zoom_keeps_the_cube_the_same_size():
    start = Framing.looking_at([0.0, 0.85, 6.0], [0.0, 0.85, 0.0], 35.0)
    path = move_path("dolly_zoom_in", frames=30, start=start, amount=0.5)
    overlay = DollyZoomOverlay(subject_point=np.array([0.0, 0.85, 0.0]), cube_size=0.8)
    r = GridRenderer([path], GridOptions(size=(832, 480), dolly_zoom={0: overlay}))
    pip = (0, 8 + int(480 * 0.3) + 2, 832 - int(832 * 0.3) - 10, 832)
    sizes = np.array([cube_extent(r.render_frame(0, f), pip_box=pip) for f in (0, 10, 20, 29)], float)
    assert np.abs(sizes / sizes[0] - 1).max() < 0.02
    assert path.focal_mm[-1] == pytest.approx(17.5)


def test_degenerate_paths_render():
    one = CameraPath(np.eye(4)[None], 35.0, FILM)
    frames = list(GridRenderer([one], GridOptions(size=(64, 48))).frames())
    assert len(frames) == 1 and frames[0].shape == (48, 64, 3)
    same = CameraPath(np.tile(np.eye(4), (10, 1, 1)), 35.0, FILM)
    frames = list(GridRenderer([same, same], GridOptions(size=(64, 48))).frames())
    assert len(frames) == 22 and np.array_equal(frames[0], frames[9])
    assert frames[0].max() > 0  # the room is visible from a static camera


def test_nan_poses_are_rejected_with_a_clear_error():
    c2w = np.tile(np.eye(4), (5, 1, 1))
    c2w[3, 0, 3] = np.nan
    with pytest.raises(ShotlineError, match="frame 3 is not finite"):
        GridRenderer([CameraPath(c2w, 35.0, FILM, name="bad")])


def test_random_palette_changes_colours_only():
    from engine.grid.render import GridStyle

    path = move_path("truck_right")
    a = GridRenderer([path], GridOptions(size=(160, 96))).render_frame(0, 3)
    style = GridStyle.random(np.random.default_rng(4))
    b = GridRenderer([path], GridOptions(size=(160, 96), style=style)).render_frame(0, 3)
    assert not np.array_equal(a, b)
    # Same lines in the same places, other colours.
    drawn_a, drawn_b = (a != a[0, 0]).any(axis=2), (b != b[0, 0]).any(axis=2)
    assert drawn_a.sum() > 100 and (drawn_a == drawn_b).mean() > 0.99


def test_the_docs_frames_of_each_mode_are_drawn(tmp_path):
    """scripts/grid_images.py makes docs/grid_*.png; here it writes to a scratch folder."""
    import cv2

    script = runpy.run_path(str(ROOT / "scripts" / "grid_images.py"), run_name="grid_images")
    written = script["write"](tmp_path)
    assert [p.name for p in written] == ["grid_pinhole.png", "grid_fisheye.png", "grid_dolly_zoom.png"]
    for path in written:
        image = cv2.imread(str(path))
        assert image.shape == (480, 832, 3) and image.std() > 5  # something drawn
    assert not any(p.parent == ROOT / "docs" for p in written)
