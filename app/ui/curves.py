"""The curve editor: the selected shot's x/y/z, pan/tilt/roll, focal length, focus and T-stop against frame.

Five plots share the frame axis: position (m), rotation (°), focal length (mm), focus distance (m)
and T-stop. Focus is a channel of its own: its points are the keys that key focus (a key pulled to
a subject drawn where that subject's depth puts it; dragging it sets a fixed distance there), and a
shot with no focus key has no focus curves. Curves are the
evaluated camera (what the preview shows); keys are points on them. Drag a key up or down to change
that channel's value, sideways to move it in time; the whole drag is one undo step. Click a key to
select it. Angles are unwrapped so a pan through 180° draws as one line, not a jump.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.document import Document
from engine.camera.conventions import pan_tilt_roll, rotation_from_pan_tilt_roll
from engine.camera.path import CameraPath
from engine.errors import ShotlineError
from engine.project import MAX_FOCAL_MM, MAX_FOCUS_M, MAX_T_STOP, MIN_FOCAL_MM, MIN_FOCUS_M, MIN_T_STOP, CameraKey

# pyqtgraph's atexit clean-up walks every live object and re-parents graphics items; with PySide6
# 6.12 that crashes the interpreter at exit (bool_dealloc). Qt tears the scene down itself.
pg.setConfigOptions(exitCleanup=False)

PLOTS = [
    ("Position", "m", ("x", "y", "z")), ("Rotation", "°", ("pan", "tilt", "roll")), ("Focal", "mm", ("focal",)),
    ("Focus", "m", ("focus",)), ("Stop", "T", ("t_stop",)),
]  # fmt: skip
MIN_SPAN = {"Position": 1.0, "Rotation": 10.0, "Focal": 10.0, "Focus": 1.0, "Stop": 2.0}  # so a flat channel is not drawn as magnified noise
COLOURS = {
    "x": "#e05a5a", "y": "#5ac85a", "z": "#5a8ae6", "pan": "#e0a040", "tilt": "#40c0c0", "roll": "#c060c0", "focal": "#d8d8d8",
    "focus": "#f0d060", "t_stop": "#a0a0f0",
}  # fmt: skip
FOCUS_CHANNELS = ("focus", "t_stop")
MIN_HEIGHT_PX = 220  # three rows a number tall each, the frame axis and the legend
PICK_PX = 9  # how near a press must be to a key's point to grab it


def channel_values(path: CameraPath) -> dict[str, np.ndarray]:
    angles = np.unwrap(np.radians(pan_tilt_roll(path.rotations)), axis=0)
    angles = np.degrees(angles)
    values = {
        "x": path.positions[:, 0],
        "y": path.positions[:, 1],
        "z": path.positions[:, 2],
        "pan": angles[:, 0],
        "tilt": angles[:, 1],
        "roll": angles[:, 2],
        "focal": np.asarray(path.focal_mm, float),
    }
    if path.has_focus:
        values["focus"] = np.asarray(path.focus_m, float)
        values["t_stop"] = np.asarray(path.t_stop, float)
    return values


def keys_on_channel(keys: list[CameraKey], channel: str) -> list[int]:
    """The indices of the keys that are points of ``channel``'s curve (focus is keyed sparsely)."""
    if channel == "focus":
        return [i for i, k in enumerate(keys) if k.keys_focus]
    if channel == "t_stop":
        return [i for i, k in enumerate(keys) if k.t_stop is not None]
    return list(range(len(keys)))


def key_with_channel(key: CameraKey, evaluated: dict[str, float], channel: str, value: float) -> CameraKey:
    """``key`` with one channel set. A rotation channel set on a look-at key turns it into an
    explicit aim (the look-at would otherwise override it)."""
    if channel in ("x", "y", "z"):
        position = list(key.position)
        position["xyz".index(channel)] = float(value)
        return key.model_copy(update={"position": tuple(position)})
    if channel == "focal":
        return key.model_copy(update={"focal_mm": float(np.clip(value, MIN_FOCAL_MM, MAX_FOCAL_MM))})
    if channel == "focus":  # a mark set by hand: no longer pulled to a subject
        return key.model_copy(update={"focus_m": float(np.clip(value, MIN_FOCUS_M, MAX_FOCUS_M)), "focus_subject": None})
    if channel == "t_stop":
        return key.model_copy(update={"t_stop": float(np.clip(value, MIN_T_STOP, MAX_T_STOP))})
    angles = [evaluated["pan"], evaluated["tilt"], evaluated["roll"]]
    angles[("pan", "tilt", "roll").index(channel)] = float(value)
    angles[1] = float(np.clip(angles[1], -89.9, 89.9))
    quat = rotation_from_pan_tilt_roll(*angles).as_quat()
    return key.model_copy(update={"orientation": tuple(float(v) for v in quat), "look_at": None})


