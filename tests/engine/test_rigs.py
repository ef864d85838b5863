"""Rigs as constraints on a shot's camera: keys in rig space, baked to world poses for every reader."""

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.camera.conventions import pan_tilt_roll
from engine.camera.rigs import CraneRig, DollyRig, SteadicamRig, TripodRig
from engine.camera.rigs.evaluate import constrain_shot, key_at_channels, key_channels
from engine.errors import ShotlineError
from engine.interchange.formats import export_project
from engine.project import CameraKey, Project, Shot, Subject, SubjectKey, dumps_project, load_project, loads_project, save_project
from engine.sequence import EvaluatedSequence

from .strategies import quaternions

coord = st.floats(-20, 20, allow_nan=False, allow_infinity=False)
point = st.tuples(coord, coord, coord)
interp = st.sampled_from(["linear", "bezier", "ease", "constant"])


def _keys(draw, duration, count):
    frames = sorted(draw(st.sets(st.integers(0, duration - 1), min_size=1, max_size=count)))
    return [
        CameraKey(frame=f, position=draw(point), orientation=draw(quaternions()), interp_in=draw(interp), interp_out=draw(interp))
        for f in frames
    ]


def _distance_to_polyline(p: np.ndarray, line: np.ndarray) -> np.ndarray:
    a, seg = line[:-1], np.diff(line, axis=0)
    t = np.clip(np.einsum("kmi,mi->km", p[:, None] - a, seg) / np.einsum("mi,mi->m", seg, seg), 0, 1)
    return np.linalg.norm(p[:, None] - (a + t[..., None] * seg), axis=2).min(axis=1)


def _rigged(rig, keys, duration=40, subjects=()):
    shot = Shot(id="r", name="rigged", duration=duration, keys=keys, rig=rig)
    return Project(subjects=list(subjects), shots=[shot]), shot


@st.composite
def tracks(draw):
    n = draw(st.integers(2, 6))
    pts = [draw(st.tuples(coord, st.floats(-1, 1), coord)) for _ in range(n)]
    steps = np.linalg.norm(np.diff(np.asarray(pts), axis=0), axis=1)
    if np.any(steps < 0.05):  # a track's points differ (the model refuses others: tested below)
        pts = [(float(i), 0.0, float(i % 2)) for i in range(n)]
    return DollyRig(track=pts, smooth=draw(st.booleans()), height=draw(st.floats(0.0, 3.0)))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_crane_key_stays_on_its_arms_sphere(data):
    rig = CraneRig(base=data.draw(point), height=data.draw(st.floats(0.0, 10.0)), arm=data.draw(st.floats(0.5, 12.0)))
    project, shot = _rigged(rig, _keys(data.draw, 40, 5))
    constrained = constrain_shot(project, shot)
    pivot = np.asarray(rig.base) + [0.0, rig.height, 0.0]
    keys = np.array([k.position for k in constrained.keys])
    assert np.allclose(np.linalg.norm(keys - pivot, axis=1), rig.arm, atol=1e-9)
    assert constrain_shot(project, constrained) is constrained  # snapping twice changes nothing
    path = EvaluatedSequence().shot(project.model_copy(update={"shots": [constrained]}), constrained)
    assert np.allclose(np.linalg.norm(path.positions - pivot, axis=1), rig.arm, atol=1e-9)  # every frame, not only keys
    assert np.allclose(pan_tilt_roll(path.rotations)[:, 2], 0.0, atol=1e-6)  # a remote head does not roll
    # A key keeps its swing and boom when set in rig space.
    moved = key_at_channels(constrained, constrained.keys[0], [33.0, 12.0])
    assert key_channels(constrained, moved) == pytest.approx([33.0, 12.0], abs=1e-9)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tracks(), st.data())
def test_a_dolly_key_stays_on_its_track(rig, data):
    project, shot = _rigged(rig, _keys(data.draw, 40, 5))
    constrained = constrain_shot(project, shot)
    lens = rig.rails + [0.0, rig.height, 0.0]
    keys = np.array([k.position for k in constrained.keys])
    assert _distance_to_polyline(keys, lens).max() < 1e-9
    assert constrain_shot(project, constrained) is constrained
    path = EvaluatedSequence().shot(project.model_copy(update={"shots": [constrained]}), constrained)
    assert _distance_to_polyline(path.positions, lens).max() < 1e-9  # the camera runs on the track between keys
    s = data.draw(st.floats(0.0, 1.0)) * rig.length
    along = key_at_channels(constrained, constrained.keys[0], [s])
    assert key_channels(constrained, along) == pytest.approx([s], abs=1e-6)


