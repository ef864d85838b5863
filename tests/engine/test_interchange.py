import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from engine.camera.interpolate import evaluate_sequence
from engine.camera.normalize import to_state9
from engine.camera.conventions import opengl_to_opencv
from engine.demo import build_demo_project
from engine.errors import ShotlineError
from engine.interchange.formats import FORMATS, export_project, import_project

from .strategies import projects

POSE_FORMATS = ["usd", "nerfstudio", "re10k", "chan", "csv", "kitti", "npy12"]
FOCAL_FORMATS = {"usd", "nerfstudio", "re10k", "chan", "csv"}


def _target(tmp_path, fmt, project):
    suffix = FORMATS[fmt].suffix
    if len(project.shots) > 1 and fmt not in ("usd", "otio", "nerfstudio", "csv"):
        return tmp_path / f"out_{fmt}"  # a folder, one file per shot
    return tmp_path / f"out_{fmt}{suffix}"


def assert_same_cameras(a, b, focal=True):
    pa, pb = evaluate_sequence(a), evaluate_sequence(b)
    assert [len(p) for p in pa] == [len(p) for p in pb]
    for x, y in zip(pa, pb):
        assert np.allclose(x.c2w, y.c2w, atol=1e-6)
        if focal:
            # USD stores lens attributes as 32-bit floats: compare relatively.
            assert np.allclose(x.focal_mm, y.focal_mm, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("fmt", POSE_FORMATS)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(project=projects())
def test_pose_formats_round_trip(tmp_path_factory, fmt, project):
    tmp_path = tmp_path_factory.mktemp(fmt)
    out = _target(tmp_path, fmt, project)
    export_project(project, fmt, out)
    back = import_project(out, fmt, project.model_copy(update={"shots": []}))
    assert_same_cameras(project, back, focal=fmt in FOCAL_FORMATS)
    assert back.fps == project.fps
    assert [s.duration for s in back.shots] == [s.duration for s in project.shots]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(project=projects())
def test_otio_round_trips_losslessly(tmp_path_factory, project):
    out = tmp_path_factory.mktemp("otio") / "seq.otio"
    export_project(project, "otio", out)
    assert import_project(out, "otio") == project


def test_otio_has_one_clip_per_shot_and_key_markers(tmp_path):
    import opentimelineio as otio

    project = build_demo_project()
    export_project(project, "otio", tmp_path / "seq.otio")
    timeline = otio.adapters.read_from_file(str(tmp_path / "seq.otio"))
    clips = list(timeline.find_clips())
    assert [c.name for c in clips] == [s.name for s in project.shots]
    assert [c.duration().value for c in clips] == [s.duration for s in project.shots]
    assert [len(c.markers) for c in clips] == [len(s.keys) for s in project.shots]
    assert timeline.duration().value == project.total_frames


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(project=projects())
def test_npy9_holds_the_normalised_state(tmp_path_factory, project):
    out = _target(tmp_path_factory.mktemp("n9"), "npy9", project)
    export_project(project, "npy9", out)
    back = import_project(out, "npy9", project.model_copy(update={"shots": []}))
    for a, b in zip(evaluate_sequence(project), evaluate_sequence(back)):
        want = to_state9(opengl_to_opencv(a.c2w), a.focal_mm, a.film_back_mm)
        got = to_state9(opengl_to_opencv(b.c2w), b.focal_mm, b.film_back_mm)
        assert np.allclose(want, got, atol=1e-6)


@pytest.mark.parametrize("mpu", [0.01, 1.0])
def test_usd_lens_units_follow_meters_per_unit(tmp_path, mpu):
    from pxr import Gf, Usd, UsdGeom

    from engine.interchange import usd
    from engine.interchange.sampled import project_paths

    project = build_demo_project()
    usd.write(project_paths(project), tmp_path / "cams.usda", project.fps, meters_per_unit=mpu)
    stage = Usd.Stage.Open(str(tmp_path / "cams.usda"))
    assert UsdGeom.GetStageMetersPerUnit(stage) == mpu
    cams = [UsdGeom.Camera(p) for p in stage.Traverse() if p.IsA(UsdGeom.Camera)]
    assert len(cams) == 4
    # USD lens units are tenths of a scene unit: 24 mm is 24 when the unit is the centimetre.
    focal = cams[0].GetFocalLengthAttr().Get(Usd.TimeCode(1001))
    assert focal == pytest.approx(24.0 / (100 * mpu), rel=1e-6)
    gf = cams[0].GetCamera(Usd.TimeCode(1001))
    assert gf.horizontalAperture == pytest.approx(24.89 / (100 * mpu), rel=1e-6)
    paths, fps = usd.read(tmp_path / "cams.usda", project)
    assert np.allclose(paths[0].c2w, project_paths(project)[0].c2w, atol=1e-6)
    # What another USD tool sees: the camera's world transform (USD's row-vector matrices, scene
    # units) is our pose, and the subject the shot looks at is inside the camera's frustum.
    close_up, frame = project.shots[3], 30  # "Mara close-up push" looks at Mara
    t = Usd.TimeCode(1001 + sum(s.duration for s in project.shots[:3]) + frame)
    world = np.array(UsdGeom.Xformable(cams[3]).ComputeLocalToWorldTransform(t)).T
    world[:3, 3] *= mpu
    assert np.allclose(world, project_paths(project)[3].c2w[frame], atol=1e-6)
    subject = project.subject(close_up.keys[0].look_at)
    eye_level = np.asarray(subject.position) + [0.0, close_up.keys[0].look_at_height * subject.height, 0.0]
    frustum = cams[3].GetCamera(t).frustum
    assert frustum.Intersects(Gf.Vec3d(*(eye_level / mpu)))
    assert not frustum.Intersects(Gf.Vec3d(*((2 * world[:3, 3] - eye_level) / mpu)))  # behind the camera


def test_several_shots_to_one_file_format_needs_a_folder(tmp_path):
    with pytest.raises(ShotlineError, match="give a folder"):
        export_project(build_demo_project(), "re10k", tmp_path / "x.txt")
    assert not list(tmp_path.iterdir())


def test_folder_export_replaces_only_when_complete(tmp_path, monkeypatch):
    out = tmp_path / "chan"
    export_project(build_demo_project(), "chan", out)
    before = sorted(os.listdir(out))
    assert len(before) == 4

    from engine.interchange import chan

    real = chan.fmt
    calls = {"n": 0}

    def failing(values):
        calls["n"] += 1
        if calls["n"] > 50:
            raise OSError("disk full")
        return real(values)

    monkeypatch.setattr(chan, "fmt", failing)
    with pytest.raises(OSError):
        export_project(build_demo_project(), "chan", out)
    assert sorted(os.listdir(out)) == before
    assert sorted(os.listdir(tmp_path)) == ["chan"]


@pytest.mark.parametrize(
    "fmt, name, text, words",
    [
        ("kitti", "bad.txt", "1 0 0 0 0 1 0 0 0 0 1\n", "expected 12"),
        ("kitti", "bad.txt", "1 0 0 0 0 1 0 0 0 0 1 nan\n", "NaN"),
        ("re10k", "bad.txt", "url\n0 1 1 0.5 0.5 0 0 1 0 0\n", "expected 19"),
        ("chan", "bad.chan", "1 0 0 0 x 0 0 40\n", "not a number"),
        ("csv", "bad.csv", "shot,frame\n", "missing column"),
        ("nerfstudio", "bad.json", '{"camera_path": []}', "camera_path"),
        ("nerfstudio", "bad.json", '{"camera_path": [{"camera_to_world": [1, 2]}]}', "16 numbers"),
        ("otio", "bad.otio", "not json", "OpenTimelineIO"),
        ("usd", "bad.usda", "#usda 1.0\n(\n", "USD"),
    ],
)
def test_bad_files_name_the_file_and_line(tmp_path, fmt, name, text, words):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ShotlineError) as info:
        import_project(path, fmt)
    assert str(path) in str(info.value) and words in str(info.value)
