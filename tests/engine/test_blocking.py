"""Blocking in the project model (version 2, the migration from 1) and the mannequin's poses and gait."""

from __future__ import annotations

import json
import typing
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.camera.interpolate import evaluate_sequence
from engine.errors import ShotlineError
from engine.greybox import mannequin as mq
from engine.greybox.blocking import shot_tracks
from engine.greybox.library import LIBRARY, SHAPE_SIZES
from engine.project import (
    FORMAT_VERSION,
    MIGRATIONS,
    CameraKey,
    PoseName,
    Project,
    ShapeName,
    Shot,
    Subject,
    SubjectKey,
    dumps_project,
    load_project,
    loads_project,
)

ROOT = Path(__file__).resolve().parents[2]
V1_FILES = sorted(
    p for p in list((ROOT / "tests").rglob("*.shotline")) + list((ROOT / "assets").rglob("*.shotline")) if json.loads(p.read_text())["version"] == 1
)


def test_version_two_has_a_registered_migration_from_one():
    assert FORMAT_VERSION == 2
    assert 1 in MIGRATIONS


@pytest.mark.parametrize("path", V1_FILES, ids=lambda p: p.name)
def test_version_one_files_migrate_with_the_same_cameras(path):
    project = load_project(path)
    assert all(s.kind == "person" and s.facing == 0.0 and s.pose == "stand" for s in project.subjects)
    # Evaluated by the version-1 code, before blocking (a copy of a file shares its cameras' file).
    beside = path.with_suffix(".cameras.npz")
    expected = np.load(beside if beside.exists() else ROOT / "tests/engine/data/v1" / beside.name)
    paths = evaluate_sequence(project)
    assert len(paths) == len([k for k in expected.files if k.startswith("c2w_")])
    for i, camera in enumerate(paths):
        np.testing.assert_allclose(camera.c2w, expected[f"c2w_{i}"], atol=1e-12)
        np.testing.assert_allclose(camera.focal_mm, expected[f"focal_{i}"], atol=1e-12)
    # And the migrated project saves as version 2 and reads back the same.
    again = loads_project(dumps_project(project), "again.shotline")
    assert again == project and json.loads(dumps_project(project))["version"] == 2


def test_there_are_version_one_files_to_migrate():
    assert {p.name for p in V1_FILES} >= {"rooftop.shotline", "blocking.shotline"}


def _doc(**subject) -> str:
    base = {"name": "X", **subject}
    return json.dumps({"format": "shotline", "version": 2, "subjects": [base], "shots": []})


@pytest.mark.parametrize(
    "subject, field, words",
    [
        ({"kind": "set piece", "shape": "spaceship"}, "subjects[0].shape", "Input should be"),
        ({"pose": "moonwalk"}, "subjects[0].pose", "Input should be"),
        ({"height": -1.7}, "subjects[0].height", "greater than 0"),
        ({"kind": "set piece"}, "subjects[0]", "needs a shape"),
        ({"kind": "set piece", "mesh": "chair.fbx"}, "subjects[0].mesh", "not a mesh"),
        ({"kind": "robot"}, "subjects[0].kind", "Input should be"),
        ({"shape": "table"}, "subjects[0].shape", "a person has no set-piece shape"),
        ({"kind": "set piece", "shape": "table", "pose": "sit"}, "subjects[0].pose", "no pose"),
        ({"kind": "set piece", "shape": "box", "scale": [1.0, 0.0, 1.0]}, "subjects[0].scale[1]", "greater than or equal to 0.001"),
        # So small its derived height rounds to nothing: refused here, not saved into an unreadable file.
        ({"kind": "set piece", "shape": "crate", "scale": [1.0, 1e-320, 1.0]}, "subjects[0].scale[1]", "greater than or equal to 0.001"),
    ],
)
def test_bad_blocking_is_one_line_naming_the_file_and_field(subject, field, words):
    with pytest.raises(ShotlineError) as err:
        loads_project(_doc(**subject), "set.shotline")
    line = str(err.value)
    assert "\n" not in line and line.startswith(f"set.shotline: {field}") and words in line, line


