"""Focus channels: keyed focus and T-stop, rack focus between subjects, pull-to-subject."""

import json

import numpy as np
import pytest

from engine.camera.conventions import look_at_rotations
from engine.camera.focus import FOCUS_HEIGHT, pull_focus, rack_focus
from engine.camera.interpolate import evaluate_shot
from engine.errors import ShotlineError
from engine.project import CameraKey, Project, Shot, Subject, SubjectKey, dumps_project, load_project, loads_project
from engine.sequence import EvaluatedSequence


def _static_key(frame, position, target):
    q = look_at_rotations(np.array([position], float), np.array([target], float)).as_quat()[0]
    return CameraKey(frame=frame, position=position, orientation=tuple(float(c) for c in q))


def _two_people():
    # Ben 1.5 m from the camera, Ana 4 m, both straight ahead (the camera at eye height looks down -Z).
    subjects = [Subject(name="Ben", position=(0.3, 0.0, -1.5)), Subject(name="Ana", position=(-0.3, 0.0, -4.0))]
    eye = FOCUS_HEIGHT * 1.75
    shot = Shot(id="s", name="OTS", duration=48, keys=[_static_key(0, (0.0, eye, 0.0), (0.0, eye, -1.0)), _static_key(47, (0.0, eye, 0.0), (0.0, eye, -1.0))])
    return Project(subjects=subjects, shots=[shot])


def test_a_shot_without_focus_keys_has_no_focus_channels_and_old_files_read_unchanged():
    project = load_project("assets/demo/kitchen.shotline")
    path = evaluate_shot(project, project.shots[0])
    assert path.focus_m is None and path.t_stop is None
    again = loads_project(dumps_project(project))
    assert again == project


def test_rack_focus_goes_from_the_first_subjects_depth_to_the_seconds_monotonically():
    project = _two_people()
    shot = project.shots[0]
    path = evaluate_shot(project, shot)
    racked = rack_focus(project, shot, path, "Ben", "Ana", 12, 36, ease="ease")
    focus = evaluate_shot(project, racked).focus_m
    # Depths along the view axis (the camera looks straight down -Z from z = 0).
    assert focus[:13] == pytest.approx(1.5, abs=1e-9)
    assert focus[36:] == pytest.approx(4.0, abs=1e-9)
    assert np.all(np.diff(focus[12:37]) >= 0) and focus[24] == pytest.approx(2.75, abs=1e-6)
    # Eased: it starts and ends slowly, fastest in the middle.
    steps = np.diff(focus[12:37])
    assert steps[0] < steps[12] / 5 and steps[-1] < steps[12] / 5
    # The camera itself did not move: the rack is the focus channel's alone.
    assert np.allclose(evaluate_shot(project, racked).c2w, path.c2w, atol=1e-9)


def test_rack_focus_refuses_an_unknown_subject_or_a_backwards_span():
    project = _two_people()
    path = evaluate_shot(project, project.shots[0])
    with pytest.raises(ShotlineError, match="unknown subject"):
        rack_focus(project, project.shots[0], path, "Ben", "Zoe", 0, 10)
    with pytest.raises(ShotlineError, match="start < end"):
        rack_focus(project, project.shots[0], path, "Ben", "Ana", 20, 10)


def test_pull_to_subject_tracks_a_walking_subjects_depth_within_a_centimetre():
    project = _two_people()
    walk = [SubjectKey(subject="Ana", frame=0, position=(-0.3, 0.0, -4.0)), SubjectKey(subject="Ana", frame=47, position=(1.2, 0.0, -1.0))]
    # A camera that dollies in while Ana walks towards it.
    eye = FOCUS_HEIGHT * 1.75
    keys = [_static_key(0, (0.0, eye, 1.0), (0.0, eye, -3.0)), _static_key(47, (0.0, eye, 0.0), (0.0, eye, -3.0))]
    shot = project.shots[0].model_copy(update={"keys": keys, "subject_keys": walk})
    project = project.model_copy(update={"shots": [shot]})
    pulled = pull_focus(project, shot, "Ana")
    path = evaluate_shot(project, pulled)
    # Independently: Ana's eye point on each frame, seen from each frame's camera.
    t = np.arange(48) / 47
    ana = np.stack([-0.3 + 1.5 * t, np.full(48, eye), -4.0 + 3.0 * t], axis=1)
    w2c = np.linalg.inv(path.c2w)
    depth = -np.einsum("nij,nj->ni", w2c[:, :3, :3], ana)[:, 2] - w2c[:, 2, 3]
    assert np.abs(path.focus_m - depth).max() < 0.01
    assert depth[0] > 4.5 and depth[-1] < 1.5  # it did walk: a fixed focus would be metres off


