"""The learned planner holds still the channels that drift slower than any move it was taught
(engine/planner/learned/drift.py): a tilt keeps its tilt and loses the model's creep, a slow move at
the slowest taught speed is kept whole."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.transform import Rotation

from engine.planner.learned.data import FPS, RATES
from engine.planner.learned.drift import _peak_speed, hold_drift, taught_floors
from engine.planner.learned.state import continuous

FLOORS = taught_floors()


def eased(frames: int) -> np.ndarray:
    u = np.linspace(0.0, 1.0, frames)
    return u * u * (3.0 - 2.0 * u)


def state_of(yaw_pitch_roll_deg: np.ndarray, move: np.ndarray, zoom: np.ndarray) -> np.ndarray:
    quat = continuous(Rotation.from_euler("YXZ", np.deg2rad(yaw_pitch_roll_deg)).as_quat())  # as the model's states are
    return np.concatenate([quat, move, zoom[:, None], zoom[:, None]], axis=1)


def angles_of(state: np.ndarray) -> np.ndarray:
    return np.rad2deg(np.unwrap(Rotation.from_quat(state[:, :4]).as_euler("YXZ"), axis=0))


def test_floors_are_half_the_slowest_taught_speed_less_the_jitter():
    assert FLOORS["translation"] == 0.5 * 0.8 * RATES["translation"]["slow"]
    assert FLOORS["rotation"] == 0.5 * 0.8 * min(RATES["rotation"]["slow"], RATES["orbit"]["slow"])
    assert FLOORS["zoom"] == 0.5 * 0.8 * RATES["zoom"]["slow"]


def test_a_tilt_up_loses_the_models_creep_and_keeps_its_tilt():
    n = 72
    e = eased(n)
    creep = np.stack([0.004 * e, 0.012 * np.sin(np.pi * e), -0.01 * e], axis=1)  # what the model adds: ~0.01 subject distances / s
    state = state_of(np.stack([0.3 * e, 25.0 * e, 0.2 * np.sin(2 * np.pi * e)], axis=1), creep, 0.003 * e)
    out, held = hold_drift(state, FPS, FLOORS)
    assert set(held) == {"x", "y", "z", "yaw", "roll", "zoom"}
    assert np.allclose(out[:, 4:9], 0.0)
    assert np.allclose(angles_of(out)[:, 1], 25.0 * e, atol=1e-6)  # the tilt, unchanged
    assert np.allclose(angles_of(out)[:, [0, 2]], 0.0, atol=1e-6)


def test_the_slowest_move_the_data_teaches_is_kept_whole():
    n = 96
    seconds = (n - 1) / FPS
    e = eased(n)
    push = RATES["translation"]["slow"] * 0.8 * seconds  # the slowest push a shot this long is taught
    state = state_of(np.zeros((n, 3)), np.stack([np.zeros(n), np.zeros(n), -push * e], axis=1), np.zeros(n))
    out, held = hold_drift(state, FPS, FLOORS)
    assert held == []
    assert np.array_equal(out, state)


def test_a_pan_past_half_a_turn_stays_one_curve_when_its_roll_is_held():
    n = 120
    e = eased(n)
    state = state_of(np.stack([200.0 * e, np.zeros(n), 0.5 * np.sin(np.pi * e)], axis=1), np.zeros((n, 3)), np.zeros(n))
    out, held = hold_drift(state, FPS, FLOORS)
    assert held == ["roll"]
    yaw = angles_of(out)[:, 0]
    assert np.allclose(yaw, 200.0 * e, atol=1e-6)
    assert np.all(np.sum(out[1:, :4] * out[:-1, :4], axis=1) > 0.99)  # neighbours keep one sign: no flip at 180


@settings(max_examples=60, deadline=None)
@given(
    st.integers(40, 160),
    st.lists(st.floats(-3.0, 3.0), min_size=7, max_size=7),
)
def test_every_channel_is_either_held_or_keeps_a_speed_at_or_over_its_floor(frames, logs):
    """Random moves and creeps on every channel (speeds from 1/20 to 20 times each floor)."""
    e = eased(frames)
    seconds = (frames - 1) / FPS
    scale = np.exp(np.asarray(logs))
    # an eased move's peak speed is 1.5x its average
    trans = np.stack([FLOORS["translation"] * s * seconds / 1.5 * e for s in scale[:3]], axis=1)
    rot = np.stack([min(FLOORS["rotation"] * s * seconds / 1.5, 60.0) * e for s in scale[3:6]], axis=1)
    zoom = FLOORS["zoom"] * scale[6] * seconds / 1.5 * e
    state = state_of(rot, trans, zoom)
    out, held = hold_drift(state, FPS, FLOORS)
    speeds = np.concatenate([_peak_speed(out[:, 4:7], FPS), _peak_speed(angles_of(out), FPS), _peak_speed(out[:, 7:8], FPS)])
    floors = [FLOORS["translation"]] * 3 + [FLOORS["rotation"]] * 3 + [FLOORS["zoom"]]
    names = ["x", "y", "z", "yaw", "pitch", "roll", "zoom"]
    for name, speed, floor in zip(names, speeds, floors):
        if name in held:
            assert speed < 1e-6, name
        else:
            assert speed >= floor * 0.999, (name, speed, floor)


def test_the_sampler_holds_a_creep_and_keeps_a_slow_push_across_segments():
    """Through ``sample_shots``: a model whose every segment creeps forward at 0.012 subject
    distances a second gives a still camera; one that pushes at the slowest taught speed keeps it."""
    from engine.planner.learned.sample import SampleSettings, sample_shots
    from engine.planner.learned.state import to_state
    from tests.planner.test_learned import IDENTITY, push_flow, request

    held = SampleSettings(steps=2, drift_floors=FLOORS)
    (creep, _), = sample_shots(push_flow(0.0005), [request(230)], IDENTITY, held)
    assert np.allclose(creep, creep[0], atol=1e-9)
    raw = SampleSettings(steps=2)
    (unheld, _), = sample_shots(push_flow(0.0005), [request(230)], IDENTITY, raw)
    assert abs(unheld[-1, 2, 3] - unheld[0, 2, 3]) > 0.1  # without the floors the creep is there
    per_frame = RATES["translation"]["slow"] * 0.8 / FPS  # the slowest push taught, subject distances a frame
    (push, focal), = sample_shots(push_flow(per_frame), [request(230)], IDENTITY, held)
    (want, _), = sample_shots(push_flow(per_frame), [request(230)], IDENTITY, raw)
    assert np.allclose(push, want, atol=1e-9)
    state = to_state(push, focal, 1.0)
    assert np.allclose(state[:, [4, 5]], 0.0, atol=1e-9) and state[-1, 6] < -0.5


def test_the_planner_holds_drift_unless_its_settings_say_not_to():
    import json

    from engine.planner.learned.planner import BUNDLED, LearnedPlanner

    settings = json.loads((BUNDLED / "planner.json").read_text())
    assert LearnedPlanner(BUNDLED, flow=object(), settings=settings, encoder=object()).sampling.drift_floors == FLOORS
    off = LearnedPlanner(BUNDLED, flow=object(), settings={**settings, "hold_drift": False}, encoder=object())
    assert off.sampling.drift_floors is None