def test_unknown_pose_on_a_subject_key_names_the_key():
    doc = json.loads(_doc())
    doc["shots"] = [{"id": "a", "name": "a", "duration": 10, "keys": [{"frame": 0, "position": [0, 1, 3]}],
                     "subject_keys": [{"subject": "X", "frame": 2, "position": [0, 0, 0], "pose": "dab"}]}]  # fmt: skip
    with pytest.raises(ShotlineError, match=r"^k\.shotline: shots\[0\]\.subject_keys\[0\]\.pose"):
        loads_project(json.dumps(doc), "k.shotline")


def test_library_sizes_are_real_and_cover_every_shape():
    assert set(SHAPE_SIZES) == set(typing.get_args(ShapeName)) == set(LIBRARY)
    w, h, _ = SHAPE_SIZES["table"]
    assert 0.7 <= h <= 0.8 and 1.2 <= w <= 2.0  # a dining table
    assert 2.0 <= SHAPE_SIZES["door"][1] <= 2.2 and 1.3 <= SHAPE_SIZES["car"][1] <= 1.6
    assert 3.5 <= SHAPE_SIZES["car"][2] <= 5.0 and SHAPE_SIZES["wall"][1] >= 2.4


def test_set_piece_height_follows_its_shape_and_scale():
    table = Subject(name="T", kind="set piece", shape="table", scale=(1.0, 1.2, 1.0))
    assert table.height == pytest.approx(SHAPE_SIZES["table"][1] * 1.2)
    back = loads_project(dumps_project(Project(subjects=[table])))
    assert back.subjects[0] == table


def test_every_pose_name_has_a_preset():
    assert set(typing.get_args(PoseName)) == set(mq.POSES)
    for name in mq.POSES:
        figure = mq.pose_figure(mq.preset_angles(name), (0.0, 0.0, 0.0), 0.0, 1.75)
        lowest = min(figure.joints[:, 1] - mq.RADII * figure.scale)
        assert lowest >= -1e-6, name  # nobody sinks into the floor


def test_figure_scales_with_height_and_has_seventeen_joints():
    tall = mq.pose_figure(mq.preset_angles("stand"), (0, 0, 0), 0.0, 1.9)
    short = mq.pose_figure(mq.preset_angles("stand"), (0, 0, 0), 0.0, 1.6)
    assert len(mq.JOINTS) == 17
    top = lambda f: f.joint("head")[1] + mq.RADII[mq.INDEX["head"]] * f.scale
    assert top(tall) == pytest.approx(1.9, abs=0.03) and top(short) == pytest.approx(1.6, abs=0.03)


@given(st.floats(-180, 180))
@settings(max_examples=20, deadline=None)
def test_facing_turns_the_face_that_way(yaw):
    figure = mq.pose_figure(mq.preset_angles("stand"), (1.0, 0.0, -2.0), yaw, 1.75)
    ahead = figure.face_point - figure.joint("head")
    expected = np.array([np.sin(np.deg2rad(yaw)), 0.0, np.cos(np.deg2rad(yaw))])
    assert np.dot(ahead / np.linalg.norm(ahead), expected) > 0.99


def test_sit_crouch_lie_lower_the_head():
    heights = {n: mq.pose_figure(mq.preset_angles(n), (0, 0, 0), 0.0, 1.75).joint("head")[1] for n in ("stand", "sit", "crouch", "lie")}
    assert heights["stand"] > heights["sit"] > heights["crouch"] > heights["lie"]
    assert heights["lie"] < 0.3


def _walk(distance: float, seconds: float, fps: float = 24.0, height: float = 1.8) -> tuple[Project, Shot]:
    frames = int(round(seconds * fps)) + 1
    shot = Shot(
        id="w", name="walk", duration=frames, keys=[CameraKey(frame=0, position=(4.0, 1.6, 2.0))],
        subject_keys=[SubjectKey(subject="J", frame=0, position=(0.0, 0.0, 0.0)), SubjectKey(subject="J", frame=frames - 1, position=(distance * 0.6, 0.0, distance * 0.8))],
    )  # fmt: skip
    return Project(fps=fps, subjects=[Subject(name="J", height=height)], shots=[shot]), shot