class _KeyViewBox(pg.ViewBox):
    """A view box that hands drags that start on a key to the editor and pans/zooms otherwise."""

    def __init__(self, editor: "CurveEditor", channels: tuple[str, ...]):
        super().__init__()
        self.editor, self.channels = editor, channels

    def mouseDragEvent(self, ev, axis=None) -> None:
        editor = self.editor
        if ev.button() != Qt.MouseButton.LeftButton:
            return super().mouseDragEvent(ev, axis)
        if ev.isStart():
            hit = editor.pick(self, ev.buttonDownScenePos())
            if hit is None:
                return super().mouseDragEvent(ev, axis)
            self.disableAutoRange()  # the plot must not rescale under the mouse while a key moves
            editor.begin_drag(*hit)
        if editor.dragging is None:
            return super().mouseDragEvent(ev, axis)
        ev.accept()
        press = self.mapSceneToView(ev.buttonDownScenePos())
        point = self.mapSceneToView(ev.scenePos())
        editor.drag_by(point.x() - press.x(), point.y() - press.y())
        if ev.isFinish():
            editor.end_drag()


class _SparseAxis(pg.AxisItem):
    """A value axis whose numbers keep a quarter line of air between them however short the plot: pyqtgraph
    always prints its first tick level, and a dock a few lines tall printed "10" over "5"."""

    def tickSpacing(self, minVal, maxVal, size):
        span = abs(maxVal - minVal)
        if span <= 0 or size <= 0 or not np.isfinite(span):
            return super().tickSpacing(minVal, maxVal, size)
        line = QFontMetrics(self.style["tickFont"] or self.font()).height()
        smallest = 1.25 * line * span / size  # in values: the closest two numbers may be
        magnitude = 10 ** np.floor(np.log10(smallest))
        step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= smallest)
        lo, hi = min(minVal, maxVal), max(minVal, maxVal)
        if np.ceil(lo / step) * step > hi:  # no multiple in view: show the roundest value there is
            for k in range(int(np.floor(np.log10(span))) + 1, -7, -1):
                roundest = np.ceil(lo / 10.0**k) * 10.0**k
                if roundest <= hi:
                    return [(max(step, 2 * span), roundest)]  # one number, at that value
        return [(step, 0)]


