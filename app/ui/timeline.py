"""The shot timeline: shots as clips proportional to their duration, a timecode ruler, the playhead.

Click a clip to select it; drag it to reorder; drag its right edge to trim (each drag is one undo
step); click or drag in the ruler to scrub; Ctrl+wheel zooms about the mouse, the wheel scrolls. The
selected shot's keys show as ticks under its clip. Thumbnails are camera-grid frames of each shot's
first frame, cached by the shot's content.
"""

from __future__ import annotations

import opentimelineio as otio
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QWidget

from app.document import Document
from app.ui.audio_lane import AUDIO_H, AudioLane
from app.ui.preview_frames import PreviewFrames
from engine.sections import Section, sections

RULER_H = 22
SCENE_H = 16  # the scene band under the ruler: one labelled bar per section (engine/sections.py)
CLIP_TOP = RULER_H + SCENE_H + 4
CLIP_H = 64
TICKS_H = 10
EDGE_PX = 5  # how near the right edge a press trims instead of moving
THUMB = (96, 40)
COLOURS = [QColor("#3d5a80"), QColor("#5c4d7d"), QColor("#2f6f62"), QColor("#7d5a3d")]
SELECTED = QColor("#e0a030")
SCENE_COLOURS = [QColor("#4a4a58"), QColor("#3e5248")]
RENDERED, STALE = QColor("#58c070"), QColor("#d0a040")
RENDER_STRIP_H = 13
AUDIO_TOP = CLIP_TOP + CLIP_H + TICKS_H + 2  # the audio lane (app/ui/audio_lane.py) under the key ticks


def timecode(frame: int, fps: float) -> str:
    """HH:MM:SS:FF at the project's rate (OpenTimelineIO's conversion)."""
    return otio.opentime.to_timecode(otio.opentime.RationalTime(frame, fps), fps)


