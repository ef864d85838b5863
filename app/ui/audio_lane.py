"""The audio lane under the timeline's clips: every unmuted track's waveform in sequence time, and
the beats as ticks on the ruler.

Decoding and beat tracking take seconds for a song, so they run on a worker thread; the lane
draws "reading …" until they are done and then asks the timeline to repaint. Results are kept per
track settings, so a key edit never decodes again.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
from PySide6.QtCore import QLineF, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen

from app.document import Document
from engine.audio.waveform import peaks
from engine.errors import ShotlineError

LANE_RATE = 11025  # Hz: keeps the attack of a click or a snare (a lower rate filters it away)
AUDIO_H = 34
WAVE = QColor("#5fb0d0")
BEAT = QColor("#f0d060")
SNAP_PX = 6.0


class AudioLane(QObject):
    ready = Signal()

    def __init__(self, document: Document, parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self._key = None
        self.samples: np.ndarray | None = None  # mono mix of the sequence at LANE_RATE
        self.beats = np.zeros(0)  # seconds of the sequence
        self.error = ""
        self.busy = False
        self._lock = threading.Lock()

    @property
    def visible(self) -> bool:
        return bool(self.document.project.audio)

    def _settings(self):
        project = self.document.project
        base = self.document.path.parent if self.document.path else None
        files = []
        for t in project.audio:
            p = t.resolve(base)
            try:
                st = p.stat()
                files.append((str(p), st.st_mtime_ns, st.st_size))
            except OSError:
                files.append((str(p), 0, 0))
        tracks = tuple(t.model_dump_json() for t in project.audio)
        return (tracks, tuple(files), project.total_frames, project.fps, str(base))

    def refresh(self) -> None:
        """Start reading the tracks again if what they are (or where they play) changed."""
        key = self._settings()
        if key == self._key:
            return
        self._key = key
        if not self.document.project.audio:
            self.samples, self.beats, self.error = None, np.zeros(0), ""
            return
        self.busy = True
        project, base = self.document.project, (self.document.path.parent if self.document.path else None)
        threading.Thread(target=self._read, args=(key, project, base), daemon=True).start()

    def _read(self, key, project, base: Path | None) -> None:
        from engine.audio.track import mix, sequence_beats

        try:
            seconds = max(project.total_frames / project.fps, 0.1)
            samples = mix(project, base, LANE_RATE, seconds, channels=1)[0]
            beats = sequence_beats(project, base)
            error = ""
        except ShotlineError as exc:
            samples, beats, error = None, np.zeros(0), str(exc)
        with self._lock:
            if key != self._key:
                return  # the tracks changed while this ran; a newer read is on its way
            self.samples, self.beats, self.error, self.busy = samples, beats, error, False
        self.ready.emit()

    def snap_cut(self, frame: float, px_per_frame: float, within_px: float = SNAP_PX) -> float:
        """A cut dragged to sequence ``frame`` lands on the beat nearest to it within ``within_px``."""
        if not self.visible or self.beats.size == 0:
            return frame
        beat_frames = np.round(self.beats * self.document.project.fps)
        nearest = beat_frames[np.abs(beat_frames - frame).argmin()]
        return float(nearest) if abs(nearest - frame) * px_per_frame <= within_px else frame

    # -- painting (the timeline calls these with its own geometry) --------------------------------

    def paint_lane(self, p: QPainter, timeline, top: float) -> None:
        if not self.visible:
            return
        self.refresh()
        w = timeline.width()
        p.fillRect(QRectF(0, top, w, AUDIO_H), QColor("#171c20"))
        mid = top + AUDIO_H / 2
        if self.samples is None:
            p.setPen(QColor("#a0a0a0"))
            p.drawText(QRectF(6, top, w - 12, AUDIO_H), Qt.AlignmentFlag.AlignVCenter, self.error or "reading the audio …")
            return
        fps = self.document.project.fps
        x0 = max(timeline.frame_to_x(0), 0.0)
        x1 = min(timeline.frame_to_x(len(self.samples) / LANE_RATE * fps), float(w))
        if x1 - x0 < 1:
            return
        a = int(timeline.x_to_frame(x0) / fps * LANE_RATE)
        b = int(timeline.x_to_frame(x1) / fps * LANE_RATE)
        columns = int(x1 - x0)
        if b <= a:
            return
        pk = peaks(self.samples[a:b], columns)
        half = AUDIO_H / 2 - 2
        lines = [QLineF(x0 + i + 0.5, mid - hi * half, x0 + i + 0.5, mid - lo * half) for i, (lo, hi) in enumerate(pk)]
        p.setPen(QPen(WAVE, 1))
        p.drawLines(lines)

    def paint_beats(self, p: QPainter, timeline, ruler_h: float) -> None:
        if not self.visible or self.beats.size == 0:
            return
        fps = self.document.project.fps
        xs = timeline.frame_to_x(self.beats * fps)
        xs = xs[(xs >= 0) & (xs <= timeline.width())]
        if xs.size > timeline.width() / 3:  # zoomed far out: a tick every 3 px at most
            xs = xs[:: int(np.ceil(xs.size / (timeline.width() / 3)))]
        p.setPen(QPen(BEAT, 1))
        p.drawLines([QLineF(x, ruler_h - 9, x, ruler_h) for x in xs])