@pytest.mark.parametrize("distance, seconds", [(5.6, 4.0), (3.0, 3.0), (12.0, 3.0)], ids=["walk", "slow walk", "run"])
def test_a_walking_foot_does_not_slide(distance, seconds):
    project, shot = _walk(distance, seconds)
    track = shot_tracks(project, shot)[0]
    figures = [track.figure(i) for i in range(shot.duration)]
    steps = 0
    for side in ("l", "r"):
        ankle = np.array([f.joint(f"ankle_{side}") for f in figures])
        planted = ankle[:, 1] < mq.ANKLE_HEIGHT * figures[0].scale + 1e-3
        # Runs of consecutive planted frames are the steps of this foot.
        edges = np.flatnonzero(np.diff(np.r_[0, planted.astype(int), 0]))
        for start, stop in zip(edges[::2], edges[1::2]):
            if stop - start < 2:
                continue
            slide = np.linalg.norm(ankle[start:stop, [0, 2]] - ankle[start, [0, 2]], axis=1).max()
            assert slide < 0.05, f"{side} foot slid {slide:.3f} m in the step at frames {start}-{stop}"
            steps += 1
    assert steps >= 4  # it really walked (and the feet really touched down)
    speed = distance / seconds
    assert track.facing[5] == pytest.approx(np.rad2deg(np.arctan2(0.6, 0.8)), abs=1e-6)  # faces where they go
    pelvis = np.array([f.joint("pelvis") for f in figures])
    moved = np.linalg.norm(pelvis[-2, [0, 2]] - pelvis[1, [0, 2]])
    assert moved == pytest.approx(speed * (shot.duration - 3) / project.fps, rel=0.02)


def test_stride_matches_ground_speed():
    cycles = []
    for distance in (3.0, 5.6):
        project, shot = _walk(distance, 4.0)
        ankle = np.array([shot_tracks(project, shot)[0].figure(i).joint("ankle_l") for i in range(shot.duration)])
        lifted = ankle[:, 1] > mq.ANKLE_HEIGHT * 1.8 / 1.75 + 0.01
        cycles.append(np.count_nonzero(np.diff(lifted.astype(int)) == 1))
    # Faster means longer strides, not just more of them: the step count grows less than the speed.
    assert cycles[0] < cycles[1] < cycles[0] * 5.6 / 3.0


def test_poses_blend_between_keys_and_facing_turns_the_short_way():
    shot = Shot(
        id="p", name="p", duration=25, keys=[CameraKey(frame=0, position=(0.0, 1.6, 4.0))],
        subject_keys=[SubjectKey(subject="M", frame=0, position=(0, 0, 0), facing=170.0, pose="stand"),
                      SubjectKey(subject="M", frame=24, position=(0, 0, 0), facing=-170.0, pose="sit")],
    )  # fmt: skip
    project = Project(subjects=[Subject(name="M")], shots=[shot])
    track = shot_tracks(project, shot)[0]
    assert track.facing[12] % 360 == pytest.approx(180.0, abs=1e-6)  # through 180, not through 0
    head = [track.figure(i).joint("head")[1] for i in (0, 12, 24)]
    assert head[0] > head[1] > head[2]
    np.testing.assert_allclose(track.angles[24], mq.preset_angles("sit"), atol=1e-9)


