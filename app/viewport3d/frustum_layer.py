"""The camera at the playhead: its frustum with the lens's true angles of view, and the shot's name."""

from __future__ import annotations

import numpy as np
from vispy import scene

from app.palette import rgba, shot_colour
from app.viewport3d.geometry import frustum_segments
from app.viewport3d.label_layer import FRAME, Label, LabelLayer
from engine.camera.path import CameraPath


class FrustumLayer:
    def __init__(self, parent, labels: LabelLayer):
        self.label_layer = labels
        self.label: Label | None = None
        self.lines = scene.visuals.Line(parent=parent, width=2, connect="segments")
        self.apex = scene.visuals.Markers(parent=parent)
        for v in (self.lines, self.apex):
            v.set_gl_state("translucent", depth_test=False)
            v.order = 15  # the camera at the playhead sits on top of its key handle

    def update(self, path: CameraPath | None, frame: int, shot_index: int, name: str) -> None:
        if path is None:
            self.set_visible(False)
            return
        frame = int(np.clip(frame, 0, len(path) - 1))
        c2w = path.c2w[frame]
        segs = frustum_segments(c2w, float(path.focal_mm[frame]), path.film_back_mm)
        rgb = rgba(shot_colour(shot_index))[:3]
        self.lines.set_data(pos=segs.reshape(-1, 3), color=(*(0.5 + 0.5 * np.asarray(rgb)), 1.0))
        self.apex.set_data(c2w[None, :3, 3], size=8, face_color=(1.0, 1.0, 1.0, 1.0), edge_width=0)
        # Over the tip of the "up" triangle above the frame.
        self.label = Label(f"{name}  {path.focal_mm[frame]:.0f} mm", tuple(segs[-2, 0]), FRAME)
        self.set_visible(True)

    def set_visible(self, visible: bool) -> None:
        for v in (self.lines, self.apex):
            v.visible = visible
        self.label_layer.set("frustum", [self.label] if visible and self.label else [])
