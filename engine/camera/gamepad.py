"""A gamepad's sticks as pilot moves: the same moves the pilot keys make, at a rate.

The layout is SDL's game-controller one (an Xbox pad's names; PlayStation and Switch pads map to
it): the left stick dollies (up: forward) and trucks (right: right), the right stick pans and
tilts as a camera operator's wheels would, the triggers pedestal (right: up, left: down), the
shoulder buttons roll and the d-pad zooms. Clicking the left stick in is Shift: faster. Stick
values are SDL's: -1..1 with +y down; triggers 0..1.

Rates are per second at full deflection, so a move does not depend on how often it is polled; a
dead zone keeps a resting stick's drift from creeping the camera, and a squared response keeps
small deflections fine for framing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.camera.pilot import PilotMove

DEADZONE = 0.15
MOVE_M_PER_S = 1.2  # dolly / truck / pedestal at full stick
TURN_DEG_PER_S = 45.0  # pan / tilt at full stick
ROLL_DEG_PER_S = 20.0
ZOOM_PER_S = 1.5  # the d-pad zooms the lens by this factor a second
FAST = 3.0

# Button names, as SDL's game controller calls them.
A, B, X, Y = "a", "b", "x", "y"
LEFT_SHOULDER, RIGHT_SHOULDER, LEFT_STICK = "leftshoulder", "rightshoulder", "leftstick"
DPAD_UP, DPAD_DOWN = "dpup", "dpdown"
RECORD_BUTTON = A  # starts / stops a take, like R in the look-through


@dataclass(frozen=True)
class GamepadState:
    left_x: float = 0.0
    left_y: float = 0.0
    right_x: float = 0.0
    right_y: float = 0.0
    left_trigger: float = 0.0
    right_trigger: float = 0.0
    buttons: frozenset[str] = field(default_factory=frozenset)


def shaped(value: float) -> float:
    """-1..1 with the dead zone taken out and a squared response (sign kept)."""
    v = max(-1.0, min(1.0, float(value)))
    if abs(v) < DEADZONE:
        return 0.0
    t = (abs(v) - DEADZONE) / (1.0 - DEADZONE)
    return t * t * (1.0 if v > 0 else -1.0)


def move_for_state(state: GamepadState, dt_s: float) -> PilotMove | None:
    """The pilot move ``state`` makes over ``dt_s`` seconds, or None when the pad is at rest."""
    speed = FAST if LEFT_STICK in state.buttons else 1.0
    step = MOVE_M_PER_S * speed * dt_s
    turn = TURN_DEG_PER_S * speed * dt_s
    roll = ROLL_DEG_PER_S * dt_s * ((RIGHT_SHOULDER in state.buttons) - (LEFT_SHOULDER in state.buttons))
    zoom_dir = (DPAD_UP in state.buttons) - (DPAD_DOWN in state.buttons)
    move = PilotMove(
        dolly=-shaped(state.left_y) * step,  # stick up is -y
        truck=shaped(state.left_x) * step,
        pedestal=(shaped(state.right_trigger) - shaped(state.left_trigger)) * step,
        pan=shaped(state.right_x) * turn,
        tilt=-shaped(state.right_y) * turn,
        roll=roll,
        zoom=ZOOM_PER_S ** (zoom_dir * dt_s),
    )
    return None if move == PilotMove() else move
