"""Gamepad sticks -> pilot moves: the axes, the rates, the dead zone."""

import pytest

from engine.camera.gamepad import DEADZONE, LEFT_STICK, MOVE_M_PER_S, TURN_DEG_PER_S, GamepadState, move_for_state


def test_a_resting_or_drifting_pad_makes_no_move():
    assert move_for_state(GamepadState(), 1 / 60) is None
    assert move_for_state(GamepadState(left_x=DEADZONE * 0.9, right_y=-DEADZONE * 0.5, left_trigger=0.1), 1 / 60) is None


def test_each_stick_drives_its_own_axis_at_its_rate():
    dt = 0.5
    forward = move_for_state(GamepadState(left_y=-1.0), dt)  # SDL: stick up is -y
    assert forward.dolly == pytest.approx(MOVE_M_PER_S * dt) and (forward.truck, forward.pan, forward.tilt, forward.pedestal) == (0, 0, 0, 0)
    right = move_for_state(GamepadState(left_x=1.0), dt)
    assert right.truck == pytest.approx(MOVE_M_PER_S * dt) and right.dolly == 0
    pan = move_for_state(GamepadState(right_x=1.0), dt)
    assert pan.pan == pytest.approx(TURN_DEG_PER_S * dt) and pan.tilt == 0 and pan.dolly == 0
    tilt_up = move_for_state(GamepadState(right_y=-1.0), dt)
    assert tilt_up.tilt == pytest.approx(TURN_DEG_PER_S * dt) and tilt_up.pan == 0
    up = move_for_state(GamepadState(right_trigger=1.0), dt)
    assert up.pedestal == pytest.approx(MOVE_M_PER_S * dt)
    assert move_for_state(GamepadState(left_trigger=1.0), dt).pedestal == pytest.approx(-MOVE_M_PER_S * dt)
    zoom = move_for_state(GamepadState(buttons=frozenset({"dpup"})), dt)
    assert zoom.zoom > 1.0 and move_for_state(GamepadState(buttons=frozenset({"dpdown"})), dt).zoom < 1.0
    # Half a stick is much less than half the speed (fine framing), clicking the stick in is faster.
    half = move_for_state(GamepadState(left_y=-0.5), dt).dolly
    assert 0 < half < 0.25 * forward.dolly
    assert move_for_state(GamepadState(left_y=-1.0, buttons=frozenset({LEFT_STICK})), dt).dolly > 2 * forward.dolly
