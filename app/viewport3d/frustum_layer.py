"""The camera at the playhead: its frustum with the lens's true angles of view, and the shot's name."""

from __future__ import annotations

import numpy as np
from vispy import scene

from app.palette import rgba, shot_colour
from app.viewport3d.geometry import frustum_segments
from app.viewport3d.label_layer import FRAME, Label, LabelLayer
from engine.camera.path import CameraPath


class FrustumLayer:
    """The frustum's lines are its own visual; its apex dot and name go to the path layer's markers
    (``marks``) and the label layer, so the camera at the playhead costs one visual, not three."""

    def __init__(self, parent, labels: LabelLayer, marks):
        self.label_layer = labels
        self.marks = marks  # marks(group, [(points, size, edge width, colours, symbol)])
        self.label: Label | None = None
        self.apex: np.ndarray | None = None
        self.lines = scene.visuals.Line(parent=parent, width=2, connect="segments")
        self.lines.set_gl_state("translucent", depth_test=False)
        self.lines.order = 9  # under the handles; the apex dot is drawn over them

    def update(self, path: CameraPath | None, frame: int, shot_index: int, name: str) -> None:
        if path is None:
            self.set_visible(False)
            return
        frame = int(np.clip(frame, 0, len(path) - 1))
        c2w = path.c2w[frame]
        segs = frustum_segments(c2w, float(path.focal_mm[frame]), path.film_back_mm)
        rgb = rgba(shot_colour(shot_index))[:3]
        self.lines.set_data(pos=segs.reshape(-1, 3), color=(*(0.5 + 0.5 * np.asarray(rgb)), 1.0))
        self.apex = c2w[None, :3, 3].copy()
        # Over the tip of the "up" triangle above the frame.
        self.label = Label(f"{name}  {path.focal_mm[frame]:.0f} mm", tuple(segs[-2, 0]), FRAME)
        self.set_visible(True)

    def set_visible(self, visible: bool) -> None:
        self.lines.visible = visible
        shown = visible and self.apex is not None
        self.marks("apex", [(self.apex, 8.0, 0.0, np.ones((1, 4)), "disc")] if shown else [])
        self.label_layer.set("frustum", [self.label] if visible and self.label else [])
