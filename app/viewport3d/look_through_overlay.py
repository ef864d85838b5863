"""Look-through furniture in canvas pixels: the delivery aspect's mask, its frame, the rule of
thirds and a caption (shot, lens, frame).

A pilot drag calls ``update`` on every mouse move: the mask and lines are sent again only when the
canvas or the aspect changes (setting a mesh's data rebuilds its shader), and the caption is laid
out again only when its text changes (benchmarks/look_through.py)."""

from __future__ import annotations

import numpy as np
from vispy import scene
from vispy.color import Color

from app.viewport3d.view_math import delivery_frame

CAPTION_PX = 26  # the caption line at the frame's top (8 px in, 10 pt): labels keep below it

MASK = (0.0, 0.0, 0.0, 0.72)
FRAME_RGBA = (1.0, 1.0, 1.0, 0.6)
THIRDS_RGBA = (1.0, 1.0, 1.0, 0.3)


class LookThroughOverlay:
    def __init__(self, parent):
        self.mask = scene.visuals.Mesh(parent=parent, color=MASK)
        # The frame and the thirds in one line visual (a frame on software GL costs per visual).
        self.lines = scene.visuals.Line(parent=parent, connect="segments")
        # In the view's y-down pixels vispy's "bottom" anchor hangs the text below its point ("top"
        # drew it above, over the frame's edge and the bar): the line sits 8 px inside the frame.
        self.caption = scene.visuals.Text("", color="white", font_size=10, anchor_x="left", anchor_y="bottom", parent=parent)
        for v in self.visuals:
            v.set_gl_state("translucent", depth_test=False)
            v.order = 20
        self._geometry: tuple | None = None  # (width, height, aspect) the mask and lines were built for
        self.set_visible(False)

    @property
    def visuals(self):
        return (self.mask, self.lines, self.caption)

    def update(self, width: int, height: int, aspect: float, caption: str) -> None:
        x, y, w, h = delivery_frame(width, height, aspect)
        if self._geometry != (width, height, aspect):
            self._geometry = (width, height, aspect)
            self._build(width, height, x, y, w, h)
            self.caption.pos = (x + 8, y + 8)
        if self.caption.text != caption:
            self.caption.text = caption

    def _build(self, width: int, height: int, x: float, y: float, w: float, h: float) -> None:
        # Two bars (top/bottom or left/right) outside the frame, as two quads each.
        bars = [(0, 0, width, y), (0, y + h, width, height)] if h < height else [(0, 0, x, height), (x + w, 0, width, height)]
        verts, faces = [], []
        for x0, y0, x1, y1 in bars:
            n = len(verts)
            verts += [(x0, y0, 0), (x1, y0, 0), (x1, y1, 0), (x0, y1, 0)]
            faces += [(n, n + 1, n + 2), (n, n + 2, n + 3)]
        self.mask.set_data(vertices=np.asarray(verts, float), faces=np.asarray(faces, np.uint32), color=MASK)
        corners = np.array([(x, y), (x + w, y), (x + w, y + h), (x, y + h)])
        frame = np.stack([corners, np.roll(corners, -1, axis=0)], axis=1).reshape(-1, 2)
        thirds = []
        for k in (1, 2):
            thirds += [(x + k * w / 3, y), (x + k * w / 3, y + h), (x, y + k * h / 3), (x + w, y + k * h / 3)]
        colours = np.array([FRAME_RGBA] * len(frame) + [THIRDS_RGBA] * len(thirds), np.float32)
        self.lines.set_data(pos=np.concatenate([frame, np.asarray(thirds, float)]), color=colours)

    def set_visible(self, visible: bool, bars_in_clear: bool = False) -> None:
        """``bars_in_clear``: nothing is drawn outside the frame (the picture fills it and the scene
        is hidden), so the canvas is cleared to the masked colour (``bars_colour``) and the mask is
        not drawn: on software GL blending those bars cost about a quarter of the frame."""
        for v in self.visuals:
            v.visible = visible
        self.mask.visible = visible and not bars_in_clear


def bars_colour(background) -> tuple[float, float, float, float]:
    """The mask blended over a plain background: what the bars show when nothing is behind them."""
    r, g, b = Color(background).rgb
    keep = 1.0 - MASK[3]
    return (r * keep + MASK[0] * MASK[3], g * keep + MASK[1] * MASK[3], b * keep + MASK[2] * MASK[3], 1.0)
