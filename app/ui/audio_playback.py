"""The sound under the preview, in sync: PyAV decodes and mixes the tracks (the animatic's own mix,
``engine.audio.track.mix``), PortAudio plays them through ``sounddevice``, and the sound card is the
clock: while it plays, the preview shows the frame whose sound is at the speaker now.

Why not QtMultimedia: a QMediaPlayer plays one file and reports its position every few tens of
milliseconds, so several tracks with offsets, trims and gains would each drift on their own and the
picture would follow a coarse clock. A PortAudio callback pulls the one mixed buffer sample by
sample and says when each block reaches the DAC (``outputBufferDacTime``), which turns into the
frame being heard to well under a frame.

Plays forwards at 1× over the sequence; shuttling faster, backwards or looping one shot is silent.
Without an output device (or PortAudio) the preview plays as before, and ``status`` says why.
"""

from __future__ import annotations

import threading
from typing import Callable

import numpy as np
from PySide6.QtCore import QObject

from app.document import Document
from engine.errors import ShotlineError

RATE = 48000
CHANNELS = 2


def default_stream(callback, rate: int, channels: int):
    import sounddevice as sd  # OSError without PortAudio: the caller says so

    return sd.OutputStream(samplerate=rate, channels=channels, dtype="float32", callback=callback)


class AudioPlayback(QObject):
    def __init__(self, document: Document, preview, stream_factory: Callable | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self.preview = preview
        self.stream_factory = stream_factory or default_stream
        self.stream = None
        self.status = ""
        self._mix_key = None
        self._mix: np.ndarray | None = None
        self._lock = threading.Lock()
        self._next = 0  # the next sample the callback hands out
        self._anchor: tuple[float, int] | None = None  # (stream time the sample reaches the DAC, sample)
        preview.playbackChanged.connect(self._playback_changed)

    # -- the mix ---------------------------------------------------------------------------------

    def mix(self) -> np.ndarray | None:
        from engine.audio.track import mix

        project = self.document.project
        if not any(not t.mute for t in project.audio):
            return None
        base = self.document.path.parent if self.document.path else None
        key = (tuple(t.model_dump_json() for t in project.audio), project.total_frames, project.fps, str(base))
        if key != self._mix_key:
            self._mix = mix(project, base, RATE, project.total_frames / project.fps, CHANNELS).T.copy()  # (n, channels)
            self._mix_key = key
        return self._mix

    # -- transport -------------------------------------------------------------------------------

    def _playback_changed(self, playing: bool) -> None:
        forwards = playing and self.preview.direction == 1 and self.preview.speed == 1 and self.preview.mode.currentIndex() == 0
        self.stop()
        if forwards:
            self.start(self.preview.frame)

    def start(self, frame: int) -> bool:
        try:
            buffer = self.mix()
        except ShotlineError as exc:
            self.status = str(exc)
            return False
        if buffer is None:
            self.status = ""
            return False
        with self._lock:
            self._next = int(round(frame / self.document.project.fps * RATE))
            self._anchor = None
        try:
            self.stream = self.stream_factory(self._callback, RATE, CHANNELS)
            self.stream.start()
        except Exception as exc:  # PortAudio missing, no device, device busy: play without sound
            self.stream = None
            self.status = f"no sound: {str(exc).splitlines()[0][:100] or type(exc).__name__}"
            return False
        self.status = "playing with sound"
        self.preview.clock = self.heard_frame
        return True

    def stop(self) -> None:
        self.preview.clock = None
        stream, self.stream = self.stream, None
        if stream is not None:
            stream.stop()
            stream.close()

    def _callback(self, outdata, frames: int, time_info, status) -> None:
        """PortAudio's thread: the next ``frames`` samples of the mix (silence past its end)."""
        with self._lock:
            start = self._next
            self._next += frames
            self._anchor = (float(time_info.outputBufferDacTime), start)
        buf = self._mix
        outdata.fill(0)
        if buf is not None and start < len(buf):
            chunk = buf[start : start + frames]
            outdata[: len(chunk)] = chunk

    def heard_frame(self, fallback: int) -> int:
        """The sequence frame whose sound reaches the speaker now (``fallback`` until the first block)."""
        with self._lock:
            anchor = self._anchor
        if anchor is None or self.stream is None:
            return fallback
        dac_time, sample = anchor
        now = float(self.stream.time)
        return int((sample + (now - dac_time) * RATE) / RATE * self.document.project.fps)
