"""Every shot's camera path in its colour, with a tick on each second, its key handles and name;
the selected shot drawn bolder, the selected key with its aim handle.

Positions are derived from the document on each change of that shot only, so dragging one key
re-evaluates one path (see benchmarks/viewport.py).
"""

from __future__ import annotations

import numpy as np
from vispy import scene
from vispy.color import Color

from app.palette import SELECTED_KEY, shot_colour
from app.viewport3d.geometry import AIM_HANDLE_M, second_ticks
from engine.camera.interpolate import evaluate_shot
from engine.camera.path import CameraPath
from engine.project import Project


class ShotPath:
    """The visuals of one shot."""

    def __init__(self, parent):
        self.line = scene.visuals.Line(parent=parent, width=2)
        self.ticks = scene.visuals.Markers(parent=parent)
        self.line.set_gl_state("translucent", depth_test=True)
        self.ticks.set_gl_state("translucent", depth_test=True)

    def remove(self) -> None:
        self.line.parent = None
        self.ticks.parent = None


class PathLayer:
    def __init__(self, parent):
        self.parent = parent
        self.shots: dict[str, ShotPath] = {}
        self.paths: dict[str, CameraPath] = {}  # evaluated, for picking and the frustum
        self.keys: dict[str, np.ndarray] = {}  # key positions by shot id
        self.handles = scene.visuals.Markers(parent=parent)
        self.selected_handle = scene.visuals.Markers(parent=parent)
        self.aim_line = scene.visuals.Line(parent=parent, width=2, color=SELECTED_KEY)
        self.aim_handle = scene.visuals.Markers(parent=parent)
        self.labels = scene.visuals.Text("", color="white", font_size=9, anchor_x="left", anchor_y="bottom", parent=parent)
        for v in (self.handles, self.selected_handle, self.aim_handle, self.aim_line, self.labels):
            v.set_gl_state("translucent", depth_test=False)  # handles are never hidden behind a set piece
            v.order = 10
        self.aim: tuple[str, int, np.ndarray] | None = None
        self._selection = ("", -1)

    # -- document -> visuals ---------------------------------------------------------------------

    def rebuild(self, project: Project) -> None:
        ids = {s.id for s in project.shots}
        for gone in set(self.shots) - ids:
            self.shots.pop(gone).remove()
            self.paths.pop(gone, None)
            self.keys.pop(gone, None)
        for shot in project.shots:
            self.update_shot(project, shot.id, restyle=False)
        self.restyle(project)

    def update_shot(self, project: Project, shot_id: str, restyle: bool = True) -> None:
        shot = next((s for s in project.shots if s.id == shot_id), None)
        if shot is None:
            return
        if shot_id not in self.shots:
            self.shots[shot_id] = ShotPath(self.parent)
        path = evaluate_shot(project, shot)
        self.paths[shot_id] = path
        self.keys[shot_id] = np.array([k.position for k in shot.keys], float)
        visuals = self.shots[shot_id]
        positions = path.positions if len(path) > 1 else np.repeat(path.positions, 2, axis=0)
        visuals.line.set_data(pos=positions)
        visuals.ticks.set_data(second_ticks(path), size=5, edge_width=0, face_color=(0.85, 0.85, 0.85, 1.0))
        if restyle:
            self.restyle(project)

    def restyle(self, project: Project, selection: tuple[str, int] | None = None) -> None:
        """Colours, widths, handles and labels for the current selection."""
        if selection is not None:
            self._selection = selection
        selected_shot, selected_key = self._selection
        handle_pos, handle_face, label_pos, label_text = [], [], [], []
        for i, shot in enumerate(project.shots):
            visuals = self.shots.get(shot.id)
            if visuals is None:
                continue
            rgb = Color(shot_colour(i)).rgb
            chosen = shot.id == selected_shot
            alpha = 1.0 if chosen or not selected_shot else 0.55
            visuals.line.set_data(color=(*rgb, alpha), width=4 if chosen else 2)
            keys = self.keys[shot.id]
            handle_pos.append(keys)
            handle_face += [(*rgb, 1.0)] * len(keys)
            label_pos.append(self.paths[shot.id].positions[0] + [0.0, 0.12, 0.0])
            label_text.append(shot.name)
        if handle_pos:
            self.handles.set_data(np.concatenate(handle_pos), size=11, face_color=np.asarray(handle_face), edge_color="#101010", edge_width=1.5)
            self.labels.text, self.labels.pos = label_text, np.asarray(label_pos)
        self.handles.visible = self.labels.visible = bool(handle_pos)
        self._show_selected_key(project, selected_shot, selected_key)

    def _show_selected_key(self, project: Project, shot_id: str, key: int) -> None:
        keys = self.keys.get(shot_id)
        if keys is None or not 0 <= key < len(keys):
            self.aim = None
            for v in (self.selected_handle, self.aim_line, self.aim_handle):
                v.visible = False
            return
        shot = next(s for s in project.shots if s.id == shot_id)
        frame = shot.keys[key].frame
        forward = -self.paths[shot_id].c2w[frame][:3, 2]  # cameras look down -Z
        tip = keys[key] + AIM_HANDLE_M * forward
        self.aim = (shot_id, key, tip)
        self.selected_handle.set_data(keys[key : key + 1], size=15, face_color=SELECTED_KEY, edge_color="#101010", edge_width=2)
        self.aim_line.set_data(pos=np.array([keys[key], tip]))
        self.aim_handle.set_data(tip[None], size=11, symbol="diamond", face_color=SELECTED_KEY, edge_color="#101010", edge_width=1.5)
        for v in (self.selected_handle, self.aim_line, self.aim_handle):
            v.visible = True

    def set_visible(self, visible: bool) -> None:
        for v in self.shots.values():
            v.line.visible = v.ticks.visible = visible
        self.handles.visible = self.labels.visible = visible and bool(self.shots)
        for v in (self.selected_handle, self.aim_line, self.aim_handle):
            v.visible = visible and self.aim is not None
