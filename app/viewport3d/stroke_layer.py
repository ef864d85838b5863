"""The stroke being drawn (and the last one drawn, thin, over its fitted path until the next), the
camera previewed at its end as a frustum, and what the drawn move reads as."""

from __future__ import annotations

import numpy as np
from vispy import scene

from app.palette import rgba, shot_colour
from app.viewport3d.geometry import frustum_segments
from engine.camera.path import CameraPath

DRAWING = (1.0, 0.93, 0.35, 1.0)  # the live stroke: the selected key's yellow
DRAWN = (1.0, 1.0, 1.0, 0.75)  # the stroke that made the current path: thin, over the fitted path


class StrokeLayer:
    """``parent``: the 3D scene; ``overlay``: the viewport's pixel layer (for the caption). The
    previewed camera has no name label: relaying out the viewport's labels on every mouse move
    would cost more than the stroke."""

    def __init__(self, parent, overlay):
        self.line = scene.visuals.Line(parent=parent, width=3, color=DRAWING)
        self.frustum_lines = scene.visuals.Line(parent=parent, width=2, connect="segments")
        self.apex = scene.visuals.Markers(parent=parent)
        for v in (self.line, self.frustum_lines, self.apex):
            v.set_gl_state("translucent", depth_test=False)
            v.order = 16  # over the paths and the playhead's camera: the hand's line is what is looked at
        self.caption = scene.visuals.Text("", color="white", font_size=10, anchor_x="left", anchor_y="center", parent=overlay)
        self.caption.set_gl_state("translucent", depth_test=False)
        self.caption.pos = (10, 18)
        self.caption.order = 16
        self.hide()

    def show_stroke(self, points: np.ndarray, end_camera: CameraPath | None, shot_index: int = 0) -> None:
        """The live stroke, with the camera it would put at its end."""
        points = np.asarray(points, float).reshape(-1, 3)
        self.caption.visible = False
        self.line.visible = len(points) >= 2
        if self.line.visible:
            self.line.set_data(pos=points, color=DRAWING, width=3)
        if end_camera is None:
            self._show_camera(False)
            return
        c2w = end_camera.c2w[0]
        segs = frustum_segments(c2w, float(end_camera.focal_mm[0]), end_camera.film_back_mm)
        rgb = np.asarray(rgba(shot_colour(shot_index))[:3])
        self.frustum_lines.set_data(pos=segs.reshape(-1, 3), color=(*(0.5 + 0.5 * rgb), 1.0))
        self.apex.set_data(c2w[None, :3, 3], size=8, face_color=(1.0, 1.0, 1.0, 1.0), edge_width=0)
        self._show_camera(True)

    def show_drawn(self, points: np.ndarray, description: str) -> None:
        """The stroke that was just fitted, thin over its path, and what the move reads as."""
        points = np.asarray(points, float).reshape(-1, 3)
        self._show_camera(False)
        if len(points) < 2:
            self.hide()
            return
        self.line.set_data(pos=points, color=DRAWN, width=1.5)
        self.line.visible = True
        self.caption.text = f"Drawn: {description}" if description else ""
        self.caption.visible = bool(description)

    def _show_camera(self, visible: bool) -> None:
        self.frustum_lines.visible = self.apex.visible = visible

    def hide(self) -> None:
        self.line.visible = False
        self.caption.visible = False
        self._show_camera(False)
