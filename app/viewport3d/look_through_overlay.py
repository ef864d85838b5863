"""Look-through furniture in canvas pixels: the delivery aspect's mask, its frame, the rule of
thirds and a caption (shot, lens, frame)."""

from __future__ import annotations

import numpy as np
from vispy import scene

from app.viewport3d.view_math import delivery_frame

CAPTION_PX = 26  # the caption line at the frame's top (8 px in, 10 pt): labels keep below it

MASK = (0.0, 0.0, 0.0, 0.72)


class LookThroughOverlay:
    def __init__(self, parent):
        self.mask = scene.visuals.Mesh(parent=parent, color=MASK)
        self.frame = scene.visuals.Line(parent=parent, color=(1, 1, 1, 0.6), connect="segments")
        self.thirds = scene.visuals.Line(parent=parent, color=(1, 1, 1, 0.3), connect="segments")
        self.caption = scene.visuals.Text("", color="white", font_size=10, anchor_x="left", anchor_y="top", parent=parent)
        for v in self.visuals:
            v.set_gl_state("translucent", depth_test=False)
            v.order = 20
        self.set_visible(False)

    @property
    def visuals(self):
        return (self.mask, self.frame, self.thirds, self.caption)

    def update(self, width: int, height: int, aspect: float, caption: str) -> None:
        x, y, w, h = delivery_frame(width, height, aspect)
        # Two bars (top/bottom or left/right) outside the frame, as two quads each.
        bars = [(0, 0, width, y), (0, y + h, width, height)] if h < height else [(0, 0, x, height), (x + w, 0, width, height)]
        verts, faces = [], []
        for x0, y0, x1, y1 in bars:
            n = len(verts)
            verts += [(x0, y0, 0), (x1, y0, 0), (x1, y1, 0), (x0, y1, 0)]
            faces += [(n, n + 1, n + 2), (n, n + 2, n + 3)]
        self.mask.set_data(vertices=np.asarray(verts, float), faces=np.asarray(faces, np.uint32), color=MASK)
        corners = np.array([(x, y), (x + w, y), (x + w, y + h), (x, y + h)])
        self.frame.set_data(pos=np.stack([corners, np.roll(corners, -1, axis=0)], axis=1).reshape(-1, 2))
        thirds = []
        for k in (1, 2):
            thirds += [(x + k * w / 3, y), (x + k * w / 3, y + h), (x, y + k * h / 3), (x + w, y + k * h / 3)]
        self.thirds.set_data(pos=np.asarray(thirds, float))
        self.caption.text = caption
        self.caption.pos = (x + 8, y + 8)

    def set_visible(self, visible: bool) -> None:
        for v in self.visuals:
            v.visible = visible
