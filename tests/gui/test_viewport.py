"""The 3D viewport, checked in rendered pixels (OpenGL under Xvfb, via pytest-xvfb)."""


import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from scipy.spatial.transform import Rotation

from app.document import Document
from app.palette import shot_colour
from app.viewport3d.view_math import FOV_Y_DEG, Orbit, delivery_frame
from engine.camera.interpolate import evaluate_sequence, evaluate_shot
from engine.camera.moves import Framing, MoveContext, apply_move
from engine.demo import build_demo_project
from engine.grid.sequence import GridRenderer
from engine.project import CameraKey, Project, Shot, Subject
from tests.gui.mouse import click, drag

W, H = 800, 480


pytestmark = pytest.mark.usefixtures("needs_gl")  # tests/gui/conftest.py


def _viewport(qtbot, project: Project):
    from app.viewport3d.viewport import Viewport

    doc = Document(project)
    vp = Viewport(doc)
    vp.canvas.native.setFixedSize(W, H)
    qtbot.addWidget(vp)
    vp.show()
    qtbot.waitExposed(vp)
    assert tuple(vp.canvas.size) == (W, H)
    vp.render()
    assert tuple(vp.view.size) == (W, H)
    return vp


def _top_view(vp, center=(0.0, 0.0, 0.0), distance=6.0):
    vp.set_orbit(Orbit(center=center, azimuth=0.0, elevation=90.0, distance=distance, ortho=True))


def _top_pixel(world, center, distance):
    """Where the flat top view puts a world point, worked out by hand: +X right, -Z up the screen."""
    half_h = distance * np.tan(np.deg2rad(FOV_Y_DEG) / 2.0)
    scale = (H / 2.0) / half_h
    return np.array([W / 2.0 + (world[0] - center[0]) * scale, H / 2.0 + (world[2] - center[2]) * scale])


def _white_blob(image, near, radius=6):
    """Centroid of near-white pixels within ``radius`` px of ``near`` (the apex marker), or None."""
    x0, y0 = int(near[0]) - radius, int(near[1]) - radius
    win = image[max(y0, 0) : y0 + 2 * radius + 1, max(x0, 0) : x0 + 2 * radius + 1, :3].astype(int)
    ys, xs = np.nonzero((win > 240).all(axis=-1))
    if len(xs) < 6:
        return None
    return np.array([xs.mean() + max(x0, 0), ys.mean() + max(y0, 0)])


def _truck_project(distance=2.0) -> Project:
    project = Project(name="truck", subjects=[Subject(name="Ana", position=(0.0, 0.0, 0.0), color="#3080e0")])
    start = Framing(np.array([-1.0, 1.5, 4.0]), Rotation.identity(), 35.0)
    shot = Shot(id="t", name="Truck", duration=48, keys=[CameraKey(frame=0, position=(-1.0, 1.5, 4.0))])
    camera = apply_move("truck_right", MoveContext(start, 48, 24.0, None, "linear"), amount=distance)
    return project.model_copy(update={"shots": [camera.apply_to(shot)]})


def test_the_frustum_apex_is_drawn_where_the_camera_projects(qtbot):
    project = build_demo_project()
    vp = _viewport(qtbot, project)
    vp.set_frame(45)  # between keys: a key handle would cover the apex
    camera = evaluate_shot(project, project.shots[0], [45]).positions[0]
    center = tuple(camera + [0.3, 0.0, -0.4])
    _top_view(vp, center, 5.0)
    expected = _top_pixel(camera, center, 5.0)
    assert np.allclose(vp.pixel_of(camera), expected, atol=1e-6)
    image = vp.render()
    found = _white_blob(image, expected)
    assert found is not None and np.hypot(*(found - expected)) < 1.5
    # The perspective view too: the marker sits where our projection says.
    vp.set_orbit(Orbit(center=tuple(camera), azimuth=30.0, elevation=25.0, distance=4.0))
    expected = vp.pixel_of(camera)
    found = _white_blob(vp.render(), expected)
    assert found is not None and np.hypot(*(found - expected)) < 1.5


