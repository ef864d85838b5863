"""The SDL game-controller source reads axes and buttons into a GamepadState (a stand-in for pygame)."""

from types import SimpleNamespace

import pytest

from app.viewport3d.gamepad_input import SdlGamepad
from engine.camera.gamepad import move_for_state

AXES = {"CONTROLLER_AXIS_LEFTX": 0, "CONTROLLER_AXIS_LEFTY": 1, "CONTROLLER_AXIS_RIGHTX": 2, "CONTROLLER_AXIS_RIGHTY": 3, "CONTROLLER_AXIS_TRIGGERLEFT": 4, "CONTROLLER_AXIS_TRIGGERRIGHT": 5}


class FakePad:
    def __init__(self, axes, buttons):
        self.axes, self.buttons, self.plugged = axes, buttons, True

    def attached(self):
        return self.plugged

    def get_axis(self, i):
        return self.axes[i]

    def get_button(self, i):
        return i in self.buttons


def _pygame():
    consts = {**AXES, **{name: 100 + n for n, name in enumerate(SdlGamepad.BUTTONS.values())}}
    return SimpleNamespace(error=RuntimeError, event=SimpleNamespace(get=lambda: []), **consts)


def test_sdl_axes_and_buttons_become_the_pads_state():
    pg = _pygame()
    # Left stick pushed up (SDL: -32768), right trigger fully in, A held.
    pad = FakePad({0: 0, 1: -32767, 2: 16384, 3: 0, 4: 0, 5: 32767}, {pg.CONTROLLER_BUTTON_A})
    state = SdlGamepad(pg, None, pad).poll()
    assert state.left_y == pytest.approx(-1.0) and state.right_x == pytest.approx(0.5, abs=1e-3)
    assert state.right_trigger == pytest.approx(1.0) and state.buttons == {"a"}
    move = move_for_state(state, 0.1)
    assert move.dolly > 0 and move.pedestal > 0 and move.pan > 0
    pad.plugged = False  # unplugged: no pad, no move
    assert SdlGamepad(pg, None, pad).poll() is None


def test_without_pygame_ce_there_is_no_source_and_nothing_fails(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "pygame", None)  # import pygame raises ImportError
    assert SdlGamepad.open() is None
