"""The evaluated sequence, Project.locate, bake_keys and the render request built from a project."""

import csv
import io

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import sequence as sequences
from engine.camera.bake import bake_keys, path_length
from engine.camera.interpolate import evaluate_shot
from engine.camera.moves import MoveContext, Framing, apply_move, handheld
from engine.camera.path import CameraPath
from engine.demo import build_demo_project
from engine.errors import ShotlineError
from engine.interchange.csv_poses import COLUMNS
from engine.interchange.formats import export_project, import_project
from engine.project import Project, Shot, Subject
from engine.render.grid_backend import GridBackend
from engine.render.backend import RenderContext
from engine.render.request import request_from_project

from .strategies import projects


# -- Project.locate ------------------------------------------------------------------------------


@given(st.lists(st.integers(1, 50), min_size=1, max_size=6), st.integers(-10, 400))
def test_locate_finds_the_shot_a_frame_falls_in(durations, frame):
    shot = build_demo_project().shots[0]
    project = Project(shots=[shot.model_copy(update={"id": f"s{i}", "duration": d, "keys": shot.keys[:1]}) for i, d in enumerate(durations)])
    index, local = project.locate(frame)
    starts = np.cumsum([0] + durations)
    clamped = min(max(frame, 0), starts[-1] - 1)
    assert starts[index] <= clamped < starts[index + 1] and local == clamped - starts[index]


def test_locate_with_no_shots_says_so():
    with pytest.raises(ShotlineError, match="no shots"):
        Project().locate(0)


# -- EvaluatedSequence ---------------------------------------------------------------------------


def test_an_unchanged_shot_is_not_evaluated_again_even_in_a_fresh_copy_of_the_project():
    seq = sequences.EvaluatedSequence()
    project = build_demo_project()
    first = seq.paths(project)
    assert seq.evaluations == 4
    copy = Project.model_validate_json(project.model_dump_json())
    again = seq.paths(copy)
    assert seq.evaluations == 4 and all(a is b for a, b in zip(first, again))
    assert np.array_equal(first[1].c2w, evaluate_shot(project, project.shots[1]).c2w)


def test_a_key_edit_re_evaluates_only_that_shot_and_gives_the_new_camera():
    seq = sequences.EvaluatedSequence()
    project = build_demo_project()
    seq.paths(project)
    shot = project.shots[2]
    key = shot.keys[0].model_copy(update={"position": (9.0, 1.5, 9.0)})
    edited = project.model_copy(update={"shots": [s if s is not shot else shot.model_copy(update={"keys": [key, *shot.keys[1:]]}) for s in project.shots]})
    paths = seq.paths(edited)
    assert seq.evaluations == 5
    assert np.allclose(paths[2].positions[key.frame], (9.0, 1.5, 9.0))


def test_turning_a_key_turns_the_camera_though_its_rotations_were_computed_before():
    project = build_demo_project()
    shot = project.shots[0]  # five world keys, no look-at: orientations come from the keys alone
    before = evaluate_shot(project, shot)
    turned = shot.keys[2].model_copy(update={"orientation": (0.0, 0.7071067811865476, 0.0, 0.7071067811865476)})
    after = evaluate_shot(project, shot.model_copy(update={"keys": [*shot.keys[:2], turned, *shot.keys[3:]]}))
    assert np.allclose(after.c2w[:, :3, 3], before.c2w[:, :3, 3])
    assert np.allclose(after.c2w[turned.frame, :3, :3], [[0, 0, 1], [0, 1, 0], [-1, 0, 0]], atol=1e-9)
    assert np.array_equal(evaluate_shot(project, shot).c2w, before.c2w)  # and back


def test_moving_a_subject_re_evaluates_the_shots_that_aim_at_it_and_no_others():
    seq = sequences.EvaluatedSequence()
    project = build_demo_project()
    seq.paths(project)
    watched = {k.look_at for s in project.shots for k in s.keys if k.look_at} | {s.pivot for s in project.shots if s.pivot}
    name = sorted(watched)[0]
    moved = project.model_copy(update={"subjects": [s.model_copy(update={"position": (s.position[0] + 1, *s.position[1:])}) if s.name == name else s for s in project.subjects]})
    seq.paths(moved)
    following = [s for s in project.shots if s.pivot == name or any(k.look_at == name for k in s.keys)]
    assert seq.evaluations == 4 + len(following) and 0 < len(following) < 4


def test_cached_cameras_are_read_only():
    path = sequences.EvaluatedSequence().shot(build_demo_project(), build_demo_project().shots[0])
    with pytest.raises(ValueError):
        path.c2w[0, 0, 3] = 1.0


def test_the_cache_is_bounded_by_frames():
    seq = sequences.EvaluatedSequence(max_frames=300)
    project = build_demo_project()
    seq.paths(project)  # 360 frames: the oldest shot goes
    seq.shot(project, project.shots[-1])
    assert seq.evaluations == 4
    seq.shot(project, project.shots[0])
    assert seq.evaluations == 5


# -- bake_keys -----------------------------------------------------------------------------------


def _errors(path: CameraPath, keys) -> tuple[float, float, float]:
    shot = Shot(id="b", name="b", duration=len(path), keys=keys)
    got = evaluate_shot(Project(), shot)
    pos = np.linalg.norm(got.positions - path.positions, axis=1).max()
    rot = np.rad2deg((got.rotations.inv() * path.rotations).magnitude()).max()
    foc = np.abs(got.focal_mm / path.focal_mm - 1).max()
    return pos, rot, foc


