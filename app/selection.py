"""Playhead and selection: a Qt-free model whose fields emit events (napari's ``components/`` shape).

Views subscribe to ``events.frame`` (the playhead moved) and ``events.selection`` (another shot or
key is selected) and never talk to each other: the timeline, the preview, the viewport and the
curves all follow this one model. It holds no project; ``Project.locate`` turns its sequence frame
into a shot and a frame in it.
"""

from __future__ import annotations

from typing import Callable


class Emitter:
    """A list of callbacks called with the new value, in the order they connected."""

    def __init__(self) -> None:
        self._callbacks: list[Callable] = []

    def connect(self, callback: Callable) -> Callable:
        self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable) -> None:
        self._callbacks.remove(callback)

    def emit(self, *value) -> None:
        for callback in list(self._callbacks):
            callback(*value)


class SelectionEvents:
    def __init__(self) -> None:
        self.frame = Emitter()  # (sequence frame,)
        self.selection = Emitter()  # (shot id or "", key index or -1)


class Selection:
    """The playhead (a sequence frame), the selected shot (id, "" for none) and key (index, -1)."""

    def __init__(self, shot_id: str = "", key: int = -1, frame: int = 0) -> None:
        self._shot, self._key, self._frame = shot_id, key, int(frame)
        self.events = SelectionEvents()

    @property
    def frame(self) -> int:
        return self._frame

    @frame.setter
    def frame(self, frame: int) -> None:
        frame = int(frame)
        if frame != self._frame:
            self._frame = frame
            self.events.frame.emit(frame)

    @property
    def shot(self) -> str:
        return self._shot

    @property
    def key(self) -> int:
        return self._key

    def select(self, shot_id: str, key: int = -1) -> None:
        if (shot_id, key) != (self._shot, self._key):
            self._shot, self._key = shot_id, key
            self.events.selection.emit(shot_id, key)