class CurveEditor(QWidget):
    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.shot_id = ""
        self.values: dict[str, np.ndarray] = {}
        self.dragging: tuple[int, float, str, int] | None = None  # at press: key frame, value; channel, key index now
        self.beats = None  # the timeline's audio lane (snap_cut), when the main window shares it
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("#1e1e1e")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.key = QLabel("  ".join(f"<span style='color:{c}'>■ {ch}</span>" for ch, c in COLOURS.items()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics, 1)
        row = QHBoxLayout()
        row.addWidget(self.key)
        row.addWidget(self.note, 1)
        layout.addLayout(row)
        self.plots: dict[str, pg.PlotItem] = {}
        self.boxes: dict[str, _KeyViewBox] = {}
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.points: dict[str, pg.ScatterPlotItem] = {}
        first = None
        for row, (title, unit, channels) in enumerate(PLOTS):
            box = _KeyViewBox(self, channels)
            plot = pg.PlotItem(viewBox=box, axisItems={"left": _SparseAxis("left")})  # laid out by _arrange
            plot.setLabel("left", unit)
            plot.getAxis("left").setWidth(50)
            plot.showGrid(x=True, y=True, alpha=0.15)
            plot.setLimits(minYRange=MIN_SPAN[title])
            for ch in channels:
                colour = COLOURS[ch]
                self.curves[ch] = plot.plot(pen=pg.mkPen(colour, width=1.5))
                self.points[ch] = pg.ScatterPlotItem(size=9, pen=pg.mkPen("#101010"), brush=pg.mkBrush(colour))
                plot.addItem(self.points[ch])
                self.points[ch].sigClicked.connect(self._clicked)
            if first is None:
                first = plot
            else:
                plot.setXLink(first)
            self.plots[title] = plot
            for ch in channels:
                self.boxes[ch] = box
        self.shown: tuple[str, ...] = ()
        self._arrange(tuple(self.plots))
        self.playhead_lines = [pg.InfiniteLine(angle=90, pen=pg.mkPen("#e0a030")) for _ in self.plots]
        for line, plot in zip(self.playhead_lines, self.plots.values()):
            plot.addItem(line, ignoreBounds=True)
        document.changed.connect(self.refresh)
        document.selectionChanged.connect(lambda *_: self.refresh())
        self.refresh()

    def sizeHint(self) -> QSize:
        return QSize(900, 300)

    def minimumSizeHint(self) -> QSize:
        return QSize(300, MIN_HEIGHT_PX)

    # -- model -> plots ------------------------------------------------------------------------

    def refresh(self) -> None:
        doc = self.document
        new_shot = doc.selected_shot != self.shot_id
        self.shot_id = doc.selected_shot
        if not self.shot_id:
            for item in list(self.curves.values()) + list(self.points.values()):
                item.setData([], [])
            self.note.setText("No shot selected.")
            return
        shot = doc.shot(self.shot_id)
        path = doc.camera(shot)
        self.values = channel_values(path)
        frames = np.arange(shot.duration)
        for ch in FOCUS_CHANNELS:
            if ch not in self.values:
                self.curves[ch].setData([], [])
                self.points[ch].setData([], [])
        # Focus and stop rows only for a shot that keys them: the others get the room.
        self._arrange(tuple(t for t, _, channels in PLOTS if t in ("Position", "Rotation", "Focal") or any(ch in self.values for ch in channels)))
        for ch, values in self.values.items():
            self.curves[ch].setData(frames, values)
            shown = keys_on_channel(shot.keys, ch)
            key_frames = np.array([shot.keys[i].frame for i in shown], int)
            sizes = [13 if i == doc.selected_key else 9 for i in shown]
            self.points[ch].setData(key_frames, values[key_frames], size=sizes, data=shown)
        if shot.path_space == "subject":
            self.note.setText(f"This shot's keys are relative to {shot.pivot}; the curves show the camera in the set. Edit its keys in the inspector.")
        else:
            focus = "" if path.has_focus else " No focus keyed (all sharp): set focus at a key in the inspector."
            self.note.setText("Drag a key to change it; sideways moves it in time." + focus)
        if new_shot:
            for plot in self.plots.values():
                plot.enableAutoRange()

    def _arrange(self, titles: tuple[str, ...]) -> None:
        """Lay out the plots named, in order, the shared frame axis under the last."""
        if titles == self.shown:
            return
        layout = self.graphics.ci
        for title in self.shown:
            layout.removeItem(self.plots[title])
        for row, title in enumerate(titles):
            plot = self.plots[title]
            layout.addItem(plot, row=row, col=0)
            plot.setVisible(True)
            if title == titles[-1]:
                plot.showAxis("bottom")
                plot.setLabel("bottom", "frame")
            else:
                plot.hideAxis("bottom")
        for title in set(self.plots) - set(titles):
            self.plots[title].setVisible(False)
        self.shown = titles

    def set_playhead(self, frame_in_shot: int) -> None:
        for line in self.playhead_lines:
            line.setValue(frame_in_shot)

    def _clicked(self, _item, points, _ev) -> None:
        if len(points) and self.shot_id:
            self.document.select(self.shot_id, int(points[0].data()))

    # -- picking and dragging ------------------------------------------------------------------

    def key_scene_pos(self, channel: str, index: int) -> QPointF:
        shot = self.document.shot(self.shot_id)
        frame = shot.keys[index].frame
        return self.boxes[channel].mapViewToScene(QPointF(frame, float(self.values[channel][frame])))

    def key_widget_pos(self, channel: str, index: int):
        """Where key ``index`` of ``channel`` is drawn, in the graphics view's viewport pixels."""
        return self.graphics.mapFromScene(self.key_scene_pos(channel, index))

    def pick(self, box: _KeyViewBox, scene_pos: QPointF) -> tuple[int, str] | None:
        if not self.shot_id:
            return None
        best, best_d = None, PICK_PX
        for ch in box.channels:
            if ch not in self.values:
                continue
            for i in keys_on_channel(self.document.shot(self.shot_id).keys, ch):
                p = self.key_scene_pos(ch, i)
                d = float(np.hypot(p.x() - scene_pos.x(), p.y() - scene_pos.y()))
                if d < best_d:
                    best, best_d = (i, ch), d
        return best

    def begin_drag(self, index: int, channel: str) -> None:
        shot = self.document.shot(self.shot_id)
        if shot.path_space == "subject":
            self.note.setText(f"Keys of this shot are relative to {shot.pivot}: edit them in the inspector.")
            return
        self.document.select(self.shot_id, index)
        self.document.begin_gesture(f"Drag {channel} key")
        frame = shot.keys[index].frame
        self.dragging = (frame, float(self.values[channel][frame]), channel, index)

    def drag_by(self, frames: float, amount: float) -> None:
        """Move the dragged key by this much from where it was at the press (a grab slightly off
        the point does not make it jump)."""
        if self.dragging is None:
            return
        frame0, value0, channel, index = self.dragging
        frame, value = frame0 + frames, value0 + amount
        doc = self.document
        shot = doc.shot(self.shot_id)
        if self.beats is not None and frames:  # moved in time: onto a beat within a few pixels
            start = doc.project.shot_start_frames()[doc.shot_index(self.shot_id)]
            frames_per_px = next(iter(self.plots.values())).getViewBox().viewPixelSize()[0]
            frame = self.beats.snap_cut(start + frame, 1.0 / max(frames_per_px, 1e-9)) - start
        key = shot.keys[index]
        evaluated = {ch: float(v[key.frame]) for ch, v in self.values.items()}
        new = key_with_channel(key, evaluated, channel, value)
        target = int(np.clip(round(frame), 0, shot.duration - 1))
        if target not in {k.frame for i, k in enumerate(shot.keys) if i != index}:
            new = new.model_copy(update={"frame": target})
        try:
            doc.set_key(self.shot_id, index, new, f"Drag {channel} key")
        except ShotlineError as exc:
            self.note.setText(str(exc))
            return
        index = [k.frame for k in doc.shot(self.shot_id).keys].index(new.frame)
        self.dragging = (frame0, value0, channel, index)
        doc.select(self.shot_id, index)

    def end_drag(self) -> None:
        if self.dragging is not None:
            self.dragging = None
            self.document.end_gesture()