def test_a_dolly_key_is_its_distance_along_the_track_and_stops_at_the_ends():
    rig = DollyRig(track=[(0.0, 0.0, 0.0), (4.0, 0.0, 0.0), (4.0, 0.0, 3.0)], height=1.2)  # 7 m of track round a corner
    keys = [CameraKey(frame=0, position=(-5.0, 1.2, 0.0)), CameraKey(frame=47, position=(9.0, 1.2, 6.0))]
    project, shot = _rigged(rig, keys, 48)
    assert rig.length == pytest.approx(7.0)
    path = EvaluatedSequence().shot(project, shot)
    assert path.positions[0] == pytest.approx([0.0, 1.2, 0.0]) and path.positions[-1] == pytest.approx([4.0, 1.2, 3.0])
    assert _distance_to_polyline(path.positions, rig.lens_path).max() < 1e-9  # round the corner along the rails, not across it
    travelled = np.linalg.norm(np.diff(path.positions, axis=0), axis=1).sum()
    assert 6.95 < travelled <= 7.0 + 1e-9  # the chords of 48 frames cut the corner by less than 5 cm


@settings(max_examples=15, deadline=None)
@given(point, st.data())
def test_a_tripod_keeps_its_position_and_pans_and_tilts_only(position, data):
    project, shot = _rigged(TripodRig(position=position), _keys(data.draw, 30, 4), 30)
    path = EvaluatedSequence().shot(project, shot)
    assert np.allclose(path.positions, position, atol=1e-12)
    assert np.allclose(pan_tilt_roll(path.rotations)[:, 2], 0.0, atol=1e-6)
    assert all(np.allclose(k.position, position) for k in constrain_shot(project, shot).keys)


@settings(max_examples=5, deadline=None)
@given(st.floats(0.2, 1.0), st.floats(0.3, 2.5), st.tuples(st.floats(-3, 3), st.floats(0.5, 2), st.floats(-3, 3)))
def test_a_steadicam_lags_the_walking_subject_by_its_lag(lag, speed, offset):
    fps, frames = 24.0, 240
    walk = speed * (frames - 1) / fps
    mara = Subject(name="Mara", position=(0.0, 0.0, 0.0))
    rig = SteadicamRig(subject="Mara", lag_s=lag, offset=offset)
    shot = Shot(
        id="s", name="walk", duration=frames, rig=rig,
        keys=[CameraKey(frame=0, position=(0.0, 1.6, -2.0), look_at="Mara")],
        subject_keys=[SubjectKey(subject="Mara", frame=0, position=(0.0, 0.0, 0.0)), SubjectKey(subject="Mara", frame=frames - 1, position=(walk, 0.0, 0.0))],
    )
    project = Project(fps=fps, subjects=[mara], shots=[shot])
    path = EvaluatedSequence().shot(project, shot)
    t = np.arange(frames) / fps
    settled = t > 8 * lag  # the follow has caught up with the walk's start
    behind = np.clip(t - lag, 0, None) * speed  # where Mara was lag seconds ago
    assert np.abs(path.positions[settled, 0] - (behind[settled] + offset[0])).max() < 2e-3
    assert np.allclose(path.positions[:, 1:], [offset[1], offset[2]], atol=1e-9)
    assert path.positions[0] == pytest.approx(np.asarray(offset))  # starts on its mark, at rest
    assert np.all(np.diff(path.positions[:, 0]) >= -1e-12)  # critically damped: never runs back


def test_rigged_shots_round_trip_through_save_and_load(tmp_path):
    mara = Subject(name="Mara", position=(0.0, 0.0, 2.0))
    key = CameraKey(frame=0, position=(0.0, 1.5, 6.0), look_at="Mara")
    end = CameraKey(frame=47, position=(2.0, 2.5, 6.0), look_at="Mara")
    shots = [
        Shot(id="d", name="dolly", duration=48, keys=[key, end], rig=DollyRig(track=[(-2.0, 0.0, 6.0), (0.0, 0.0, 7.0), (3.0, 0.0, 6.0)], smooth=True)),
        Shot(id="c", name="crane", duration=48, keys=[key, end], rig=CraneRig(base=(0.0, 0.0, 9.0), height=2.0, arm=3.5)),
        Shot(id="t", name="tripod", duration=48, keys=[key, end], rig=TripodRig(position=(1.0, 1.4, 6.0))),
        Shot(id="s", name="steadicam", duration=48, keys=[key, end], rig=SteadicamRig(subject="Mara", lag_s=0.4),
             subject_keys=[SubjectKey(subject="Mara", frame=47, position=(3.0, 0.0, 2.0))]),
    ]
    project = Project(subjects=[mara], shots=shots)
    save_project(project, tmp_path / "rigs.shotline")
    again = load_project(tmp_path / "rigs.shotline")
    assert again == project
    a, b = EvaluatedSequence().paths(project), EvaluatedSequence().paths(again)
    assert all(np.array_equal(x.c2w, y.c2w) for x, y in zip(a, b))
    # ... and through USD as world poses: what another tool reads is the rig's camera, frame by frame.
    from engine.interchange import usd

    export_project(project, "usd", tmp_path / "rigs.usda")
    paths, _ = usd.read(tmp_path / "rigs.usda", project)
    for got, want, shot in zip(paths, a, shots):
        assert np.allclose(got.c2w, want.c2w, atol=1e-6), shot.name
    pivot = np.array([0.0, 2.0, 9.0])
    assert np.allclose(np.linalg.norm(paths[1].positions - pivot, axis=1), 3.5, atol=1e-5)  # on the arm's sphere in USD too