class Timeline(QWidget):
    playheadChanged = Signal(int)  # sequence frame

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.px_per_frame = 2.0
        self.offset_px = 0.0
        self.playhead = 0
        self._drag: tuple | None = None  # ("move" | "trim" | "scrub", shot id, press x, start value)
        self._thumbs: dict[str, tuple[object, QImage]] = {}
        self.audio = AudioLane(document, self)
        self.audio.ready.connect(self.update)
        self.setMinimumHeight(AUDIO_TOP + AUDIO_H + 4)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        document.changed.connect(self.update)
        document.selectionChanged.connect(lambda *_: self.update())
        document.rendersChanged.connect(lambda _id: self.update())

    # -- geometry ------------------------------------------------------------------------------

    def frame_to_x(self, frame: float) -> float:
        return frame * self.px_per_frame - self.offset_px

    def x_to_frame(self, x: float) -> float:
        return (x + self.offset_px) / self.px_per_frame

    def clip_rect(self, index: int) -> QRectF:
        project = self.document.project
        start = project.shot_start_frames()[index]
        return QRectF(self.frame_to_x(start), CLIP_TOP, project.shots[index].duration * self.px_per_frame, CLIP_H)

    def shot_at(self, x: float) -> int | None:
        """The clip under ``x``, or None past the sequence's ends."""
        frame = self.x_to_frame(x)
        project = self.document.project
        if not project.shots or not 0 <= frame < project.total_frames:
            return None
        return project.locate(int(frame))[0]

    def set_zoom(self, px_per_frame: float, anchor_x: float | None = None) -> None:
        anchor_x = self.width() / 2 if anchor_x is None else anchor_x
        frame = self.x_to_frame(anchor_x)
        self.px_per_frame = min(max(px_per_frame, 0.05), 40.0)
        self.offset_px = max(0.0, frame * self.px_per_frame - anchor_x)
        self.update()

    def show_frames(self, first: int, last: int) -> None:
        """Zoom and scroll so frames ``first``..``last`` fill the width (View > Frame Selection)."""
        margin = 12
        self.px_per_frame = min(max((self.width() - 2 * margin) / max(last - first + 1, 1), 0.05), 40.0)
        self.offset_px = max(0.0, first * self.px_per_frame - margin)
        self.update()

    def set_playhead(self, frame: int) -> None:
        frame = int(min(max(frame, 0), max(self.document.project.total_frames - 1, 0)))
        if frame != self.playhead:
            self.playhead = frame
            self.playheadChanged.emit(frame)
            self.update()

    # -- thumbnails ----------------------------------------------------------------------------

    def thumbnail(self, index: int) -> QImage:
        project = self.document.project
        shot = project.shots[index]
        path = self.document.camera(shot)  # the same object while the shot's camera is unchanged
        key = (path, project.subjects)  # the grey-box thumbnail shows the set as it stands
        cached = self._thumbs.get(shot.id)
        if cached is None or cached[0][0] is not path or cached[0][1] != project.subjects:
            frame = PreviewFrames(project, [path], THUMB, shot_indices=[index]).render_frame(0, 0)
            image = QImage(frame.data, THUMB[0], THUMB[1], 3 * THUMB[0], QImage.Format.Format_RGB888).copy()
            self._thumbs[shot.id] = (key, image)
        return self._thumbs[shot.id][1]

    # -- painting ------------------------------------------------------------------------------

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#1e1e1e"))
        project = self.document.project
        fps = project.fps
        self._paint_ruler(p, fps)
        self._paint_scenes(p)
        self.audio.paint_beats(p, self, RULER_H)
        self.audio.paint_lane(p, self, AUDIO_TOP)
        selected = self.document.selected_shot
        for i, shot in enumerate(project.shots):
            r = self.clip_rect(i)
            if r.right() < 0 or r.left() > self.width():
                continue
            p.fillRect(r, COLOURS[i % len(COLOURS)])
            thumb = self.thumbnail(i)
            if r.width() > THUMB[0] + 8:
                p.drawImage(QPointF(r.left() + 4, r.top() + 4), thumb)
            p.setPen(QColor("#f0f0f0"))
            text_left = r.left() + (THUMB[0] + 10 if r.width() > THUMB[0] + 8 else 4)
            p.drawText(QRectF(text_left, r.top() + 4, max(r.right() - text_left - 4, 0), 18), Qt.AlignmentFlag.AlignLeft, shot.name)
            p.drawText(
                QRectF(text_left, r.top() + 22, max(r.right() - text_left - 4, 0), 18),
                Qt.AlignmentFlag.AlignLeft,
                f"{shot.duration / fps:.1f}s",
            )
            render = self.document.render_of(shot.id)
            if render is not None:
                # A rendered clip: a strip along the bottom, green while current, amber once the shot changed.
                fresh = render[1]
                p.fillRect(QRectF(r.left() + 1, r.bottom() - RENDER_STRIP_H, r.width() - 2, RENDER_STRIP_H), RENDERED if fresh else STALE)
                p.setPen(QColor("#101010"))
                p.drawText(QRectF(r.left() + 4, r.bottom() - RENDER_STRIP_H, r.width() - 8, RENDER_STRIP_H), Qt.AlignmentFlag.AlignVCenter, "rendered" if fresh else "rendered (shot changed since)")
            if shot.id == selected:
                p.setPen(QPen(SELECTED, 2))
                p.drawRect(r.adjusted(1, 1, -1, -1))
                p.setPen(QPen(SELECTED, 1))
                for k in shot.keys:
                    x = r.left() + (k.frame + 0.5) * self.px_per_frame
                    p.drawLine(QPointF(x, r.bottom() + 2), QPointF(x, r.bottom() + TICKS_H))
        x = self.frame_to_x(self.playhead + 0.5)
        p.setPen(QPen(QColor("#ff4040"), 1))
        p.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        p.end()

    def scene_rect(self, section: Section) -> QRectF:
        left, right = self.frame_to_x(section.start), self.frame_to_x(section.end)
        return QRectF(left, RULER_H + 1, right - left, SCENE_H - 2)

    def _paint_scenes(self, p: QPainter) -> None:
        for k, section in enumerate(sections(self.document.project)):
            r = self.scene_rect(section)
            if r.right() < 0 or r.left() > self.width():
                continue
            p.fillRect(r.adjusted(1, 0, -1, 0), SCENE_COLOURS[k % len(SCENE_COLOURS)])
            p.setPen(QColor("#e8e8e8"))
            # the label stays readable while the band scrolls past the left edge
            text = r.adjusted(max(0.0, -r.left()) + 4, 0, -4, 0)
            label = p.fontMetrics().elidedText(f"Scene {section.scene}", Qt.TextElideMode.ElideRight, int(max(text.width(), 0)))
            p.drawText(text, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, label)

    def _paint_ruler(self, p: QPainter, fps: float) -> None:
        p.fillRect(QRectF(0, 0, self.width(), RULER_H), QColor("#2a2a2a"))
        # A label every N seconds, N chosen so labels stay at least 90 px apart.
        step_s = next(s for s in (1, 2, 5, 10, 30, 60, 120, 300, 600) if s * fps * self.px_per_frame >= 90)
        step = int(round(step_s * fps))
        first = int(self.x_to_frame(0) // step) * step
        p.setPen(QColor("#b0b0b0"))
        frame = max(first, 0)
        while self.frame_to_x(frame) < self.width():
            x = self.frame_to_x(frame)
            p.drawLine(QPointF(x, RULER_H - 6), QPointF(x, RULER_H))
            p.drawText(QPointF(x + 3, RULER_H - 8), timecode(frame, fps))
            frame += step

    # -- mouse ---------------------------------------------------------------------------------

    def mousePressEvent(self, event) -> None:
        pos = event.position()
        if pos.y() < RULER_H:
            self._drag = ("scrub", None, pos.x(), 0)
            self.set_playhead(int(self.x_to_frame(pos.x())))
            return
        index = self.shot_at(pos.x())
        if index is None:
            return
        shot = self.document.project.shots[index]
        self.document.select(shot.id, -1)
        r = self.clip_rect(index)
        if abs(pos.x() - r.right()) <= EDGE_PX:
            self.document.begin_gesture("Trim shot")
            self._drag = ("trim", shot.id, pos.x(), shot.duration)
        else:
            self._drag = ("move", shot.id, pos.x(), index)

    def mouseMoveEvent(self, event) -> None:
        pos = event.position()
        if self._drag is None:
            index = self.shot_at(pos.x())
            near_edge = index is not None and abs(pos.x() - self.clip_rect(index).right()) <= EDGE_PX and pos.y() >= CLIP_TOP
            self.setCursor(Qt.CursorShape.SizeHorCursor if near_edge else Qt.CursorShape.ArrowCursor)
            return
        kind, shot_id, x0, start = self._drag
        if kind == "scrub":
            self.set_playhead(int(self.x_to_frame(pos.x())))
        elif kind == "trim":
            begin = self.document.project.shot_start_frames()[self.document.shot_index(shot_id)]
            cut = self.audio.snap_cut(begin + start + (pos.x() - x0) / self.px_per_frame, self.px_per_frame)  # onto a beat nearby
            duration = max(1, int(round(cut - begin)))
            if duration != self.document.shot(shot_id).duration:
                self.document.trim_shot(shot_id, duration)

    def mouseReleaseEvent(self, event) -> None:
        if self._drag is None:
            return
        kind, shot_id, x0, start = self._drag
        self._drag = None
        if kind == "trim":
            self.document.end_gesture()
        elif kind == "move" and abs(event.position().x() - x0) > 4:
            self.document.move_shot(shot_id, self._drop_index(event.position().x(), shot_id))

    def _drop_index(self, x: float, shot_id: str) -> int:
        """Where a dragged clip lands: before the first other clip whose middle is right of ``x``."""
        project = self.document.project
        others = [(i, s) for i, s in enumerate(project.shots) if s.id != shot_id]
        for n, (i, _s) in enumerate(others):
            if self.clip_rect(i).center().x() > x:
                return n
        return len(others)

    def wheelEvent(self, event) -> None:
        dy = event.angleDelta().y()
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.set_zoom(self.px_per_frame * (1.25 if dy > 0 else 0.8), event.position().x())
        else:
            self.offset_px = max(0.0, self.offset_px - dy)
            self.update()