def test_a_truck_right_moves_right_on_screen_in_the_top_view(qtbot):
    project = _truck_project(2.0)
    vp = _viewport(qtbot, project)
    _top_view(vp, (0.0, 0.0, 2.0), 6.0)
    vp.set_frame(0)
    first = _white_blob(vp.render(), _top_pixel((-1.0, 1.5, 4.0), (0, 0, 2.0), 6.0))
    vp.set_frame(47)
    last = _white_blob(vp.render(), _top_pixel((1.0, 1.5, 4.0), (0, 0, 2.0), 6.0))
    scale = (H / 2.0) / (6.0 * np.tan(np.deg2rad(FOV_Y_DEG) / 2.0))
    assert first is not None and last is not None
    assert last[0] - first[0] == pytest.approx(2.0 * scale, abs=2.0)  # two metres to the right
    assert abs(last[1] - first[1]) < 1.5
    # The path itself is drawn in the shot's colour between the two.
    image = vp.render()
    colour = np.array([int(shot_colour(0)[i : i + 2], 16) for i in (1, 3, 5)])
    mid = ((first + last) / 2).astype(int)
    assert np.abs(image[mid[1] - 2 : mid[1] + 3, mid[0], :3].astype(int) - colour).sum(axis=1).min() < 60


def test_clicking_a_key_handle_selects_that_key_and_a_path_selects_its_shot(qtbot):
    project = build_demo_project()
    vp = _viewport(qtbot, project)
    doc = vp.document
    shot = project.shots[3]  # a push-in: two keys
    _top_view(vp, tuple(shot.keys[0].position), 4.0)
    for index in (len(shot.keys) - 1, 0):
        px = vp.pixel_of(shot.keys[index].position)
        click(qtbot, vp.canvas.native, QPoint(round(px[0]), round(px[1])))
        assert (doc.selected_shot, doc.selected_key) == (shot.id, index)
    # A point on the path between keys picks the shot, no key.
    path = evaluate_shot(project, shot)
    frame = (shot.keys[0].frame + shot.keys[1].frame) // 2
    px = vp.pixel_of(path.positions[frame])
    assert np.hypot(*(px - vp.pixel_of(shot.keys[0].position))) > 12
    doc.select("", -1)
    click(qtbot, vp.canvas.native, QPoint(round(px[0]), round(px[1])))
    assert (doc.selected_shot, doc.selected_key) == (shot.id, -1)
    assert doc.undo_stack.count() == 0  # selecting is not an edit


def test_dragging_a_key_moves_it_by_the_dragged_world_distance_in_one_undo_step(qtbot):
    project = _truck_project(2.0)
    vp = _viewport(qtbot, project)
    doc = vp.document
    before = doc.shot("t").keys[-1]
    _top_view(vp, (0.0, 0.0, 2.0), 6.0)
    start = vp.pixel_of(before.position)
    start = QPoint(round(start[0]), round(start[1]))
    drag(qtbot, vp.canvas.native, start, start + QPoint(60, -30))
    metres_per_px = 6.0 * np.tan(np.deg2rad(FOV_Y_DEG) / 2.0) / (H / 2.0)
    after = doc.shot("t").keys[-1]
    assert after.position[0] - before.position[0] == pytest.approx(60 * metres_per_px, abs=1e-6)
    assert after.position[2] - before.position[2] == pytest.approx(-30 * metres_per_px, abs=1e-6)
    assert after.position[1] == pytest.approx(before.position[1], abs=1e-9)  # on the ground plane
    assert doc.undo_stack.count() == 1 and doc.selected_key == len(doc.shot("t").keys) - 1
    doc.undo_stack.undo()
    assert doc.shot("t").keys[-1] == before
    # Shift-drag in the front view changes only the height.
    vp.set_named_view("front")
    vp.set_orbit(vp.orbit.__class__(center=(0.0, 1.5, 0.0), azimuth=0.0, elevation=0.0, distance=6.0, ortho=True))
    start = vp.pixel_of(before.position)
    start = QPoint(round(start[0]), round(start[1]))
    drag(qtbot, vp.canvas.native, start, start + QPoint(0, -40), modifiers=Qt.KeyboardModifier.ShiftModifier)
    after = doc.shot("t").keys[-1]
    assert after.position[1] - before.position[1] == pytest.approx(40 * metres_per_px, abs=1e-6)
    assert after.position[0] == pytest.approx(before.position[0]) and after.position[2] == pytest.approx(before.position[2])
    assert doc.undo_stack.count() == 1


