"""The grey-box renderer against the camera maths: pixels, depth, ids, the face marker, meshes, no GL."""

from __future__ import annotations

import numpy as np
import pytest

from engine.camera.conventions import look_at_rotation
from engine.camera.lens import focal_pixels
from engine.camera.path import CameraPath
from engine.errors import ShotlineError
from engine.greybox import gl
from engine.greybox import mannequin as mq
from engine.greybox.blocking import shot_tracks
from engine.greybox.library import SHAPE_SIZES
from engine.greybox.scene import FACE_MARKER_RGB, FLOOR_ID, SKY_ID, build_scene, subject_id
from engine.grid.render import View
from engine.project import CameraKey, Project, Shot, Subject

_NO_GL = gl.gl_available()
pytestmark = pytest.mark.skipif(_NO_GL is not None, reason=f"no OpenGL context can be made here: {_NO_GL}")

FILM_BACK = (24.89, 24.89 / 2.39)


@pytest.fixture(scope="module")
def renderers():
    from engine.greybox.renderer import GreyboxRenderer

    cache = {}

    def get(w, h):
        if (w, h) not in cache:
            cache[(w, h)] = GreyboxRenderer(w, h)
        return cache[(w, h)]

    return get


def _view(eye, target, w, h, focal_mm=35.0) -> View:
    c2w = np.eye(4)
    c2w[:3, 3] = eye
    c2w[:3, :3] = look_at_rotation(np.asarray(eye, float), np.asarray(target, float)).as_matrix()
    return View(c2w, float(focal_pixels(focal_mm, FILM_BACK, w)), w, h)


def _render(renderers, subjects, view, passes=("beauty", "depth", "normal", "id")):
    project = Project(subjects=subjects)
    scene = build_scene(shot_tracks(project, None), 0)
    return renderers(view.width, view.height).render(scene, view, passes)


def _disc_centre(mask: np.ndarray, radius_px: float) -> tuple[float, float]:
    """Centre (x, y) of the round top of a silhouette, by fitting a circle to its upper half."""
    top = np.flatnonzero(mask.any(axis=1))[0]
    ys, halves, mids = [], [], []
    for r in range(top, top + int(radius_px)):
        cols = np.flatnonzero(mask[r])
        if len(cols) < 2:
            continue
        ys.append(r + 0.5)
        halves.append(len(cols) / 2.0)
        mids.append((cols[0] + cols[-1] + 1) / 2.0)
    ys, halves = np.array(ys), np.array(halves)
    # half_width^2 + (y - cy)^2 = R^2  ->  half_width^2 + y^2 = 2 cy y + (R^2 - cy^2)
    a = np.stack([2 * ys, np.ones_like(ys)], axis=1)
    cy = np.linalg.lstsq(a, halves**2 + ys**2, rcond=None)[0][0]
    return float(np.mean(mids)), float(cy)


def test_head_joint_lands_on_the_pixel_the_camera_maths_says(renderers):
    eye = np.array([-0.6, 1.25, 3.2])
    position = np.array([0.3, 0.0, -0.4])
    facing = float(np.rad2deg(np.arctan2(*(eye - position)[[0, 2]])))  # towards the camera: the visor inside the outline
    person = Subject(name="Mara", position=tuple(position), height=1.7, facing=facing, color="#d0603a")
    figure = mq.pose_figure(mq.preset_angles("stand"), person.position, person.facing, person.height)
    head = figure.joint("head")
    view = _view(eye, [0.5, 1.55, -1.0], 320, 192, focal_mm=40.0)
    expected = view.project_points(head[None])[0][0]
    out = _render(renderers, [person], view)
    in_id = out["id"] == subject_id(0)
    sky = np.array([round(c * 255) for c in (0.66, 0.7, 0.76)])
    in_beauty = np.abs(out["beauty"].astype(int) - sky).max(axis=2) > 12
    distance = -view.to_camera(head[None])[0, 2]
    radius_px = view.focal_px * mq.RADII[mq.INDEX["head"]] * figure.scale / distance
    for name, mask in (("id", in_id), ("beauty", in_beauty)):
        x, y = _disc_centre(mask, radius_px)
        assert abs(x - expected[0]) <= 1.0 and abs(y - expected[1]) <= 1.0, (name, (x, y), expected)


