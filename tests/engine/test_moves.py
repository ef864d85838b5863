import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.camera.interpolate import evaluate_shot
from engine.camera.moves import MOVES, Framing, MoveContext, apply_move, handheld
from engine.errors import ShotlineError
from engine.grid.render import View
from engine.project import Project, Shot, Subject

MARA = Subject(name="Mara", position=(0.0, 0.0, 0.0), height=1.7)
PROJECT = Project(subjects=[MARA])
START = Framing.looking_at([0.0, 1.6, 4.0], [0.0, 1.5, 0.0], 35.0)


def run(name, frames=48, start=START, **params):
    camera = apply_move(name, MoveContext(start, frames, 24.0, MARA), **params)
    shot = camera.apply_to(Shot(id="s", name=name, duration=frames, keys=camera.keys))
    return evaluate_shot(PROJECT, shot)


@pytest.mark.parametrize("name", sorted(MOVES))
def test_every_preset_makes_a_valid_path_from_the_start_framing(name):
    path = run(name).validate()
    assert np.allclose(path.positions[0], START.position)


def test_directions_of_the_basic_moves():
    fwd = lambda p: -p.c2w[:, :3, 2]
    assert fwd(run("pan_right"))[-1][0] > 0.3 and fwd(run("pan_left"))[-1][0] < -0.3
    assert fwd(run("tilt_up"))[-1][1] > fwd(run("tilt_up"))[0][1]
    assert run("truck_right").positions[-1][0] > 1.0 and run("truck_left").positions[-1][0] < -1.0
    assert run("pedestal_up").positions[-1][1] > 2.0
    d = lambda p: np.linalg.norm(p.positions - [0, 1.5, 0], axis=1)
    assert d(run("push_in"))[-1] < d(run("push_in"))[0] - 1.0
    assert d(run("pull_out"))[-1] > d(run("pull_out"))[0] + 1.0
    assert run("zoom_in").focal_mm[-1] == pytest.approx(70.0)
    assert run("arc_left").positions[-1][0] < -3.0  # the camera travelled to its own left


@given(st.floats(10, 350), st.sampled_from(["arc_left", "arc_right"]))
def test_orbit_keeps_the_subject_distance(deg, name):
    path = run(name, frames=60, amount=deg)
    r = np.hypot(path.positions[:, 0], path.positions[:, 2])
    assert np.allclose(r, 4.0, atol=1e-6)
    az = np.unwrap(np.arctan2(path.positions[:, 0], path.positions[:, 2]))
    assert abs(np.rad2deg(az[-1] - az[0])) == pytest.approx(deg, abs=1e-6)


def subject_image_height(path, width=832, height=348):
    top, bottom = np.array([0, MARA.height, 0.0]), np.array([0.0, 0, 0])
    out = []
    for m, f in zip(path.c2w, path.focal_mm):
        view = View(m, f * width / path.film_back_mm[0], width, height)
        px, _ = view.project_points(np.stack([top, bottom]))
        out.append(np.linalg.norm(px[0] - px[1]))
    return np.array(out)


@given(st.floats(0.1, 0.7), st.sampled_from(["dolly_zoom_in", "dolly_zoom_out"]), st.floats(2.0, 12.0))
def test_dolly_zoom_holds_the_subject_size(fraction, name, distance):
    start = Framing.looking_at([0.0, 0.85, distance], [0.0, 0.85, 0.0], 35.0)
    path = run(name, frames=49, start=start, amount=fraction)
    h = subject_image_height(path)
    assert np.abs(h / h[0] - 1).max() < 0.01
    assert abs(path.focal_mm[-1] / path.focal_mm[0] - 1) > 0.09  # and the lens really changed


def test_crane_up_keeps_the_subject_framed_by_tilting_down():
    path = run("crane_up")
    fwd = -path.c2w[:, :3, 2]
    assert path.positions[-1][1] == pytest.approx(3.6)
    assert fwd[-1][1] < fwd[0][1] - 0.2
    target = np.array([0.0, 1.5, 0.0])
    aim = (target - path.positions) / np.linalg.norm(target - path.positions, axis=1, keepdims=True)
    assert np.allclose(fwd, aim, atol=0.02)


def test_follow_keeps_its_offset_from_the_walking_subject():
    camera = apply_move("follow", MoveContext(START, 48, 24.0, MARA), to=(3.0, 0.0, -2.0))
    shot = camera.apply_to(Shot(id="s", name="s", duration=48, keys=camera.keys))
    path = evaluate_shot(PROJECT, shot)
    from engine.camera.interpolate import subject_positions

    subject = subject_positions(PROJECT, shot, "Mara", np.arange(48))
    assert np.allclose(path.positions - subject, START.position, atol=1e-9)


def test_handheld_is_seeded_small_and_composes():
    ctx = MoveContext(START, 96, 24.0, MARA)
    base = run("push_in", frames=96)
    shake = lambda seed: evaluate_shot(
        PROJECT, handheld(apply_move("push_in", ctx), ctx, seed=seed).apply_to(Shot(id="h", name="h", duration=96, keys=[base_key()]))
    )
    a, b, c = shake(1), shake(1), shake(2)
    assert np.allclose(a.c2w, b.c2w) and not np.allclose(a.c2w, c.c2w)
    dev = np.linalg.norm(a.positions - base.positions, axis=1)
    assert 0.001 < dev.std() + dev.mean() < 0.03  # millimetres to a couple of centimetres
    angle = (a.rotations * base.rotations.inv()).magnitude()
    assert np.rad2deg(angle).max() < 2.0


def base_key():
    from engine.project import CameraKey

    return CameraKey(frame=0, position=(0, 0, 0))


def test_bad_move_parameters_are_clear_errors():
    with pytest.raises(ShotlineError, match="unknown move"):
        apply_move("barrel_roll", MoveContext(START, 10))
    with pytest.raises(ShotlineError, match="subject"):
        apply_move("arc_left", MoveContext(START, 10))
    with pytest.raises(ShotlineError, match="pass through"):
        apply_move("push_in", MoveContext(START, 10, subject=MARA), amount=10.0)
    with pytest.raises(ShotlineError, match="not both"):
        apply_move("pan_left", MoveContext(START, 10), amount=10, speed=5)