def test_dragging_the_aim_handle_turns_the_key_toward_the_mouse(qtbot):
    project = _truck_project(2.0)
    vp = _viewport(qtbot, project)
    doc = vp.document
    _top_view(vp, (0.0, 0.0, 2.0), 6.0)
    doc.select("t", 0)
    tip = vp.paths.aim[2]
    key = np.asarray(doc.shot("t").keys[0].position)
    assert np.allclose(tip, key + [0.0, 0.0, -1.0])  # a metre in front: the camera looks down -Z
    start = vp.pixel_of(tip)
    start = QPoint(round(start[0]), round(start[1]))
    # Drag the diamond a metre to the right: the camera now looks 45 degrees to the right.
    px_per_m = (H / 2.0) / (6.0 * np.tan(np.deg2rad(FOV_Y_DEG) / 2.0))
    drag(qtbot, vp.canvas.native, start, start + QPoint(round(px_per_m), 0))
    aimed = doc.shot("t").keys[0]
    forward = Rotation.from_quat(aimed.orientation).apply([0.0, 0.0, -1.0])
    assert np.degrees(np.arctan2(forward[0], -forward[2])) == pytest.approx(45.0, abs=1.0)
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.shot("t").keys[0].orientation == (0.0, 0.0, 0.0, 1.0)


def test_look_through_shows_the_subject_where_the_camera_grid_projects_it(qtbot):
    demo = build_demo_project()  # its people only: the mask is measured against the empty background
    project = demo.model_copy(update={"subjects": [s for s in demo.subjects if s.is_person]})
    vp = _viewport(qtbot, project)
    shot_index, frame = 0, 110  # the wide, near the end of its crane down
    vp.set_frame(project.shot_start_frames()[shot_index] + frame)
    vp.set_look_through(True)
    image = vp.render()
    x, y, w, h = delivery_frame(W, H, project.aspect)
    assert w == W and h == pytest.approx(W / project.aspect)
    # The mask: above and below the delivery frame the background is mostly blacked out.
    background = np.array([0x1D, 0x1F, 0x24])
    for band in (image[: int(y) - 2], image[int(y + h) + 2 :]):
        assert (np.median(band[..., :3].reshape(-1, 3), axis=0) < 0.4 * background).all()
    grid = GridRenderer(evaluate_sequence(project))
    view = grid.view(shot_index, frame, round(w), round(h))
    seen = 0
    for subject, fraction in ((s, f) for s in project.subjects for f in (0.5, 0.7, 0.85)):
        chest = np.asarray(subject.position) + [0.0, subject.height * fraction, 0.0]
        px, front = view.project_points(chest[None])
        px = px[0] + [x, y]
        if not front[0] or not (x + 10 < px[0] < x + w - 10 and y + 10 < px[1] < y + h - 10):
            continue
        assert np.allclose(vp.pixel_of(chest), px, atol=0.5)  # the grid renders whole-pixel frames
        colour = np.array([int(subject.color[i : i + 2], 16) for i in (1, 3, 5)])
        patch = image[int(px[1]) - 1 : int(px[1]) + 2, int(px[0]) - 1 : int(px[0]) + 2, :3].astype(float)
        # Proxies are shaded 60–100 % of their colour by height: the hue is the subject's.
        ratio = patch.reshape(-1, 3).mean(0) / colour
        assert 0.55 < ratio.min() and ratio.max() < 1.1 and ratio.max() - ratio.min() < 0.15
        seen += 1
    assert seen >= 1
    vp.set_look_through(False)
    assert vp.frustum.lines.visible and not vp.overlay.mask.visible


def test_selection_is_highlighted_and_follows_the_document(qtbot):
    project = build_demo_project()
    vp = _viewport(qtbot, project)
    doc = vp.document
    chosen = project.shots[1]
    doc.select(chosen.id)
    # The chosen shot is drawn again, bold and opaque; the others are dimmed.
    assert vp.paths.selected_line.visible and vp.paths.selected_line._width > vp.paths.lines._width
    assert np.allclose(vp.paths.selected_line.pos, evaluate_shot(project, chosen).positions)
    alphas = vp.paths.lines.color[:, 3]
    starts = np.cumsum([0] + [s.duration for s in project.shots])
    assert np.all(alphas[starts[1] : starts[2]] == 1.0) and np.all(alphas[: starts[1]] < 1.0)
    doc.select("", -1)
    assert not vp.paths.selected_line.visible and np.all(vp.paths.lines.color[:, 3] == 1.0)


