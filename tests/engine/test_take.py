"""A recorded take becomes keys that replay it: within 1 cm and 0.2°, whatever frames the clock reached."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.spatial.transform import Rotation

from engine.camera.interpolate import evaluate_shot
from engine.camera.take import take_keys, take_path
from engine.errors import ShotlineError
from engine.project import Project, Shot

FILM = (24.89, 10.41)


def operated(frames: int, seed: int):
    """An operator's move: a push with a pan and a little sway, as poses per frame."""
    rng = np.random.default_rng(seed)
    t = np.arange(frames) / 24.0
    c2w = np.tile(np.eye(4), (frames, 1, 1))
    pan = 20 * np.sin(0.6 * t) + rng.normal(0, 0.05, frames).cumsum() * 0.1
    tilt = -5 + 3 * np.sin(1.1 * t)
    c2w[:, :3, :3] = Rotation.from_euler("YX", np.stack([pan, tilt], axis=1), degrees=True).as_matrix()
    c2w[:, :3, 3] = np.stack([0.3 * np.sin(t), 1.6 + 0.02 * np.sin(7 * t), 4.0 - 0.5 * t], axis=1)
    return c2w, 35.0 + 5 * t


def _replayed(keys, frames):
    return evaluate_shot(Project(), Shot(id="t", name="t", duration=frames, keys=keys))


@given(st.integers(0, 10_000), st.sampled_from([1, 2, 3]))
def test_a_take_replays_within_a_centimetre_and_a_fifth_of_a_degree(seed, every):
    frames = 72
    c2w, focal = operated(frames, seed)
    reached = np.arange(0, frames, every)  # a slow clock skips frames
    reached[-1] = frames - 1
    path = take_path(reached, c2w[reached], focal[reached], FILM, 24.0)
    keys = take_keys(path)
    got = _replayed(keys, frames)
    sampled = got.c2w[reached]
    assert np.linalg.norm(sampled[:, :3, 3] - c2w[reached, :3, 3], axis=1).max() < 0.01
    turn = Rotation.from_matrix(sampled[:, :3, :3]).inv() * Rotation.from_matrix(c2w[reached, :3, :3])
    assert np.rad2deg(turn.magnitude()).max() < 0.2
    assert len(keys) < frames / 2  # a take is a few keys, not a key per frame


def test_smoothing_takes_out_jitter_and_keeps_the_move():
    frames = 96
    c2w, focal = operated(frames, 1)
    shaky = c2w.copy()
    shaky[:, :3, 3] += np.random.default_rng(2).normal(0, 0.01, (frames, 3))
    raw = take_path(np.arange(frames), shaky, focal, FILM, 24.0)
    smooth = take_path(np.arange(frames), shaky, focal, FILM, 24.0, smoothing_frames=2.0)
    jitter = lambda p: np.linalg.norm(np.diff(p.positions, 2, axis=0), axis=1).mean()  # noqa: E731
    assert jitter(smooth) < 0.4 * jitter(raw)
    assert np.linalg.norm(smooth.positions - c2w[:, :3, 3], axis=1).mean() < 0.01


def test_an_empty_take_says_so():
    with pytest.raises(ShotlineError, match="no frames"):
        take_path([], np.zeros((0, 4, 4)), [], FILM, 24.0)
