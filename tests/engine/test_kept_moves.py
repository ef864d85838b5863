"""Move presets kept on a shot with their parameters (Shot.move), evaluated in the one path."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.analysis.describe import describe_context
from engine.analysis.shot_context import shot_context
from engine.camera.conventions import look_at_rotation, pan_tilt_roll
from engine.camera.rigs import DollyRig
from engine.errors import ShotlineError
from engine.project import CameraKey, Move, Project, Shot, Subject, loads_project, dumps_project
from engine.sequence import EvaluatedSequence

MARA = Subject(name="Mara", position=(0.0, 0.0, 0.0))
EYE = (0.0, 1.6, 6.0)


def _shot(move: Move, duration: int = 72, rig=None) -> tuple[Project, Shot]:
    quat = tuple(float(v) for v in look_at_rotation(EYE, (0.0, 1.55, 0.0)).as_quat())
    shot = Shot(id="m", name="move", duration=duration, keys=[CameraKey(frame=0, position=EYE, orientation=quat)], move=move, rig=rig)
    return Project(subjects=[MARA], shots=[shot]), shot


def _moving_frames(path) -> np.ndarray:
    step = np.linalg.norm(np.diff(path.positions, axis=0), axis=1)
    turn = (path.rotations[:-1].inv() * path.rotations[1:]).magnitude()
    zoom = np.abs(np.diff(path.focal_mm))
    return np.flatnonzero((step > 1e-9) | (turn > 1e-9) | (zoom > 1e-9))


@settings(max_examples=12, deadline=None)
@given(st.floats(0.3, 4.0), st.integers(10, 50), st.integers(0, 20), st.sampled_from(["ease", "linear", "ease_in", "ease_out"]))
def test_a_push_in_goes_its_distance_over_its_duration(distance, frames, start, easing):
    project, shot = _shot(Move(name="push_in", amount=distance, frames=frames, start=start, easing=easing, subject="Mara"))
    path = EvaluatedSequence().shot(project, shot)
    assert np.linalg.norm(path.positions[-1] - path.positions[0]) == pytest.approx(distance, abs=1e-9)
    moving = _moving_frames(path)  # frame i moving means it differs from frame i + 1
    assert moving.min() == start and moving.max() == start + frames - 2  # the move takes exactly its frames
    assert np.allclose(path.positions[: start + 1], EYE)


@pytest.mark.parametrize("name, amount", [("pan_left", 40.0), ("pan_right", 25.0), ("tilt_up", 15.0)])
def test_a_turn_goes_its_angle(name, amount):
    project, shot = _shot(Move(name=name, amount=amount, frames=48))
    path = EvaluatedSequence().shot(project, shot)
    ptr = pan_tilt_roll(path.rotations)
    turned = ptr[-1] - ptr[0]
    axis = 1 if name.startswith("tilt") else 0
    assert abs(turned[axis]) == pytest.approx(amount, abs=1e-6)
    assert np.allclose(path.positions, EYE)


def test_an_arc_goes_its_angle_around_the_subject():
    project, shot = _shot(Move(name="arc_left", amount=120.0, subject="Mara"))
    path = EvaluatedSequence().shot(project, shot)
    flat = path.positions[:, [0, 2]]
    azimuth = np.unwrap(np.arctan2(flat[:, 0], flat[:, 1]))
    assert abs(np.rad2deg(azimuth[-1] - azimuth[0])) == pytest.approx(120.0, abs=1e-6)
    assert np.allclose(np.linalg.norm(flat, axis=1), 6.0, atol=1e-6)


def test_the_speed_curve_shapes_the_move():
    speeds = {}
    for easing in ("ease", "linear", "ease_in", "ease_out"):
        project, shot = _shot(Move(name="truck_right", amount=2.0, easing=easing))
        path = EvaluatedSequence().shot(project, shot)
        speeds[easing] = np.linalg.norm(np.diff(path.positions, axis=0), axis=1)
    assert np.allclose(speeds["linear"], speeds["linear"][0])  # constant speed
    ease = speeds["ease"]
    assert ease[0] < 0.1 * ease.max() and ease[-1] < 0.1 * ease.max()  # starts and stops gently
    assert speeds["ease_in"][0] < 0.1 * speeds["ease_in"][-1]  # slow start, arrives at speed
    assert speeds["ease_out"][-1] < 0.1 * speeds["ease_out"][0]


@pytest.mark.parametrize(
    "move, label",
    [
        (Move(name="push_in", amount=2.0, subject="Mara"), "push in"),
        (Move(name="pull_out", amount=2.0, subject="Mara"), "pull out"),
        (Move(name="arc_left", amount=90.0, subject="Mara"), "arc left"),
        (Move(name="pan_right", amount=30.0), "pan right"),
        (Move(name="crane_up", amount=1.5, subject="Mara"), "crane up"),
        (Move(name="truck_left", amount=1.5, easing="linear"), "truck left"),
        (Move(name="zoom_in", amount=2.0, frames=40, start=10), "zoom in"),
    ],
)
def test_kept_moves_keep_their_labels_through_describe(move, label):
    project, shot = _shot(move)
    path = EvaluatedSequence().shot(project, shot)
    assert label in describe_context(shot_context(project, shot, path=path)).text


def test_a_kept_move_round_trips_through_a_file_and_its_subject_is_checked():
    project, shot = _shot(Move(name="arc_right", amount=45.0, frames=30, start=4, easing="ease_out", subject="Mara"))
    again = loads_project(dumps_project(project))
    assert again == project and again.shots[0].move == shot.move
    text = dumps_project(project).replace('"subject": "Mara"', '"subject": "Jonas"')
    with pytest.raises(ShotlineError, match=r"scene.shotline: shots\[0\]\.move\.subject: unknown subject 'Jonas'"):
        loads_project(text, "scene.shotline")
    with pytest.raises(ShotlineError, match=r"shots\[0\]\.move\.name: unknown move 'whip'"):
        loads_project(dumps_project(project).replace('"arc_right"', '"whip"'), "scene.shotline")


def test_a_move_that_cannot_run_holds_the_start_instead_of_breaking_the_views():
    project, shot = _shot(Move(name="push_in", amount=50.0, subject="Mara"))  # would pass through her
    path = EvaluatedSequence().shot(project, shot)
    assert np.allclose(path.positions, EYE)


def test_a_move_on_a_dolly_track_stays_on_the_track():
    rig = DollyRig(track=[(-3.0, 0.0, 6.0), (3.0, 0.0, 6.0)], height=1.6)
    project, shot = _shot(Move(name="truck_right", amount=2.0), rig=rig)
    path = EvaluatedSequence().shot(project, shot)
    assert np.allclose(path.positions[:, [1, 2]], [1.6, 6.0]) and path.positions[-1, 0] == pytest.approx(2.0)