def test_numeric_focus_and_t_stop_interpolate_like_the_other_channels():
    project = _two_people()
    shot = project.shots[0]
    keys = [shot.keys[0].model_copy(update={"focus_m": 2.0, "t_stop": 2.0, "interp_out": "linear"}), shot.keys[1].model_copy(update={"focus_m": 6.0, "t_stop": 8.0, "interp_in": "linear"})]
    path = evaluate_shot(project, shot.model_copy(update={"keys": keys}))
    assert path.focus_m[0] == 2.0 and path.focus_m[47] == 6.0 and np.allclose(np.diff(path.focus_m), 4.0 / 47)
    assert np.allclose(np.diff(path.t_stop), 6.0 / 47)
    # A focus key without a stop uses the lens's.
    keys = [shot.keys[0].model_copy(update={"focus_m": 3.0})]
    path = evaluate_shot(project, shot.model_copy(update={"keys": keys + [shot.keys[1]], "lens": shot.lens.model_copy(update={"t_stop": 4.0})}))
    assert np.all(path.focus_m == 3.0) and np.all(path.t_stop == 4.0)


def test_focus_fields_round_trip_and_bad_values_name_the_field():
    project = _two_people()
    racked = rack_focus(project, project.shots[0], evaluate_shot(project, project.shots[0]), "Ben", "Ana", 5, 20)
    project = project.model_copy(update={"shots": [racked]})
    assert loads_project(dumps_project(project)) == project
    data = json.loads(dumps_project(project))
    data["shots"][0]["keys"][0]["focus_subject"] = "Nobody"
    with pytest.raises(ShotlineError, match=r"keys\[0\]\.focus_subject"):
        loads_project(json.dumps(data))
    data["shots"][0]["keys"][0]["focus_subject"] = None
    data["shots"][0]["keys"][0]["t_stop"] = 0.1
    with pytest.raises(ShotlineError, match=r"t_stop"):
        loads_project(json.dumps(data))


def test_moving_the_focus_subject_re_evaluates_the_shot():
    project = _two_people()
    pulled = project.model_copy(update={"shots": [pull_focus(project, project.shots[0], "Ana")]})
    seq = EvaluatedSequence()
    first = seq.shot(pulled, pulled.shots[0]).focus_m[0]
    moved = pulled.model_copy(update={"subjects": [pulled.subjects[0], pulled.subjects[1].model_copy(update={"position": (-0.3, 0.0, -6.0)})]})
    assert first == pytest.approx(4.0) and seq.shot(moved, moved.shots[0]).focus_m[0] == pytest.approx(6.0)
    assert seq.evaluations == 2


def test_a_new_camera_move_keeps_the_shots_focus_keys():
    from engine.camera.focus import carry_focus

    project = _two_people()
    shot = project.shots[0]
    racked = rack_focus(project, shot, evaluate_shot(project, shot), "Ben", "Ana", 12, 36)
    before = evaluate_shot(project, racked).focus_m
    # A take's keys: a truck left, keyed at its ends only; the rack's frames get keys of their own.
    take = [CameraKey(frame=0, position=(0.0, 1.575, 0.0)), CameraKey(frame=47, position=(-1.0, 1.575, 0.0))]
    new = racked.model_copy(update={"keys": take})
    keys = carry_focus(racked, take, lambda: evaluate_shot(project, new))
    assert [k.frame for k in keys] == [0, 12, 36, 47]
    moved = evaluate_shot(project, new.model_copy(update={"keys": keys}))
    assert np.allclose(moved.positions, evaluate_shot(project, new).positions, atol=0.02)  # the take's move
    assert moved.focus_m[12] == pytest.approx(before[12], abs=0.01) and moved.focus_m[36] == pytest.approx(4.0, abs=0.01)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from .strategies import shots  # noqa: E402

focus_choice = st.one_of(st.none(), st.floats(0.05, 200.0), st.sampled_from(["Ben", "Ana"]))


@settings(max_examples=40, deadline=None)
@given(shot=shots(max_keys=5), data=st.data())
def test_any_mix_of_focus_keys_evaluates_to_a_positive_focus_through_every_numeric_key(shot, data):
    project = _two_people()
    keys = []
    for k in shot.keys:
        choice = data.draw(focus_choice)
        update = {"focus_m": choice} if isinstance(choice, float) else {"focus_subject": choice}
        keys.append(k.model_copy(update={**update, "t_stop": data.draw(st.one_of(st.none(), st.floats(0.7, 64.0)))}))
    shot = shot.model_copy(update={"keys": keys})
    project = project.model_copy(update={"shots": [shot]})
    path = evaluate_shot(project, shot)
    if not any(k.keys_focus for k in keys):
        assert path.focus_m is None
        return
    assert np.all(np.isfinite(path.focus_m)) and np.all(path.focus_m > 0) and np.all(path.t_stop >= 0.7)
    path.validate()
    for k in keys:
        if k.focus_m is not None:
            assert path.focus_m[k.frame] == pytest.approx(k.focus_m, rel=1e-9)