def test_depth_of_a_wall_is_the_analytic_distance(renderers):
    thickness = SHAPE_SIZES["wall"][2]
    wall = Subject(name="Wall", kind="set piece", shape="wall", position=(0.0, 0.0, -5.0 - thickness / 2))
    w, h = 160, 96
    c2w = np.eye(4)
    c2w[:3, 3] = (0.2, 1.3, 0.0)
    view = View(c2w, float(focal_pixels(50.0, FILM_BACK, w)), w, h)
    out = _render(renderers, [wall], view)
    assert out["depth"].dtype == np.float32
    centre = out["depth"][h // 2 - 10 : h // 2 + 10, w // 2 - 20 : w // 2 + 20]
    assert np.abs(centre - 5.0).max() <= 0.001  # camera z, not distance along the ray: flat across
    assert (out["id"][h // 2 - 10 : h // 2 + 10, w // 2 - 20 : w // 2 + 20] == subject_id(0)).all()
    np.testing.assert_allclose(out["normal"][h // 2, w // 2], [0.0, 0.0, 1.0], atol=0.01)
    assert np.isinf(out["depth"][out["id"] == SKY_ID]).all()


def _inside_convex(points: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    edges = np.roll(polygon, -1, axis=0) - polygon
    rel = points[:, None, :] - polygon[None]
    cross = edges[None, :, 0] * rel[..., 1] - edges[None, :, 1] * rel[..., 0]
    return (cross >= 0).all(axis=1) | (cross <= 0).all(axis=1)


def test_id_mask_of_a_box_is_its_projected_polygon(renderers):
    import cv2

    box = Subject(name="Crate", kind="set piece", shape="box", position=(0.3, 0.0, -3.0), facing=30.0, scale=(1.2, 0.8, 0.9))
    w, h = 160, 96
    view = _view([2.2, 2.4, 1.5], [0.3, 0.4, -3.0], w, h, focal_mm=28.0)
    out = _render(renderers, [box], view, ("id",))
    sx, sy, sz = np.array(box.scale) / 2
    corners = np.array([[x, y + sy, z] for x in (-sx, sx) for y in (-sy, sy) for z in (-sz, sz)])
    corners = corners @ mq.yaw_matrix(box.facing).T + box.position
    px, ok = view.project_points(corners)
    assert ok.all()
    hull = cv2.convexHull(px.astype(np.float32)).reshape(-1, 2).astype(float)
    yy, xx = np.mgrid[0:h, 0:w]
    centres = np.stack([xx.ravel() + 0.5, yy.ravel() + 0.5], axis=1)
    analytic = _inside_convex(centres, hull).reshape(h, w)
    drawn = out["id"] == subject_id(0)
    iou = (analytic & drawn).sum() / (analytic | drawn).sum()
    assert analytic.sum() > 500 and iou >= 0.98, iou
    assert (out["id"][~drawn] <= FLOOR_ID).all()


def _visor_pixels(beauty: np.ndarray) -> int:
    marker = np.array(FACE_MARKER_RGB) * 255
    return int((np.abs(beauty.astype(float) - marker).max(axis=2) < 30).sum())


@pytest.mark.parametrize("pose", ["stand", "talking"])
def test_face_marker_shows_facing_the_camera_and_not_facing_away(renderers, pose):
    view = _view([0.0, 1.6, 2.5], [0.0, 1.3, 0.0], 160, 96, focal_mm=50.0)
    towards = _render(renderers, [Subject(name="J", pose=pose, facing=0.0)], view, ("beauty",))["beauty"]
    away = _render(renderers, [Subject(name="J", pose=pose, facing=180.0)], view, ("beauty",))["beauty"]
    assert _visor_pixels(towards) > 15
    assert _visor_pixels(away) == 0


@pytest.mark.parametrize("facing, side", [(90.0, 1), (-90.0, -1)])
def test_in_profile_the_nose_shows_which_way_a_person_faces(renderers, facing, side):
    # From the side at head height: the head's silhouette reaches further on the side the face is
    # turned to (the nose), and the eye on that side shows while the far one is hidden.
    eye_y = mq.FACE_MARKER_OFFSET[1] * 1.75 + mq.pose_figure(mq.preset_angles("stand"), (0.0, 0.0, 0.0), 0.0, 1.75).joint("head")[1]
    view = _view([0.0, eye_y, 1.6], [0.0, eye_y, 0.0], 320, 192, focal_mm=85.0)
    out = _render(renderers, [Subject(name="J", facing=facing)], view, ("beauty", "id"))
    head = out["id"] == subject_id(0)
    centre_x = view.width / 2
    nose_row = int(round(view.height / 2 + focal_pixels(85.0, FILM_BACK, 320) * -mq.NOSE_OFFSET[1] * 1.75 / 1.6))
    cols = np.flatnonzero(head[nose_row])
    reach_faced = (cols.max() - centre_x) if side > 0 else (centre_x - cols.min())
    reach_back = (centre_x - cols.min()) if side > 0 else (cols.max() - centre_x)
    assert reach_faced > reach_back + 3, (reach_faced, reach_back)
    dark = _visor_pixels(out["beauty"])
    assert dark > 10  # the near eye
    ys, xs = np.nonzero((np.abs(out["beauty"].astype(float) - np.array(FACE_MARKER_RGB) * 255).max(axis=2) < 30))
    assert np.sign(xs.mean() - centre_x) == side  # it is on the faced side of the head


def test_people_cast_a_contact_shadow(renderers):
    view = _view([0.0, 2.5, 3.0], [0.0, 0.0, 0.0], 160, 96, focal_mm=24.0)
    floor_only = _render(renderers, [], view)
    with_person = _render(renderers, [Subject(name="J", position=(0.0, 0.0, 0.0))], view)
    floor = (with_person["id"] == FLOOR_ID) & (floor_only["id"] == FLOOR_ID)
    darker = floor_only["beauty"].astype(int).sum(axis=2) - with_person["beauty"].astype(int).sum(axis=2)
    assert (darker[floor] > 20).sum() > 30  # a patch around the feet, not a line
    # And nowhere lighter, but for a pixel or two where the metre lines' anti-aliasing rounds otherwise.
    assert (darker[floor] < -6).sum() <= 3


def test_every_library_shape_renders_with_its_id(renderers):
    shapes = list(SHAPE_SIZES)
    subjects = [Subject(name=s, kind="set piece", shape=s, position=(4.0 * (i % 4) - 6.0, 0.0, -6.0 * (i // 4) - 4.0)) for i, s in enumerate(shapes)]
    view = _view([0.0, 14.0, 12.0], [0.0, 0.0, -12.0], 320, 192, focal_mm=18.0)
    ids = _render(renderers, subjects, view, ("id",))["id"]
    seen = set(np.unique(ids).tolist())
    assert {subject_id(i) for i in range(len(shapes))} <= seen


def _mesh_project(tmp_path, name: str, data: bytes | None = None) -> tuple[Project, View]:
    import trimesh

    path = tmp_path / name
    if data is None:
        trimesh.creation.box(extents=(1.0, 1.0, 1.0)).apply_translation((0, 0.5, 0)).export(path)
    else:
        path.write_bytes(data)
    project = Project(subjects=[Subject(name="Prop", kind="set piece", mesh=name, position=(0.0, 0.0, -4.0))])
    return project, _view([0.0, 1.5, 0.0], [0.0, 0.5, -4.0], 160, 96)


@pytest.mark.parametrize("name", ["prop.obj", "prop.glb", "prop.ply"])
def test_a_users_mesh_renders_where_it_stands(renderers, tmp_path, name):
    project, view = _mesh_project(tmp_path, name)
    scene = build_scene(shot_tracks(project, None), 0, base_dir=tmp_path)
    ids = renderers(160, 96).render(scene, view, ("id",))["id"]
    centre = view.project_points(np.array([[0.0, 0.5, -3.5]]))[0][0]
    assert ids[int(centre[1]), int(centre[0])] == subject_id(0)


@pytest.mark.parametrize("data", [b"v 1 2\nf 1 2 9\n\x00\xff garbage", b"", b"ply\nformat nonsense\n"], ids=["garbage", "empty", "bad ply"])
def test_a_corrupt_mesh_is_one_line_naming_the_file_and_field(tmp_path, data):
    project, _ = _mesh_project(tmp_path, "broken.obj" if data != b"ply\nformat nonsense\n" else "broken.ply", data)
    with pytest.raises(ShotlineError) as err:
        build_scene(shot_tracks(project, None), 0, base_dir=tmp_path)
    line = str(err.value)
    assert "\n" not in line and "broken." in line and "subjects[0].mesh" in line, line


def test_a_missing_mesh_names_the_file_and_field(tmp_path):
    project = Project(subjects=[Subject(name="Prop", kind="set piece", mesh="nowhere.glb")])
    with pytest.raises(ShotlineError, match=r"nowhere\.glb: subjects\[0\]\.mesh: no such mesh file"):
        build_scene(shot_tracks(project, None), 0, base_dir=tmp_path)


def test_greybox_and_grid_frames_share_the_camera(renderers):
    """The sequence renderer takes the evaluated cameras: its View is the grid renderer's."""
    from engine.greybox.shots import GreyboxShots
    from engine.grid.sequence import GridOptions, GridRenderer

    project = Project(
        subjects=[Subject(name="A")],
        shots=[Shot(id="s", name="s", duration=3, keys=[CameraKey(frame=0, position=(0.0, 1.6, 4.0)), CameraKey(frame=2, position=(1.0, 1.6, 4.0), focal_mm=50.0)])],
    )
    from engine.camera.interpolate import evaluate_sequence

    paths = evaluate_sequence(project)
    shots = GreyboxShots(project, paths, (160, 96))
    grid = GridRenderer(paths, GridOptions(size=(160, 96)))
    for f in range(3):
        a, b = shots.view(0, f), grid.view(0, f)
        np.testing.assert_array_equal(a.c2w, b.c2w)
        assert a.focal_px == b.focal_px and (a.width, a.height) == (b.width, b.height)
    frames = shots.render_frame(0, 2, ("beauty", "grid", "id"))
    assert set(frames) == {"beauty", "grid", "id"} and frames["grid"].shape == (96, 160, 3)
    assert (frames["grid"] != frames["beauty"]).any()  # the room's lines are drawn over it
    assert isinstance(paths[0], CameraPath)


def test_no_gl_context_is_a_clear_error(monkeypatch, tmp_path, capsys):
    import moderngl

    from engine.cli import main
    from engine.demo import DEMO_PATH

    def refuse(*args, **kwargs):
        raise Exception("eglGetDisplay failed")

    saved = gl._context  # the working context stays current in the GL thread, for the tests after this
    gl._reset_for_tests()
    monkeypatch.setattr(moderngl, "create_standalone_context", refuse)
    try:
        with pytest.raises(ShotlineError) as err:
            from engine.greybox.renderer import GreyboxRenderer

            GreyboxRenderer(32, 32)
        line = str(err.value)
        assert "\n" not in line and "OpenGL" in line and "libegl1 libgl1-mesa-dri" in line and "EGL_PLATFORM=surfaceless" in line
        out = tmp_path / "x.mp4"
        assert main(["preview", str(DEMO_PATH), "-o", str(out), "--size", "64x32"]) == 2
        assert "eglGetDisplay failed" in capsys.readouterr().err and not out.exists()
    finally:
        gl._context, gl._failure = saved, None


def _two_people_behind_a_wall(wall: bool) -> Project:
    from engine.camera.conventions import look_at_rotation as aim

    eye = np.array([0.0, 1.6, 4.0])
    quat = tuple(float(v) for v in aim(eye, np.array([0.0, 1.2, 0.0])).as_quat())
    subjects = [Subject(name="Mara", position=(-0.7, 0.0, 0.0), facing=0.0), Subject(name="Jonas", position=(0.7, 0.0, 0.0), facing=0.0)]
    if wall:  # a wall between the camera and Jonas only
        subjects.append(Subject(name="Screen", kind="set piece", shape="wall", position=(0.45, 0.0, 1.5), scale=(0.3, 1.0, 1.0)))
    shot = Shot(id="s", name="Two", duration=2, keys=[CameraKey(frame=0, position=tuple(eye), orientation=quat)])
    return Project(subjects=subjects, shots=[shot])


def test_describe_says_who_is_in_frame_from_the_id_pass():
    from engine.analysis.describe import describe_project

    open_text = describe_project(_two_people_behind_a_wall(False)).shots[0].text
    hidden = describe_project(_two_people_behind_a_wall(True))
    assert "Mara and Jonas" in open_text or "Jonas and Mara" in open_text
    # Jonas's point is still inside the frame, but the wall hides him: the id pass says so.
    assert hidden.contexts[0].subjects[1].in_frame()[0]
    assert "Jonas" not in hidden.shots[0].text and "Mara" in hidden.shots[0].text, hidden.shots[0].text


def test_the_seams_of_a_mannequins_torso_are_straight_seen_close_from_behind(renderers):
    """Where the chest's cylinder meets the sphere that rounds its joint, two coarse polyhedra of
    one radius cut each other in a zigzag: a jagged band across the back in close framings. Across
    the torso the seam (the strongest change of the surface's normal, column by column) keeps one
    row; it wandered over 4 rows on the old 12-sided cylinders and 6x10 spheres."""
    view = _view([0.0, 1.35, -1.2], [0.0, 1.25, 0.0], 320, 192, focal_mm=40.0)  # behind someone facing +z
    out = _render(renderers, [Subject(name="J", facing=0.0)], view, ("normal", "id"))
    body = out["id"] == subject_id(0)
    inner = body & np.roll(body, 2, 0) & np.roll(body, -2, 0) & np.roll(body, 2, 1) & np.roll(body, -2, 1)
    change = np.abs(np.diff(out["normal"].astype(float), axis=0)).sum(-1)
    change[~inner[1:]] = 0.0
    torso = [c for c in range(120, 200) if body[:, c].sum() > 50]
    assert len(torso) > 40
    rows = np.array([int(np.argmax(change[:, c])) for c in torso])
    assert np.ptp(rows) <= 1, rows
