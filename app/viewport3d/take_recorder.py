"""Record a live move (pilot mode, R in the look-through): the shot plays in real time while the
operator drives the camera; on stop the take becomes the shot's keys and is kept with its takes.

While recording, pilot inputs move a live camera (not the document); every frame the clock reaches
samples it. Stopping — R again, or the end of the shot — lands the take as one undo step.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from engine.camera.pilot import PilotMove, piloted
from engine.camera.focus import carry_focus
from engine.camera.take import take_keys, take_path
from engine.project import Take
from engine.sequence import EvaluatedSequence

TICK_MS = 10
HANDHELD_SMOOTHING_FRAMES = 2.0  # with smoothing on: a Gaussian of this many frames takes out the jitter


class TakeRecorder(QObject):
    recordingChanged = Signal(bool)

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.document = document
        self.smoothing = False
        self.shot_id = ""
        self.live: tuple[np.ndarray, float] | None = None  # the camera being operated
        self.samples: dict[int, tuple[np.ndarray, float]] = {}
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self._clock = 0.0

    @property
    def recording(self) -> bool:
        return self.live is not None

    def start(self, clock: bool = True) -> None:
        """From the first frame of the shot under the playhead, with its camera there."""
        doc = self.document
        if not doc.project.shots:
            return
        shot, _ = doc.locate()
        path = doc.camera(shot)
        self.shot_id, self.samples = shot.id, {}
        self.live = (path.c2w[0].copy(), float(path.focal_mm[0]))
        doc.seek(doc.project.shot_start_frames()[doc.shot_index(shot.id)])
        self.sample(0)
        if clock:
            self._clock = time.perf_counter()
            self.timer.start()
        self.recordingChanged.emit(True)

    def input(self, move: PilotMove) -> None:
        if self.live is not None:
            self.live = piloted(*self.live, move)

    def sample(self, frame: int) -> None:
        """Record the live camera at ``frame`` of the shot (the clock calls this; tests may too)."""
        if self.live is not None:
            self.samples[int(frame)] = (self.live[0].copy(), self.live[1])

    def tick(self) -> None:
        """Follow the wall clock: sample the frame it reached and move the playhead there."""
        doc = self.document
        shot = doc.shot(self.shot_id)
        frame = int((time.perf_counter() - self._clock) * doc.project.fps)
        if frame >= shot.duration:
            self.sample(shot.duration - 1)
            self.stop()
            return
        self.sample(frame)
        doc.seek(doc.project.shot_start_frames()[doc.shot_index(self.shot_id)] + frame)

    def stop(self) -> None:
        """The take becomes the shot's keys (one undo step) and joins its takes."""
        if self.live is None:
            return
        self.timer.stop()
        doc = self.document
        shot = doc.shot(self.shot_id)
        frames = sorted(self.samples)
        path = take_path(
            frames, [self.samples[f][0] for f in frames], [self.samples[f][1] for f in frames], doc.project.film_back_mm(),
            doc.project.fps, HANDHELD_SMOOTHING_FRAMES if self.smoothing else 0.0,
        )  # fmt: skip
        keys = take_keys(path, frames[0])
        if keys[-1].frame < shot.duration - 1:  # stopped early: the rest of the shot holds the last pose
            keys.append(keys[-1].model_copy(update={"frame": shot.duration - 1}))
        take = Take(name=f"Take {len(shot.takes) + 1}", keys=keys)
        self.live = None
        new = shot.model_copy(update={"keys": keys, "path_space": "world", "pivot": None, "move": None})
        keys = carry_focus(shot, keys, lambda: EvaluatedSequence().shot(doc.project, new))  # the take operates the camera, not the focus
        doc.set_shot_fields(shot.id, "Record take", keys=keys, path_space="world", pivot=None, move=None, takes=[*shot.takes, take])
        self.recordingChanged.emit(False)