def test_files_without_rigs_read_as_before():
    data = json.loads(dumps_project(Project(shots=[Shot(id="a", name="a", duration=10, keys=[CameraKey(frame=0, position=(0.0, 1.0, 0.0))])])))
    for shot in data["shots"]:
        del shot["rig"], shot["move"]  # a file written before rigs
    project = loads_project(json.dumps(data))
    assert project.shots[0].rig is None and project.shots[0].move is None


@pytest.mark.parametrize(
    "rig, field, words",
    [
        ({"kind": "dolly", "track": [[0, 0, 0]]}, "shots[0].rig.dolly.track", "at least 2"),
        ({"kind": "dolly", "track": [[0, 0, 0], [0, 0, 0]]}, "shots[0].rig.dolly.track[1]", "must differ"),
        ({"kind": "crane", "arm": -1.0}, "shots[0].rig.crane.arm", "greater than or equal"),
        ({"kind": "steadicam", "subject": "Nobody"}, "shots[0].rig.subject", "unknown subject"),
        ({"kind": "gimbal"}, "shots[0].rig", "kind"),
        ({"kind": "tripod", "position": [0, "high", 0]}, "shots[0].rig.tripod.position[1]", "number"),
    ],
)
def test_bad_rig_data_is_one_line_naming_the_file_and_field(rig, field, words):
    data = json.loads(dumps_project(Project(shots=[Shot(id="a", name="a", duration=10, keys=[CameraKey(frame=0, position=(0.0, 1.0, 0.0))])])))
    data["shots"][0]["rig"] = rig
    with pytest.raises(ShotlineError) as err:
        loads_project(json.dumps(data), "set.shotline")
    message = str(err.value)
    assert "\n" not in message and message.startswith(f"set.shotline: {field}") and words in message


def test_the_cache_follows_the_rig_and_the_subject_a_steadicam_follows():
    mara = Subject(name="Mara", position=(0.0, 0.0, 0.0))
    shot = Shot(id="s", name="s", duration=20, keys=[CameraKey(frame=0, position=(0.0, 1.6, -2.0))], rig=SteadicamRig(subject="Mara"))
    project = Project(subjects=[mara], shots=[shot])
    seq = EvaluatedSequence()
    first = seq.shot(project, shot)
    assert seq.shot(project, shot) is first and seq.evaluations == 1
    moved = project.model_copy(update={"subjects": [mara.model_copy(update={"position": (1.0, 0.0, 0.0)})]})
    assert seq.shot(moved, shot).positions[0, 0] == pytest.approx(1.0) and seq.evaluations == 2
    longer = shot.model_copy(update={"rig": shot.rig.model_copy(update={"offset": (0.0, 1.6, -3.0)})})
    assert seq.shot(moved, longer).positions[0, 2] == pytest.approx(-3.0) and seq.evaluations == 3


def test_a_rack_focus_on_a_crane_keeps_the_arm_and_racks():
    from engine.camera.focus import rack_focus, subject_depths
    from engine.camera.rigs.evaluate import constrain_shot

    mara, jonas = Subject(name="Mara", position=(0.0, 0.0, 2.0)), Subject(name="Jonas", position=(1.0, 0.0, -3.0))
    key = CameraKey(frame=0, position=(0.0, 1.5, 6.0), look_at="Mara")
    end = CameraKey(frame=47, position=(2.0, 2.5, 6.0), look_at="Mara")
    shot = Shot(id="c", name="crane", duration=48, keys=[key, end], rig=CraneRig(base=(0.0, 0.0, 9.0), height=2.0, arm=3.5))
    project = Project(subjects=[mara, jonas], shots=[shot])
    shot = constrain_shot(project, shot)
    project = project.model_copy(update={"shots": [shot]})
    racked = rack_focus(project, shot, EvaluatedSequence().shot(project, shot), "Mara", "Jonas", 10, 40)
    racked = constrain_shot(project, racked)  # the keys the rack added land on the arm too
    project = project.model_copy(update={"shots": [racked]})
    path = EvaluatedSequence().shot(project, racked)
    assert np.allclose(np.linalg.norm(path.positions - [0.0, 2.0, 9.0], axis=1), 3.5, atol=1e-5)
    frames = np.arange(racked.duration)
    assert path.focus_m[0] == pytest.approx(subject_depths(project, racked, "Mara", path.c2w, frames)[0], abs=0.01)
    assert path.focus_m[-1] == pytest.approx(subject_depths(project, racked, "Jonas", path.c2w, frames)[-1], abs=0.01)
