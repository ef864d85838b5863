"""The preview player: the camera-grid view at the playhead, played in real time.

It shows what the shot's camera sees (the camera-grid renderer, the same room as the exported
preview) at the delivery aspect, with the shot's name, timecode and lens burnt in. It plays the
whole sequence or loops the selected shot, in step with the timeline's playhead. Transport follows
editing apps: Space play/pause, J/K/L reverse/stop/forward (J or L again plays faster), arrows step
a frame, Home/End go to the start/end (of the shot when looping it).
"""

from __future__ import annotations

import time

from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.document import Document
from app.ui.preview_frames import PreviewFrames
from app.ui.timeline import timecode
from engine.clone.reference import ReferenceFrames, reference_at
from engine.errors import ShotlineError
from engine.interchange.mp4 import read_mp4
from engine.project import DEFAULT_FRAME_WIDTH

SPEEDS = (1, 2, 4, 8)
CLIP_CACHE = 6  # rendered clips kept decoded
BURN_IN_FONT = QFont("Sans", 9)
BURN_IN_GAP = 16  # px between the two burn-ins on one line
REFERENCE_MODES = ("Reference off", "Reference beside", "Reference inset")
INSET_FRACTION = 0.33  # of the preview's width, picture-in-picture


def with_reference(image: np.ndarray, reference: np.ndarray, mode: int) -> np.ndarray:
    """The preview frame with the reference clip's frame beside it (1) or inset top-right (2, clear
    of the burn-ins along the bottom),
    the reference scaled to the preview's height (beside) or a third of its width (inset)."""
    h, w, _ = image.shape
    rh, rw, _ = reference.shape
    if mode == 1:
        scaled = cv2.resize(reference, (max(1, round(rw * h / rh)), h), interpolation=cv2.INTER_AREA)
        return np.concatenate([image, np.full((h, 4, 3), 255, np.uint8), scaled], axis=1)
    iw = max(8, int(w * INSET_FRACTION))
    ih = max(1, round(rh * iw / rw))
    out = image.copy()
    scaled = cv2.resize(reference, (iw, ih), interpolation=cv2.INTER_AREA)
    y, x = 6, max(0, w - iw - 6)
    out[max(0, y - 2) : y + ih + 2, max(0, x - 2) : x + iw + 2] = 255
    out[y : y + ih, x : x + iw] = scaled[: h - y, : w - x]
    return out


class RenderedClips:
    """Rendered shots decoded to frames at the preview's size, the most recent few kept."""

    def __init__(self):
        self._clips: dict[tuple[Path, tuple[int, int]], np.ndarray] = {}

    def frame(self, path: Path, index: int, size: tuple[int, int]) -> np.ndarray:
        key = (Path(path), size)
        if key not in self._clips:
            frames, _fps = read_mp4(path)
            self._clips[key] = np.stack([cv2.resize(f, size, interpolation=cv2.INTER_AREA) for f in frames])
            while len(self._clips) > CLIP_CACHE:
                self._clips.pop(next(iter(self._clips)))
        clip = self._clips[key]
        return clip[min(index, len(clip) - 1)]


