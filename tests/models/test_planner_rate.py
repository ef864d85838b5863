"""The learned planner's coarse time grid: the spline through every 4th frame."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.planner.rate import knot_count, upsample_matrix


@given(st.sampled_from([(81, 4), (81, 2), (81, 8), (41, 4), (9, 4)]), st.data())
def test_the_spline_passes_through_its_knots_and_keeps_straight_lines_straight(shape, data):
    frames, stride = shape
    u = upsample_matrix(frames, stride)
    n = knot_count(frames, stride)
    assert u.shape == (frames, n)
    assert np.allclose(u[::stride], np.eye(n))  # every stride-th frame is its knot
    a, b = data.draw(st.floats(-5, 5)), data.draw(st.floats(-5, 5))
    assert np.allclose(u @ (a + b * np.arange(n)), a + b * np.arange(frames) / stride)  # a constant-speed move stays one


def test_the_frames_between_knots_are_smooth():
    """A hold, then a move: the spline's third differences stay small next to the linear interpolation's kink."""
    u = upsample_matrix(81, 4)
    knots = np.maximum(np.arange(21) - 5.0, 0.0)
    path = u @ knots
    linear = np.interp(np.arange(81) / 4, np.arange(21), knots)
    assert np.abs(np.diff(path, 3)).max() < 0.5 * np.abs(np.diff(linear, 3)).max()


def test_frames_off_the_grid_are_refused():
    with pytest.raises(ValueError):
        knot_count(80, 4)