@pytest.mark.parametrize("name", ["rooftop", "kitchen"])
def test_demo_files_are_what_the_demo_code_builds(name):
    from engine.demo import DEMOS

    path, build = DEMOS[name]

    def rounded(value):  # the orientations are computed: the last bit differs between numpy/BLAS builds
        if isinstance(value, float):
            return round(value, 9)
        if isinstance(value, dict):
            return {k: rounded(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [rounded(v) for v in value]
        return value

    assert rounded(loads_project(path.read_text(), path).model_dump()) == rounded(build().model_dump())
    assert json.loads(path.read_text())["version"] == FORMAT_VERSION


def test_demos_are_blocked():
    from engine.demo import build_demo_project, build_kitchen_project

    rooftop, kitchen = build_demo_project(), build_kitchen_project()
    pieces = [s for s in rooftop.subjects if s.kind == "set piece"]
    assert {"Water tank", "Stair door"} <= {s.name for s in pieces} and any("ledge" in s.name for s in pieces)
    ots = rooftop.shots[1]
    track = next(t for t in shot_tracks(rooftop, ots) if t.subject.name == "Jonas")
    mara = np.array(rooftop.subject("Mara").position)
    gap = np.linalg.norm(track.positions[:, [0, 2]] - mara[[0, 2]], axis=1)
    assert gap[-1] < gap[0] - 0.4  # Jonas walks toward Mara during shot 2 …
    assert np.isfinite(track.pelvis_y).any()  # … on his feet (the gait, not a glide)
    # Master, the OTS pair, two singles, the insert and the exit: seven shots.
    assert len(kitchen.shots) == 7 and [s.size for s in kitchen.shots][:3] == ["WS", "MS", "MS"]
    assert sum(s.kind == "person" for s in kitchen.subjects) == 2 and kitchen.subject("Ana").pose == "sit"


def _planted_slides(project: Project, shot: Shot) -> list[float]:
    """How far each foot slides during each of its steps on the ground (runs of planted frames)."""
    track = shot_tracks(project, shot)[0]
    figures = [track.figure(i) for i in range(shot.duration)]
    slides = []
    for side in ("l", "r"):
        ankle = np.array([f.joint(f"ankle_{side}") for f in figures])
        planted = ankle[:, 1] < mq.ANKLE_HEIGHT * figures[0].scale + 1e-3
        edges = np.flatnonzero(np.diff(np.r_[0, planted.astype(int), 0]))
        for start, stop in zip(edges[::2], edges[1::2]):
            slides.append(float(np.linalg.norm(ankle[start:stop, [0, 2]] - ankle[start, [0, 2]], axis=1).max()))
    return slides


@pytest.mark.parametrize(
    "keys",
    [
        [(0, 0.0), (12, 0.0), (60, 2.8), (80, 2.8)],  # stands, walks off, stops and stands again
        [(0, 0.0), (96, 1.2)],  # a slow walk (0.3 m/s), where the gait used to blend with the pose
        [(0, 0.0), (96, 0.4)],  # a shuffle (0.1 m/s): small steps, not a glide
        [(0, 0.0), (48, 2.8), (72, 7.0), (95, 7.0)],  # walk, break into a run, stop
    ],
    ids=["start and stop", "slow walk", "shuffle", "walk to run"],
)
def test_feet_stay_planted_when_a_walk_starts_slows_and_stops(keys):
    frames = keys[-1][0] + 1
    shot = Shot(
        id="w", name="w", duration=frames, keys=[CameraKey(frame=0, position=(4.0, 1.6, 2.0))],
        subject_keys=[SubjectKey(subject="J", frame=f, position=(0.0, 0.0, z)) for f, z in keys],
    )  # fmt: skip
    project = Project(fps=24.0, subjects=[Subject(name="J", height=1.8)], shots=[shot])
    slides = _planted_slides(project, shot)
    assert len(slides) >= 3  # it stepped (the first step out of standing included)
    assert max(slides) < 0.05, f"a foot slid {max(slides):.3f} m"
    track = shot_tracks(project, shot)[0]
    last = track.figure(frames - 1)  # the last frame stands in the keyed pose again, feet under the hips
    if keys[-1][1] == keys[-2][1]:
        stand = mq.pose_figure(mq.preset_angles("stand"), track.positions[-1], float(track.facing[-1]), 1.8)
        assert np.allclose(last.joints, stand.joints, atol=1e-6)
