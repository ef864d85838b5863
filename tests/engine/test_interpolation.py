import numpy as np
from hypothesis import given
from scipy.spatial.transform import Rotation

from engine.camera.interpolate import evaluate_shot
from engine.project import CameraKey, Project, Shot, Subject

from .strategies import shots

PROJECT = Project(subjects=[Subject(name="Mara", position=(0.0, 0.0, 0.0))])


@given(shots())
def test_path_passes_exactly_through_every_key(shot):
    path = evaluate_shot(PROJECT, shot)
    for key in shot.keys:
        assert np.allclose(path.positions[key.frame], key.position, atol=1e-9)
        assert np.allclose(path.focal_mm[key.frame], key.focal_mm)
        got = path.rotations[key.frame]
        assert (got.inv() * Rotation.from_quat(key.orientation)).magnitude() < 1e-6


def _keys(frames, positions, kind):
    return [CameraKey(frame=f, position=p, interp_in=kind, interp_out=kind) for f, p in zip(frames, positions)]


def _velocity_jump(shot, frame, h=1e-6):
    pos = evaluate_shot(PROJECT, shot, [frame - h, frame, frame + h]).positions
    left, right = (pos[1] - pos[0]) / h, (pos[2] - pos[1]) / h
    return np.linalg.norm(left - right), np.linalg.norm(left)


@given(shots(max_keys=6))
def test_bezier_keys_have_continuous_velocity(shot):
    for k in shot.keys:
        k.interp_in = k.interp_out = "bezier"
    for key in shot.keys[1:-1]:
        jump, speed = _velocity_jump(shot, key.frame)
        assert jump <= 1e-3 * max(1.0, speed)


def test_linear_keys_move_at_constant_speed_and_constant_holds():
    shot = Shot(id="s", name="s", duration=21, keys=_keys([0, 20], [(0, 0, 0), (10, 0, 0)], "linear"))
    x = evaluate_shot(PROJECT, shot).positions[:, 0]
    assert np.allclose(np.diff(x), 0.5)
    shot = Shot(id="s", name="s", duration=21, keys=_keys([0, 20], [(0, 0, 0), (10, 0, 0)], "constant"))
    x = evaluate_shot(PROJECT, shot).positions[:, 0]
    assert np.all(x[:20] == 0) and x[20] == 10


def test_ease_starts_and_ends_at_rest():
    shot = Shot(id="s", name="s", duration=101, keys=_keys([0, 100], [(0, 0, 0), (10, 0, 0)], "ease"))
    jump_start, _ = _velocity_jump(shot, 0.001)
    x = evaluate_shot(PROJECT, shot, [0, 0.5, 99.5, 100]).positions[:, 0]
    assert x[1] - x[0] < 0.001 and x[3] - x[2] < 0.001
    x = evaluate_shot(PROJECT, shot).positions[:, 0]
    assert np.diff(x)[50] > 2 * np.diff(x).mean() * 0.7


def test_subject_space_arcs_around_the_pivot_the_short_way():
    keys = _keys([0, 40], [(0, 1.6, 4), (4, 1.6, 0)], "ease")
    shot = Shot(id="s", name="s", duration=41, keys=keys, path_space="subject", pivot="Mara")
    pos = evaluate_shot(PROJECT, shot).positions
    assert np.allclose(np.hypot(pos[:, 0], pos[:, 2]), 4.0)
    assert np.all(pos[:, 0] >= -1e-9) and np.all(pos[:, 2] >= -1e-9)  # a quarter turn, not three


def test_look_at_keeps_the_subject_centred_while_moving():
    keys = [
        CameraKey(frame=0, position=(-3, 1.6, 4), look_at="Mara", interp_in="linear", interp_out="linear"),
        CameraKey(frame=30, position=(3, 1.6, 4), look_at="Mara", interp_in="linear", interp_out="linear"),
    ]
    path = evaluate_shot(PROJECT, Shot(id="s", name="s", duration=31, keys=keys))
    target = np.array([0, 0.9 * 1.75, 0])
    for m in path.c2w:
        to_target = target - m[:3, 3]
        assert np.allclose(-m[:3, 2], to_target / np.linalg.norm(to_target), atol=1e-9)