def test_orbit_pan_and_zoom_with_the_mouse(qtbot):
    vp = _viewport(qtbot, build_demo_project())
    vp.set_orbit(Orbit(center=(20.0, 0.0, 20.0), azimuth=0.0, elevation=20.0, distance=5.0))  # nothing under the mouse
    before = vp.orbit
    drag(qtbot, vp.canvas.native, QPoint(400, 240), QPoint(450, 240))
    assert vp.orbit.azimuth == pytest.approx((before.azimuth - 50 * 0.4) % 360)
    assert vp.orbit.center == before.center
    drag(qtbot, vp.canvas.native, QPoint(400, 240), QPoint(450, 240), modifiers=Qt.KeyboardModifier.ShiftModifier)
    assert vp.orbit.center != before.center and vp.document.undo_stack.count() == 0
    distance = vp.orbit.distance
    vp._on_wheel(type("Wheel", (), {"delta": (0.0, 1.0)})())
    assert vp.orbit.distance < distance


def test_frame_selection_and_named_views(qtbot):
    project = build_demo_project()
    vp = _viewport(qtbot, project)
    vp.document.select(project.shots[0].id)
    vp.frame_selection()
    path = evaluate_shot(project, project.shots[0])
    px = vp.pixel_of(path.positions)
    assert (px[:, 0] > 0).all() and (px[:, 0] < W).all() and (px[:, 1] > 0).all() and (px[:, 1] < H).all()
    vp.set_named_view("side")
    assert vp.orbit.ortho and vp.orbit.azimuth == 90.0
    # In the side view +Z is to the left... no: looking down -X, screen right is -Z.
    a, b = vp.pixel_of([0.0, 1.0, 0.0]), vp.pixel_of([0.0, 1.0, -1.0])
    assert b[0] > a[0]


def test_labels_never_overlap_and_the_drawn_text_stays_in_its_box(qtbot):
    """The demo from above: every shot starts near the two subjects, so their names crowd."""
    from app.viewport3d.label_layer import FRAME, SELECTED

    project = build_demo_project()
    vp = _viewport(qtbot, project)
    vp.document.select(project.shots[1].id)
    vp.set_frame(10)
    for center, distance in (((0.0, 0.0, 0.0), 6.0), ((0.0, 0.0, 2.0), 14.0)):
        _top_view(vp, center, distance)
        image = vp.render()
        placed = vp.labels.placed
        boxes = [p.box for p in placed]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
        priorities = [p.label.priority for p in placed]
        apex, _ = vp.view_state().project(vp.paths.paths[project.shots[0].id].positions[10])
        if 0 <= apex[0] < W and 0 <= apex[1] < H:  # the playhead's camera, when in view, always shows
            assert FRAME in priorities
        assert SELECTED in priorities and len(placed) >= 4  # so does the selected shot, and most of the rest fit
        # The glyphs (what changes when the text is hidden) lie in the boxes.
        vp.labels.text.visible = False
        bare = vp.render()
        vp.labels.text.visible = True
        text = np.abs(image[..., :3].astype(int) - bare[..., :3]).max(axis=2) > 40
        inside = np.zeros_like(text)
        for x0, y0, x1, y1 in boxes:
            inside[max(int(y0) - 2, 0) : int(y1) + 3, max(int(x0) - 2, 0) : int(x1) + 3] = True
        assert text.sum() > 50 and not (text & ~inside).any()


def test_looking_through_names_stay_inside_the_picture(qtbot):
    """The close-up's head fills the frame: its name would sit above it, over the masked bar."""
    from app.viewport3d.look_through_overlay import CAPTION_PX
    from app.viewport3d.view_math import delivery_frame

    project = build_demo_project()
    vp = _viewport(qtbot, project)
    vp.document.select(project.shots[3].id)
    vp.set_frame(project.total_frames - 30)
    vp.set_look_through(True)
    x, y, w, h = delivery_frame(W, H, project.aspect)
    for p in vp.labels.placed:
        x0, y0, x1, y1 = p.box
        assert x <= x0 and y + CAPTION_PX <= y0 and x1 <= x + w and y1 <= y + h, (p.label.text, p.box)
    vp.set_look_through(False)
    assert vp.labels.placed  # the orbit view names everything again
