"""The stroke being drawn (and the last one drawn, faint, until the next), the camera previewed at
its end as a frustum, and what the drawn move reads as."""

from __future__ import annotations

import numpy as np
from vispy import scene

from app.viewport3d.frustum_layer import FrustumLayer
from engine.camera.path import CameraPath

DRAWING = (1.0, 0.93, 0.35, 1.0)  # the live stroke: the selected key's yellow
DRAWN = (1.0, 1.0, 1.0, 0.75)  # the stroke that made the current path: thin, over the fitted path


class StrokeLayer:
    """``parent``: the 3D scene; ``overlay``: the view, in canvas pixels (for the caption)."""

    def __init__(self, parent, overlay):
        self.line = scene.visuals.Line(parent=parent, width=3, color=DRAWING)
        self.line.set_gl_state("translucent", depth_test=False)
        self.line.order = 12  # over the paths: the hand's line is what is being looked at
        self.frustum = FrustumLayer(parent)
        self.caption = scene.visuals.Text("", color="white", font_size=10, anchor_x="left", anchor_y="center", parent=overlay)
        self.caption.pos = (10, 18)
        self.caption.set_gl_state("translucent", depth_test=False)
        self.caption.order = 16
        self.hide()

    def show_stroke(self, points: np.ndarray, end_camera: CameraPath | None, shot_index: int = 0, name: str = "") -> None:
        """The live stroke, with the camera it would put at its end."""
        points = np.asarray(points, float).reshape(-1, 3)
        self.caption.visible = False
        if len(points) < 2:
            self.line.visible = False
        else:
            self.line.set_data(pos=points, color=DRAWING, width=3)
            self.line.visible = True
        if end_camera is None:
            self.frustum.set_visible(False)
        else:
            self.frustum.update(end_camera, 0, shot_index, name)

    def show_drawn(self, points: np.ndarray, description: str) -> None:
        """The stroke that was just fitted, faint, with what the move reads as beside its end."""
        points = np.asarray(points, float).reshape(-1, 3)
        self.frustum.set_visible(False)
        if len(points) < 2:
            self.hide()
            return
        self.line.set_data(pos=points, color=DRAWN, width=1.5)
        self.line.visible = True
        self.caption.text = f"Drawn: {description}" if description else ""
        self.caption.visible = bool(description)

    def hide(self) -> None:
        self.line.visible = False
        self.caption.visible = False
        self.frustum.set_visible(False)