class GridView(QWidget):
    """Paints one camera-grid frame, letterboxed to the widget, with a burn-in."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.image: QImage | None = None
        self.burn_in = ("", "")
        self.setMinimumSize(320, 160)

    def set_frame(self, frame: np.ndarray, left: str, right: str) -> None:
        h, w, _ = frame.shape
        self.image = QImage(frame.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
        self.burn_in = (left, right)
        self.update()

    def image_rect(self) -> QRectF:
        """Where the frame is drawn: the widget, letterboxed to the frame's aspect."""
        if self.image is None:
            return QRectF(self.rect())
        aspect = self.image.width() / self.image.height()
        w, h = self.width(), self.height()
        if w / h > aspect:
            return QRectF((w - h * aspect) / 2, 0, h * aspect, h)
        return QRectF(0, (h - w / aspect) / 2, w, w / aspect)

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#000000"))
        if self.image is None:
            p.setPen(QColor("#a0a0a0"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No shots: add one from the Edit menu or the planner")
            return
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        r = self.image_rect()
        p.drawImage(r, self.image)
        p.setFont(BURN_IN_FONT)
        p.setPen(QColor("#f0f0f0"))
        for box, text in self.burn_in_boxes():
            p.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)

    def burn_in_boxes(self) -> list[tuple[QRectF, str]]:
        """Where the burn-ins go in the frame: the shot bottom-left and the lens and timecode
        bottom-right on one line when both fit, else the right one a line above; text too long for
        the frame is elided. None ever overlaps another, at any size."""
        metrics = QFontMetricsF(BURN_IN_FONT)
        area = self.image_rect().adjusted(8, 4, -8, -4)
        line = metrics.height()
        out, bottom = [], area.bottom()
        left, right = (metrics.elidedText(t, Qt.TextElideMode.ElideRight, area.width()) for t in self.burn_in)
        wl, wr = metrics.horizontalAdvance(left), metrics.horizontalAdvance(right)
        if left:
            out.append((QRectF(area.left(), bottom - line, wl, line), left))
        if right:
            if left and wl + BURN_IN_GAP + wr > area.width():
                bottom -= line  # no room beside it: stack above
            out.append((QRectF(area.right() - wr, bottom - line, wr, line), right))
        return out


class PreviewPlayer(QWidget):
    frameChanged = Signal(int)  # sequence frame
    playbackChanged = Signal(bool)  # playing or not (the audio playback follows it)

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.frame = 0
        self.direction = 0  # -1 reverse, 0 stopped, +1 forward
        self.speed = 1
        self._renderer: PreviewFrames | None = None
        self._starts: list[int] = []
        self._clock: tuple[float, int] | None = None  # wall time and frame when play started

        self.view = GridView()
        self.mode = QComboBox()
        self.mode.addItems(["Sequence", "Selected shot"])
        self.mode.setToolTip("Play the whole sequence, or loop the selected shot")
        self.play_button = QPushButton("▶")
        self.play_button.setFixedWidth(40)
        self.play_button.setToolTip("Play/pause (Space)")
        self.play_button.clicked.connect(self.toggle)
        self.side_by_side = QCheckBox("Rendered beside grid")
        self.side_by_side.setToolTip("Where a shot has been rendered, show the render to the right of the camera-grid view")
        self.side_by_side.setChecked(True)
        self.side_by_side.toggled.connect(lambda _on: self.set_frame(self.frame, force=True))
        self.grid_toggle = QCheckBox("Grid")
        self.grid_toggle.setToolTip("Show the camera-grid room instead of the grey-box set")
        self.grid_toggle.toggled.connect(lambda _on: self._project_changed())
        self.reference_mode = QComboBox()
        self.reference_mode.addItems(REFERENCE_MODES)
        self.reference_mode.setToolTip("Play the reference clip a shot was cloned from beside the preview, or inset in it, in step with the playhead")
        self.reference_mode.setCurrentIndex(1)
        self.reference_mode.currentIndexChanged.connect(lambda _i: self.set_frame(self.frame, force=True))
        self.references = ReferenceFrames()
        self.reference_shown = None  # (clip path, time s) of the reference frame on screen
        self.clips = RenderedClips()
        self.status = QLabel()
        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.mode)
        controls.addWidget(self.grid_toggle)
        controls.addWidget(self.side_by_side)
        controls.addWidget(self.reference_mode)
        controls.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(controls)

        self.clock = None  # set by the audio playback: wall-clock frame -> the frame being heard
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        document.changed.connect(self._project_changed)
        document.rendersChanged.connect(lambda _id: self.set_frame(self.frame, force=True))
        self._project_changed()

    # -- what to draw --------------------------------------------------------------------------

    def _project_changed(self) -> None:
        project = self.document.project
        self._starts = project.shot_start_frames() if project.shots else []
        if project.shots:
            paths = self.document.cameras()
            base = self.document.path.parent if self.document.path else None
            self._renderer = PreviewFrames(project, paths, project.frame_size(DEFAULT_FRAME_WIDTH), not self.grid_toggle.isChecked(), base)  # the working size, whatever the delivery resolution
        else:
            self._renderer = None
        self.set_frame(min(self.frame, max(project.total_frames - 1, 0)), force=True)

    def range(self) -> tuple[int, int]:
        """First and last sequence frame playback covers (the selected shot when looping it)."""
        project = self.document.project
        if self.mode.currentIndex() == 1 and self.document.selected_shot:
            i = self.document.shot_index(self.document.selected_shot)
            return self._starts[i], self._starts[i] + project.shots[i].duration - 1
        return 0, max(project.total_frames - 1, 0)

    def set_frame(self, frame: int, force: bool = False) -> None:
        project = self.document.project
        frame = int(np.clip(frame, 0, max(project.total_frames - 1, 0)))
        if frame == self.frame and not force:
            return
        self.frame = frame
        if self._renderer is not None:
            shot, local = project.locate(frame)
            s = project.shots[shot]
            focal = self._renderer.paths[shot].focal_mm[local]
            image = self._renderer.render_frame(shot, local)
            render = self.document.render_of(s.id) if self.side_by_side.isChecked() else None
            if render is not None:
                h, w, _ = image.shape
                image = np.concatenate([image, np.full((h, 4, 3), 255, np.uint8), self.clips.frame(render[0], local, (w, h))], axis=1)
            image = self._with_reference(image, frame)
            self.view.set_frame(
                image,
                f"{shot + 1}  {s.name}   {local + 1}/{s.duration}",
                f"{focal:.0f} mm   {timecode(frame, project.fps)}",
            )
        else:
            self.view.image = None
            self.view.update()
        self.document.selection.frame = frame  # the other views follow the model
        self.frameChanged.emit(frame)

    def _with_reference(self, image: np.ndarray, frame: int) -> np.ndarray:
        """Where the shot at ``frame`` was cloned from a clip, that clip's frame at the same time."""
        self.reference_shown = None
        mode = self.reference_mode.currentIndex()
        if mode == 0:
            return image
        base = self.document.path.parent if self.document.path else None
        ref = reference_at(self.document.project, frame, base)
        if ref is None:
            return image
        try:
            picture = self.references.frame(ref)
        except ShotlineError as exc:  # the clip moved or went: say so once, keep previewing
            self.status.setText(str(exc))
            return image
        if picture is None:
            return image
        self.reference_shown = (ref.path, ref.time_s)
        return with_reference(image, picture, mode)

    # -- transport -----------------------------------------------------------------------------

    @property
    def playing(self) -> bool:
        return self.direction != 0

    def play(self, direction: int = 1, speed: int = 1) -> None:
        self.direction, self.speed = direction, speed
        lo, hi = self.range()
        if not lo <= self.frame <= hi or (direction > 0 and self.frame >= hi) or (direction < 0 and self.frame <= lo):
            self.set_frame(lo if direction > 0 else hi)
        self._clock = (time.perf_counter(), self.frame)
        self.timer.start(max(int(1000 / self.document.project.fps / 2), 5))
        self._show_state()

    def stop(self) -> None:
        self.direction, self.speed = 0, 1
        self.timer.stop()
        self._show_state()

    def toggle(self) -> None:
        self.stop() if self.playing else self.play(1)

    def shuttle(self, direction: int) -> None:
        """J or L: start playing that way; pressed again while playing that way, twice as fast."""
        if self.direction == direction:
            self.play(direction, SPEEDS[min(SPEEDS.index(self.speed) + 1, len(SPEEDS) - 1)])
        else:
            self.play(direction, 1)

    def step(self, frames: int) -> None:
        self.stop()
        self.set_frame(self.frame + frames)

    def home(self) -> None:
        self.stop()
        self.set_frame(self.range()[0])

    def end(self) -> None:
        self.stop()
        self.set_frame(self.range()[1])

    def _tick(self) -> None:
        # Frames follow the wall clock, so playback keeps time when a frame is slow to draw.
        start_time, start_frame = self._clock
        elapsed = time.perf_counter() - start_time
        frame = start_frame + self.direction * int(elapsed * self.document.project.fps * self.speed)
        if self.clock is not None:  # sound is playing: the picture shows the frame being heard
            frame = self.clock(frame)
        lo, hi = self.range()
        if frame > hi or frame < lo:
            if self.mode.currentIndex() == 1:  # loop the shot
                frame = lo if self.direction > 0 else hi
                self._clock = (time.perf_counter(), frame)
            else:
                self.set_frame(hi if frame > hi else lo)
                self.stop()
                return
        self.set_frame(frame)

    def _show_state(self) -> None:
        self.playbackChanged.emit(self.playing)
        self.play_button.setText("❚❚" if self.playing else "▶")
        if self.playing:
            arrow = "◀" if self.direction < 0 else "▶"
            self.status.setText(f"{arrow} {self.speed}×" if self.speed > 1 else arrow)
        else:
            self.status.setText("")

    def keyPressEvent(self, event) -> None:
        actions = {
            Qt.Key.Key_Space: self.toggle,
            Qt.Key.Key_J: lambda: self.shuttle(-1),
            Qt.Key.Key_K: self.stop,
            Qt.Key.Key_L: lambda: self.shuttle(1),
            Qt.Key.Key_Left: lambda: self.step(-1),
            Qt.Key.Key_Right: lambda: self.step(1),
            Qt.Key.Key_Home: self.home,
            Qt.Key.Key_End: self.end,
        }
        action = actions.get(Qt.Key(event.key()))
        if action is None:
            return super().keyPressEvent(event)
        action()
