"""A gamepad in pilot mode and the take recorder (Qt 6 has no QtGamepad).

``GamepadPilot`` polls a source at 60 Hz while the viewport looks through and turns its state into
the same ``PilotMove`` s the keys make (``engine.camera.gamepad``): a stick held away from rest is
one gesture (one undo step) until every stick and button is back at rest; while a take records,
the moves go to the live camera like any pilot input. The record button starts and stops a take.

Sources have one method, ``poll() -> GamepadState | None`` (None: no pad). ``SdlGamepad`` reads a
real pad through pygame-ce's SDL2 game-controller API, an optional import: pygame-ce ships SDL2 in
its wheels for Windows, macOS and Linux (no system library to install), is actively released, and
SDL's controller database maps Xbox, PlayStation and Switch pads to one layout. Without pygame-ce,
or without a pad, the viewport works as before. ``ScriptedGamepad`` plays given states (tests).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable

from PySide6.QtCore import QObject, QTimer

from engine.camera.gamepad import RECORD_BUTTON, GamepadState, move_for_state

POLL_MS = 16
MAX_STEP_S = 0.1  # a stalled event loop does not turn into one huge jump
RETRY_S = 2.0  # how often to look for a pad that is not there (plugged in later)


class ScriptedGamepad:
    """A source that plays ``states`` one per poll, then rests (for tests and demos)."""

    def __init__(self, states: Iterable[GamepadState]):
        self.states = list(states)

    def poll(self) -> GamepadState | None:
        return self.states.pop(0) if self.states else GamepadState()


class SdlGamepad:
    """The first game controller SDL sees, through pygame-ce (``None`` from ``open`` without one)."""

    BUTTONS = {
        "a": "CONTROLLER_BUTTON_A", "b": "CONTROLLER_BUTTON_B", "x": "CONTROLLER_BUTTON_X", "y": "CONTROLLER_BUTTON_Y",
        "leftshoulder": "CONTROLLER_BUTTON_LEFTSHOULDER", "rightshoulder": "CONTROLLER_BUTTON_RIGHTSHOULDER",
        "leftstick": "CONTROLLER_BUTTON_LEFTSTICK", "dpup": "CONTROLLER_BUTTON_DPAD_UP", "dpdown": "CONTROLLER_BUTTON_DPAD_DOWN",
    }  # fmt: skip

    def __init__(self, pygame, controller_module, controller):
        self._pygame, self._module, self._pad = pygame, controller_module, controller

    @classmethod
    def open(cls) -> "SdlGamepad | None":
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        # SDL has no window here (Qt has the focus): let it read the pad anyway. Its event queue,
        # which updates the pads, needs its video subsystem: the dummy driver opens no window.
        os.environ.setdefault("SDL_JOYSTICK_ALLOW_BACKGROUND_EVENTS", "1")
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
        try:
            import pygame
            from pygame._sdl2 import controller
        except ImportError:
            return None
        try:
            pygame.display.init()
            pygame.joystick.init()
            controller.init()
            pygame.event.get()  # SDL learns of pads plugged in since the last look
            for i in range(controller.get_count()):
                if controller.is_controller(i):
                    return cls(pygame, controller, controller.Controller(i))
        except pygame.error:
            return None
        return None

    def poll(self) -> GamepadState | None:
        pg = self._pygame
        try:
            pg.event.get()  # pumps SDL (which updates the pads) and drops the queue nobody reads
            if not self._pad.attached():
                return None
            axis = lambda a: self._pad.get_axis(a) / 32767.0  # noqa: E731
            buttons = frozenset(name for name, const in self.BUTTONS.items() if self._pad.get_button(getattr(pg, const)))
            return GamepadState(
                axis(pg.CONTROLLER_AXIS_LEFTX), axis(pg.CONTROLLER_AXIS_LEFTY), axis(pg.CONTROLLER_AXIS_RIGHTX), axis(pg.CONTROLLER_AXIS_RIGHTY),
                axis(pg.CONTROLLER_AXIS_TRIGGERLEFT), axis(pg.CONTROLLER_AXIS_TRIGGERRIGHT), buttons,
            )  # fmt: skip
        except pg.error:
            return None


class GamepadPilot(QObject):
    """Drives ``viewport.pilot`` from a gamepad source while the viewport looks through."""

    def __init__(self, viewport, source=None, open_source=SdlGamepad.open):
        super().__init__(viewport)
        self.viewport = viewport
        self.source = source
        self._open = open_source
        self._tried = 0.0 if source is None else float("inf")
        self._last = None
        self._gesture = False
        self._buttons: frozenset[str] = frozenset()
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._tick)

    def set_active(self, on: bool) -> None:
        """Poll while looking through (and only then: a resting app asks nothing of SDL)."""
        if on:
            self._last = time.perf_counter()
            self.timer.start()
        else:
            self.timer.stop()
            self._rest()

    def _tick(self) -> None:
        now = time.perf_counter()
        dt = min(now - (self._last or now), MAX_STEP_S)
        self._last = now
        if self.source is None:
            if now - self._tried < RETRY_S:
                return
            self._tried = now
            self.source = self._open()
            if self.source is None:
                return
        self.step(dt)

    def step(self, dt_s: float) -> None:
        """One poll of the source and what it asks for over ``dt_s`` seconds (the timer's tick)."""
        state = self.source.poll() if self.source is not None else None
        if state is None:
            self._rest()
            return
        vp = self.viewport
        pressed = state.buttons - self._buttons
        self._buttons = state.buttons
        if RECORD_BUTTON in pressed and vp.look_through:
            self._rest()
            vp.toggle_recording()
        move = move_for_state(state, dt_s)
        if move is None or not vp.look_through:
            self._rest()
            return
        if not self._gesture and not vp.recorder.recording:
            vp.document.begin_gesture("Pilot camera (gamepad)")
            self._gesture = True
        vp.pilot(move)

    def _rest(self) -> None:
        if self._gesture:
            self._gesture = False
            self.viewport.document.end_gesture()
