"""Every shot's camera path in its colour, with a tick on each second, its key handles and name;
the selected shot drawn bolder, the selected key with its aim handle.

Positions are derived from the document on each change of that shot only, so dragging one key
re-evaluates one path. All paths share one line visual, and the second ticks, key handles, the
selected key and its aim handle share one marker visual: with software GL the cost of a frame is
mostly per visual, not per vertex (see benchmarks/viewport.py).
"""

from __future__ import annotations

import numpy as np
from vispy import scene

from app.palette import SELECTED_KEY, rgba, shot_colour
from app.viewport3d.geometry import AIM_HANDLE_M, second_ticks
from app.viewport3d.label_layer import SELECTED, SHOT, Label, LabelLayer
from engine.camera.path import CameraPath
from engine.project import Project

DIMMED = 0.55  # alpha of the shots that are not selected
TICK = (0.85, 0.85, 0.85, 1.0)
EDGE = (0.06, 0.06, 0.06, 1.0)


class PathLayer:
    """Every shot's path; ``camera(shot)`` gives a shot's evaluated camera (the document's sequence)."""

    def __init__(self, parent, camera, labels: LabelLayer):
        self.camera = camera
        self.label_layer = labels
        self.paths: dict[str, CameraPath] = {}  # evaluated, for picking and the frustum
        self.keys: dict[str, np.ndarray] = {}  # key positions by shot id
        self.lines = scene.visuals.Line(parent=parent, width=2)
        self.selected_line = scene.visuals.Line(parent=parent, width=4)
        for v in (self.lines, self.selected_line):
            v.set_gl_state("translucent", depth_test=True)
        self.markers = scene.visuals.Markers(parent=parent)  # ticks, handles, selected key, aim handle
        self.aim_line = scene.visuals.Line(parent=parent, width=2, color=SELECTED_KEY)
        for v in (self.markers, self.aim_line):
            v.set_gl_state("translucent", depth_test=False)  # handles are never hidden behind a set piece
            v.order = 10
        self._marks: dict[str, list] = {}  # the markers' per-point arrays, by group
        self._line_style: tuple[np.ndarray, np.ndarray] | None = None  # colours and joins last sent
        self._arrays: dict[str, tuple] = {}  # per shot: (path, keys, (index, alpha), its arrays)
        self._selected_shown: tuple | None = None  # (path, index) the bold line shows
        self.aim: tuple[str, int, np.ndarray] | None = None
        self._selection = ("", -1)
        self._labels: list[Label] = []
        self._visible = True
        # Uploads held back while the layer is hidden (a look-through drag moves a path it does not show).
        self._lines_due: tuple | None = None
        self._aim_due: np.ndarray | None = None
        self._markers_due = False

    @property
    def shot_ids(self) -> list[str]:
        return list(self.paths)

    # -- document -> arrays ----------------------------------------------------------------------

    def rebuild(self, project: Project) -> None:
        self.paths, self.keys = {}, {}
        self._arrays.clear()
        for shot in project.shots:
            self.update_shot(project, shot.id)

    def update_shot(self, project: Project, shot_id: str) -> None:
        shot = next((s for s in project.shots if s.id == shot_id), None)
        if shot is None:
            self.paths.pop(shot_id, None)
            self.keys.pop(shot_id, None)
            return
        self.paths[shot_id] = self.camera(shot)
        self.keys[shot_id] = np.array([k.position for k in shot.keys], float)

    # -- arrays -> visuals -------------------------------------------------------------------------

    def restyle(self, project: Project, selection: tuple[str, int] | None = None) -> None:
        """Upload paths, colours, handles and labels for the current selection."""
        if selection is not None:
            self._selection = selection
        selected_shot, selected_key = self._selection
        order = [(i, s) for i, s in enumerate(project.shots) if s.id in self.paths]  # (index: its colour)
        if not order:
            for v in (self.lines, self.selected_line):
                v.visible = False
            self._marks["paths"] = []
            self._labels = []
            self._lines_due = None
            self._show_selected_key(project, "", -1)
            return
        pos, colours, connect, ticks, handle_pos, handle_face = [], [], [], [], [], []
        for i, shot in order:
            # Each shot's arrays are kept while its camera, colour and dimming are the same, so a
            # drag rebuilds only the dragged shot's.
            alpha = 1.0 if shot.id == selected_shot or not selected_shot else DIMMED
            path, keys = self.paths[shot.id], self.keys[shot.id]
            cached = self._arrays.get(shot.id)
            if cached is None or cached[0] is not path or cached[1] is not keys or cached[2] != (i, alpha):
                rgb = rgba(shot_colour(i))[:3]
                p = path.positions if len(path) > 1 else np.repeat(path.positions, 2, axis=0)
                joined = np.ones(len(p), bool)
                joined[-1] = False  # no segment from one shot's end to the next shot's start
                arrays = (p, joined, np.tile([*rgb, alpha], (len(p), 1)), second_ticks(path), np.tile([*rgb, 1.0], (len(keys), 1)))
                cached = self._arrays[shot.id] = (path, keys, (i, alpha), arrays)
            p, joined, colour, tick, face = cached[3]
            pos.append(p)
            connect.append(joined)
            colours.append(colour)
            ticks.append(tick)
            handle_pos.append(keys)
            handle_face.append(face)
        selected = (self.paths[selected_shot], [s.id for s in project.shots].index(selected_shot)) if selected_shot in self.paths else None
        self._lines_due = (pos, colours, connect, selected)
        if self._visible:  # hidden (the look-through), the lines are sent when they are shown again
            self._send_lines()
        ticks, handles = np.concatenate(ticks), np.concatenate(handle_pos)
        self._marks["paths"] = [
            (ticks, 5.0, 0.0, np.tile(TICK, (len(ticks), 1)), "disc"),
            (handles, 11.0, 1.5, np.concatenate(handle_face), "disc"),
        ]
        self._labels = [
            Label(s.name, tuple(self.paths[s.id].positions[0]), SELECTED if s.id == selected_shot else SHOT, centred=False)
            for _, s in order
        ]
        self._show_selected_key(project, selected_shot, selected_key)
        self.set_visible(self._visible)

    def _send_lines(self) -> None:
        pos, colours, connect, selected = self._lines_due
        self._lines_due = None
        # Colours and joins change with the selection and the shots' lengths, not with a drag: send
        # only what changed (vispy rebuilds its index buffer whenever it is given ``connect``).
        colour, join = np.concatenate(colours), np.concatenate(connect)[:-1]
        same = self._line_style is not None and np.array_equal(self._line_style[0], colour) and np.array_equal(self._line_style[1], join)
        self.lines.set_data(pos=np.concatenate(pos), **({} if same else {"color": colour, "connect": join}))
        self._line_style = (colour, join)
        if selected is not None:
            path, i = selected
            if self._selected_shown is None or self._selected_shown[0] is not path or self._selected_shown[1] != i:
                p = path.positions
                self.selected_line.set_data(pos=p if len(p) > 1 else np.repeat(p, 2, axis=0), color=rgba(shot_colour(i)))
                self._selected_shown = (path, i)

    def _show_selected_key(self, project: Project, shot_id: str, key: int) -> None:
        keys = self.keys.get(shot_id)
        if keys is None or not 0 <= key < len(keys):
            self.aim = None
            self._aim_due = None
            self.aim_line.visible = False
            self._marks["key"] = []
            self._upload_markers()
            return
        shot = next(s for s in project.shots if s.id == shot_id)
        frame = shot.keys[key].frame
        forward = -self.paths[shot_id].c2w[frame][:3, 2]  # cameras look down -Z
        tip = keys[key] + AIM_HANDLE_M * forward
        self.aim = (shot_id, key, tip)
        self._aim_due = np.array([keys[key], tip])
        if self._visible:
            self.aim_line.set_data(pos=self._aim_due)
            self._aim_due = None
        yellow = np.asarray([rgba(SELECTED_KEY)])
        self._marks["key"] = [(keys[key : key + 1], 15.0, 2.0, yellow, "disc"), (tip[None], 11.0, 1.5, yellow, "diamond")]
        self._upload_markers()

    def set_marks(self, group: str, entries: list) -> None:
        """Markers another layer draws through this one's visual (the playhead camera's apex)."""
        self._marks[group] = entries
        self._upload_markers()

    def _upload_markers(self) -> None:
        """One upload of every marker group, drawn in order: ticks, handles, selected key, aim, apex."""
        groups = [g for name in ("paths", "key", "apex") for g in self._marks.get(name, []) if len(g[0])]
        if groups and not self._visible:  # hidden (the look-through): sent when shown again
            self._markers_due = True
            self.markers.visible = False
            return
        self._markers_due = False
        if not groups:
            self.markers.visible = False
            return
        pos = np.concatenate([g[0] for g in groups])
        size = np.concatenate([np.full(len(g[0]), g[1]) for g in groups])
        edge = np.concatenate([np.full(len(g[0]), g[2]) for g in groups])
        face = np.concatenate([g[3] for g in groups])
        symbol = [g[4] for g in groups for _ in range(len(g[0]))]
        self.markers.set_data(pos, size=size, edge_width=edge, face_color=face, edge_color=EDGE, symbol=symbol)
        self.markers.visible = self._visible

    def set_visible(self, visible: bool) -> None:
        self._visible = visible
        if visible:  # what changed while hidden goes now
            if self._lines_due is not None:
                self._send_lines()
            if self._aim_due is not None:
                self.aim_line.set_data(pos=self._aim_due)
                self._aim_due = None
            if self._markers_due:
                self._upload_markers()
        any_shot = bool(self.paths)
        self.lines.visible = visible and any_shot
        self.label_layer.set("paths", self._labels if visible else [])
        self.selected_line.visible = visible and self._selection[0] in self.paths
        self.markers.visible = visible and any(len(g[0]) for gs in self._marks.values() for g in gs)
        self.aim_line.visible = visible and self.aim is not None