@given(projects(max_shots=1), st.sampled_from([0.2, 0.5, 2.0]))
def test_baked_keys_reproduce_any_path_within_the_stated_tolerance(project, rot_tol):
    path = evaluate_shot(project, project.shots[0])
    keys = bake_keys(path, rot_tol_deg=rot_tol)
    pos, rot, foc = _errors(path, keys)
    assert pos <= max(0.01 * path_length(path.positions), 0.005) + 1e-9
    assert rot <= rot_tol + 1e-6 and foc <= 0.005 + 1e-9
    assert keys[0].frame == 0 and keys[-1].frame == len(path) - 1


@pytest.mark.parametrize("move", ["arc_left", "crane_up", "dolly_zoom_in", "pan_right", "push_in"])
def test_a_preset_move_bakes_to_few_keys(move):
    project = Project(subjects=[Subject(name="Mara", position=(0.0, 0.0, 0.0))])
    ctx = MoveContext(Framing.looking_at((0.0, 1.6, 4.0), (0.0, 1.5, 0.0), 35.0), 120, 24.0, project.subjects[0], "ease")
    camera = apply_move(move, ctx)
    path = evaluate_shot(project, camera.apply_to(Shot(id="m", name="m", duration=120, keys=camera.keys)))
    keys = bake_keys(path)
    assert len(keys) <= 12
    pos, rot, _ = _errors(path, keys)
    assert rot <= 0.5 + 1e-6 and pos <= max(0.01 * path_length(path.positions), 0.005) + 1e-9


def test_handheld_keeps_its_sway_when_baked():
    ctx = MoveContext(Framing.looking_at((0.0, 1.6, 4.0), (0.0, 1.5, 0.0), 35.0), 96, 24.0)
    steady = apply_move("static", ctx)
    shaky = handheld(steady, ctx, seed=3)
    path = evaluate_shot(Project(), shaky.apply_to(Shot(id="h", name="h", duration=96, keys=shaky.keys)))
    sway = np.linalg.norm(path.positions - path.positions.mean(axis=0), axis=1).std()
    assert 0.002 < sway < 0.02  # millimetres of an operator's breathing, not a locked-off camera


# -- the render request --------------------------------------------------------------------------


def test_a_3000_mm_lens_at_500_fps_renders_with_the_grid_backend():
    demo = build_demo_project()
    shot = demo.shots[0].model_copy(update={"duration": 20, "keys": demo.shots[0].keys[:1], "lens": demo.shots[0].lens.model_copy(update={"focal_mm": 3000.0})})
    shot = shot.model_copy(update={"keys": [k.model_copy(update={"focal_mm": None}) for k in shot.keys]})
    project = demo.model_copy(update={"fps": 500.0, "shots": [shot]})
    request = request_from_project(project, 64)
    assert request.fps == 500.0 and request.shots[0].focal_mm[0] == 3000.0
    assert (request.width, request.height) == project.frame_size(64)
    assert request.shots[0].film_back_mm == pytest.approx(project.film_back_mm())
    out = list(GridBackend().render(request, RenderContext("cpu", lambda: False, lambda *a: None)))
    assert len(out) == 1 and out[0][1].shape == (20, request.height, request.width, 3)


def test_a_setting_the_engine_cannot_take_names_its_field():
    with pytest.raises(ShotlineError) as info:
        request_from_project(build_demo_project(), 15)
    assert info.value.field == "width" and "render request" in str(info.value)
    with pytest.raises(ShotlineError) as info:
        request_from_project(build_demo_project(), 64, steps=0)
    assert info.value.field == "steps"


def test_the_request_film_back_follows_the_delivery_aspect():
    for aspect in (1.85, 16 / 9, 2.39):
        project = build_demo_project().model_copy(update={"aspect": aspect})
        w, h = request_from_project(project, 64).shots[0].film_back_mm
        assert w / h == pytest.approx(aspect)


# -- CSV of poses in the orders real files have -------------------------------------------------


def _csv_rows(tmp_path):
    out = tmp_path / "shots.csv"
    export_project(build_demo_project(), "csv", out)
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    return out, rows


def _write(path, rows):
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, COLUMNS)
        w.writeheader()
        w.writerows(rows)


@pytest.mark.parametrize("order", ["by frame across shots", "shots reversed", "shuffled"])
def test_a_csv_in_any_row_order_imports_as_its_shots(tmp_path, order):
    out, rows = _csv_rows(tmp_path)
    if order == "by frame across shots":
        rows.sort(key=lambda r: (int(r["frame"]), r["shot"]))
    elif order == "shots reversed":
        rows = [r for name in reversed(list(dict.fromkeys(r["shot"] for r in rows))) for r in rows if r["shot"] == name]
    else:
        rows = [rows[i] for i in np.random.default_rng(0).permutation(len(rows))]
    _write(out, rows)
    project = import_project(out, "csv")
    demo = build_demo_project()
    assert [s.name for s in project.shots] == [s.name for s in demo.shots]
    assert [s.duration for s in project.shots] == [s.duration for s in demo.shots]
    for a, b in zip(sequences.shared.paths(project), sequences.shared.paths(demo)):
        assert np.allclose(a.c2w, b.c2w, atol=1e-9)


def test_a_frame_twice_in_one_shot_names_the_line(tmp_path):
    out, rows = _csv_rows(tmp_path)
    _write(out, rows[:5] + [dict(rows[3])] + rows[5:])
    with pytest.raises(ShotlineError) as info:
        import_project(out, "csv")
    assert info.value.field == "line 7" and "frame 3 twice" in str(info.value) and str(out) in str(info.value)


def test_a_missing_frame_names_the_line(tmp_path):
    out, rows = _csv_rows(tmp_path)
    _write(out, rows[:5] + rows[6:])
    with pytest.raises(ShotlineError) as info:
        import_project(out, "csv")
    assert "jumps from frame 4 to 6" in str(info.value) and info.value.field == "line 7"  # header, frames 0-4, then 6

