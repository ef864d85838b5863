"""Motion labels: every preset is named as itself, handheld wobble does not flip it, mirrors mirror."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.analysis.labels import (
    STATIC,
    Motion,
    classify_rotation,
    classify_translation,
    label_motion,
    label_path,
    mirror,
    translation_classes,
)
from engine.camera.interpolate import evaluate_shot, subject_positions
from engine.camera.moves import MOVES, Framing, MoveContext, apply_move, handheld
from engine.camera.path import CameraPath
from engine.project import Project, Shot, Subject

MARA = Subject(name="Mara", position=(0.0, 0.0, 0.0), height=1.7, color="#d0603a")
EYE, TARGET = [0.5, 1.6, 4.0], [0.0, 1.5, 0.0]


def preset_path(name, seconds=3.0, fps=24.0, hand_seed=None, mirror_x=False):
    frames = int(seconds * fps)
    ctx = MoveContext(Framing.looking_at(EYE, TARGET, 35.0), frames, fps, MARA, "ease")
    project = Project(fps=fps, subjects=[MARA])
    camera = apply_move(name, ctx)
    if hand_seed is not None:
        camera = handheld(camera, ctx, amplitude=1.0, seed=hand_seed, project=project)
    shot = camera.apply_to(Shot(id="s", name=name, duration=frames, keys=camera.keys))
    path = evaluate_shot(project, shot)
    subject = subject_positions(project, shot, "Mara", np.arange(frames))
    if mirror_x:  # reflect the world and the camera's x axis: a proper rotation again
        flip = np.diag([-1.0, 1.0, 1.0, 1.0])
        path = CameraPath(flip @ path.c2w @ flip, path.focal_mm, path.film_back_mm, path.fps, path.name)
        subject = subject * [-1.0, 1.0, 1.0]
    distance = float(np.linalg.norm(path.positions - subject - [0.0, 1.5, 0.0], axis=1).mean())
    return path, distance, subject


def segments_of(name, **kw):
    path, distance, subject = preset_path(name, **kw)
    return [s.label for s in label_path(path, distance, subject).segments]


@pytest.mark.parametrize("name", sorted(MOVES))
def test_every_preset_is_labelled_as_itself(name):
    for seconds in (1.5, 4.0):
        assert segments_of(name, seconds=seconds) == [name]


@pytest.mark.parametrize("name", sorted(MOVES))
def test_handheld_wobble_does_not_flip_the_label(name):
    for seed in range(3):
        assert segments_of(name, hand_seed=seed) == [name], f"seed {seed}"


@pytest.mark.parametrize("name", sorted(MOVES))
def test_mirrored_paths_get_mirrored_labels(name):
    assert segments_of(name, mirror_x=True) == [mirror(name)]


def test_crane_is_a_pedestal_with_the_opposite_tilt():
    for name, translation, rotation in (("crane_up", "pedestal_up", "tilt_down"), ("crane_down", "pedestal_down", "tilt_up")):
        path, distance, _ = preset_path(name)
        labels = label_path(path, distance)
        assert set(labels.translation) == {translation}
        assert set(labels.rotation) == {rotation}


def test_arc_and_dolly_zoom_keep_their_parts():
    path, distance, _ = preset_path("arc_left")
    labels = label_path(path, distance)
    assert set(labels.translation) == {"truck_left"} and set(labels.rotation) == {"pan_right"}
    path, distance, _ = preset_path("dolly_zoom_in")
    labels = label_path(path, distance)
    assert set(labels.translation) == {"push_in"} and set(labels.rotation) == {STATIC}


def test_a_sequence_of_moves_gives_ordered_segments_with_speeds():
    # 2 s locked off, 2 s pan left at 20 deg/s, 2 s push in: labels in that order, frames in order.
    fps, n = 24.0, 144
    t = np.arange(n) / fps
    pan = np.deg2rad(np.clip(t - 2.0, 0.0, 2.0) * 20.0)
    push = np.clip(t - 4.0, 0.0, 2.0) * 0.4
    c2w = np.tile(np.eye(4), (n, 1, 1))
    c2w[:, 0, 0] = c2w[:, 2, 2] = np.cos(pan)
    c2w[:, 0, 2], c2w[:, 2, 0] = np.sin(pan), -np.sin(pan)
    forward = -c2w[:, :3, 2]
    c2w[:, :3, 3] = forward * push[:, None]
    labels = label_path(CameraPath(c2w, 35.0, (24.9, 10.4), fps), reference_length=4.0)
    assert [s.label for s in labels.segments] == ["static", "pan_left", "push_in"]
    starts = [s.start for s in labels.segments]
    assert abs(starts[1] - 48) <= 6 and abs(starts[2] - 96) <= 6
    assert labels.segments[1].unit == "deg/s" and labels.segments[1].speed == "normal"
    assert 15.0 < labels.segments[1].rate < 25.0
    assert labels.segments[2].speed == "slow"  # 0.4 m/s at 4 m
    assert labels.summary() == "static, then pan left, then slow push in"


def test_there_are_27_translation_classes():
    classes = translation_classes()
    assert len(set(classes)) == 27 and STATIC in classes and "pull_out+truck_right+pedestal_up" in classes


axis_speed = st.floats(-2.0, 2.0, allow_nan=False)


@given(st.tuples(axis_speed, axis_speed, axis_speed))
def test_translation_class_follows_the_dominance_rule(v):
    v = np.array(v)
    moves = classify_translation(v, threshold=0.02, dominance=0.4)
    mag = np.abs(v)
    for axis, names in enumerate((("truck_left", "truck_right"), ("pedestal_down", "pedestal_up"), ("push_in", "pull_out"))):
        kept = [m for m in moves if m in names]
        dominated = (mag.max() - mag[axis]) / mag.max() > 0.4 if mag.max() > 0 else True
        if mag[axis] <= 0.02 or dominated:
            assert not kept
        else:
            assert kept == [names[int(v[axis] > 0)]]
    assert classify_translation(-v, 0.02, 0.4) == [
        {"truck_left": "truck_right", "truck_right": "truck_left", "pedestal_up": "pedestal_down",
         "pedestal_down": "pedestal_up", "push_in": "pull_out", "pull_out": "push_in"}[m]
        for m in moves
    ]  # fmt: skip


@given(st.tuples(axis_speed, axis_speed, axis_speed).map(lambda w: np.array(w) * 50))
def test_rotation_class_is_the_dominant_axis(w):
    label = classify_rotation(w, threshold=2.0)
    if np.abs(w).max() <= 2.0:
        assert label is None
    else:
        axis = int(np.argmax(np.abs(w)))
        assert label.split("_")[0] == ("tilt", "pan", "roll")[axis]


def test_labels_are_the_same_at_any_frame_rate():
    assert segments_of("arc_right", fps=30.0) == segments_of("arc_right", fps=24.0) == ["arc_right"]
    assert segments_of("tilt_down", fps=25.0) == ["tilt_down"]


def test_a_single_frame_is_static():
    labels = label_motion(Motion(np.zeros((1, 3)), np.zeros((1, 3)), np.zeros(1), None, 24.0, 1.0))
    assert labels.labels == [STATIC] and labels.segments[0].start == labels.segments[0].end == 0


def test_a_pan_past_180_degrees_goes_the_way_asked():
    frames = 96
    ctx = MoveContext(Framing.looking_at(EYE, TARGET, 35.0), frames, 24.0, None, "ease")
    camera = apply_move("pan_left", ctx, amount=270.0)
    path = evaluate_shot(Project(fps=24.0), camera.apply_to(Shot(id="s", name="s", duration=frames, keys=camera.keys)))
    labels = label_path(path, reference_length=4.0)
    assert [s.label for s in labels.segments] == ["pan_left"]
    assert labels.segments[0].rate == pytest.approx(270.0 / 4.0, rel=0.1)


def _close_up_path(camera_of, seed, seconds=3.0, fps=24.0):
    """A close-up 0.7 m from Mara's eyes, the camera ``camera_of(ctx)`` with an operator's sway."""
    frames = int(seconds * fps)
    eyes = np.array([0.0, 1.6, 0.0])
    ctx = MoveContext(Framing.looking_at(eyes + [0.1, 0.0, 0.7], eyes, 50.0), frames, fps, MARA, "ease")
    project = Project(fps=fps, subjects=[MARA])
    camera = handheld(camera_of(ctx), ctx, amplitude=1.0, seed=seed, project=project)
    path = evaluate_shot(project, camera.apply_to(Shot(id="s", name="cu", duration=frames, keys=camera.keys)))
    return path, float(np.linalg.norm(path.positions - eyes, axis=1).mean())


def test_a_handheld_close_up_that_does_not_move_is_static_whatever_the_sway():
    # At 0.7 m a hand's 6 mm of sway crosses the rate threshold for half a second at a time; it gets nowhere
    from engine.camera.moves import static

    for seed in range(12):
        path, distance = _close_up_path(static, seed)
        assert [s.label for s in label_path(path, distance).segments] == [STATIC], f"seed {seed}"


def test_a_small_real_move_in_a_handheld_close_up_is_still_a_move():
    # 10 cm of truck at 0.7 m (a seventh of the distance) is a move a viewer sees, sway or not
    from engine.camera.moves import truck

    for seed in range(4):
        path, distance = _close_up_path(lambda ctx: truck(ctx, direction="right", amount=0.1), seed)
        assert "truck_right" in [s.label for s in label_path(path, distance).segments], f"seed {seed}"


def _turning_path(pan_deg, tilt_deg, start_tilt_deg=0.0, seconds=3.0, fps=24.0):
    """A camera on a fixed head turning steadily by ``pan_deg`` and ``tilt_deg`` (world pan, lens tilt)."""
    from engine.camera.conventions import rotation_from_pan_tilt_roll

    n = int(seconds * fps)
    s = np.linspace(0.0, 1.0, n)
    c2w = np.tile(np.eye(4), (n, 1, 1))
    c2w[:, :3, 3] = [0.0, 1.6, 4.0]
    for i, t in enumerate(s):
        c2w[i, :3, :3] = rotation_from_pan_tilt_roll(pan_deg * t, start_tilt_deg + tilt_deg * t, 0.0).as_matrix()
    return CameraPath(c2w, np.full(n, 35.0), (36.0, 24.0), fps)


def _labels_of(path):
    return sorted({m for seg in label_path(path, 4.0).segments for m in seg.label.split("+")})


def test_a_level_pan_seen_looking_down_is_a_pan_not_a_roll():
    # 45 degrees down, a turn about the world's up is most of a turn about the lens axis in the
    # camera's own frame; an operator (and a director) calls it a pan
    assert _labels_of(_turning_path(-60.0, 0.0, start_tilt_deg=-45.0)) == ["pan_right"]


@pytest.mark.parametrize("pan, tilt, labels", [
    (-60.0, 30.0, ["pan_right", "tilt_up"]),  # a diagonal: the tilt at half the pan is seen
    (-60.0, 60.0, ["pan_right", "tilt_up"]),
    (-60.0, 10.0, ["pan_right"]),  # a drift of tilt under a pan is the pan
    (0.0, -40.0, ["tilt_down"]),
])  # fmt: skip
def test_a_pan_and_a_tilt_at_once_are_both_named_when_both_are_seen(pan, tilt, labels):
    assert _labels_of(_turning_path(pan, tilt)) == labels


def _aimed_path(positions, targets, fps=24.0):
    """A camera on ``positions`` aimed at ``targets`` on every frame."""
    from engine.camera.conventions import look_at_rotations

    positions, targets = np.asarray(positions, float), np.asarray(targets, float)
    c2w = np.tile(np.eye(4), (len(positions), 1, 1))
    c2w[:, :3, :3] = look_at_rotations(positions, targets).as_matrix()
    c2w[:, :3, 3] = positions
    return CameraPath(c2w, np.full(len(positions), 35.0), (36.0, 24.0), fps)


def test_a_crane_down_outrun_by_a_push_is_still_a_crane():
    # "crane down to Mara while pushing in": from 2.5 m high and 3 m off to her eyeline at 1.1 m, the
    # lens tilting up to hold her eyes; the descent is under the push's dominance, but with the tilt
    # that keeps her it is the crane's
    s = np.linspace(0.0, 1.0, 96)[:, None]
    path = _aimed_path([0.0, 2.5, 3.0] + s * [0.0, -1.45, -1.9], np.tile([0.0, 1.45, 0.0], (96, 1)))
    assert _labels_of(path) == ["crane_down", "push_in"]


def test_a_crane_up_with_a_faster_pan_is_a_crane_and_a_pan():
    # "crane up over Mara while panning right": the pan outturns the tilt that keeps her, which a
    # pedestal would not have
    from engine.camera.conventions import rotation_from_pan_tilt_roll

    n = 96
    s = np.linspace(0.0, 1.0, n)
    c2w = np.tile(np.eye(4), (n, 1, 1))
    c2w[:, :3, 3] = np.column_stack([np.zeros(n), 1.5 + 2.0 * s, np.full(n, 4.0)])
    for i, t in enumerate(s):
        c2w[i, :3, :3] = rotation_from_pan_tilt_roll(-60.0 * t, -20.0 * t, 0.0).as_matrix()
    assert _labels_of(CameraPath(c2w, np.full(n, 35.0), (36.0, 24.0), 24.0)) == ["crane_up", "pan_right"]

