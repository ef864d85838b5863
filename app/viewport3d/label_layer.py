"""Every name in the viewport — shots, subjects, the camera at the playhead — in one text visual,
laid out in canvas pixels so that no two overlap.

Layers hand their labels (text, the world point it names, a priority) to this layer; after every
view change it projects the points and places the labels in priority order: the camera at the
playhead first, then the selected shot, the subjects, the other shots. A label tries a few places
near its point (above, then stacked further up, then below); one that fits nowhere is left out, so
what is shown is always legible. One visual for all of them also keeps the frame cheap on software
GL, where a frame costs per visual (benchmarks/viewport.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from vispy import scene

from app.label_placement import Wanted, place
from app.viewport3d.view_math import ViewState

FONT_PT = 9
# Text metrics of vispy's bundled sans at FONT_PT on a 96-dpi canvas, measured from rendered
# pixels (tests/gui/test_viewport.py checks the drawn text stays inside these boxes).
CHAR_W_PX = 7.0
LINE_H_PX = 15.0
GAP_PX = 3.0
FRAME, SELECTED, SUBJECT, SHOT = 0, 1, 2, 3  # priorities, first placed first


@dataclass(frozen=True)
class Label:
    text: str
    anchor: tuple[float, float, float]  # the world point it names
    priority: int
    centred: bool = True  # centred over its point, or starting at it


@dataclass(frozen=True)
class Placed:
    label: Label
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in canvas pixels (y down)


def layout(labels: list[Label], state: ViewState, bounds: tuple[float, float, float, float] | None = None) -> list[Placed]:
    """Where each label goes (those that fit inside ``bounds``, x0, y0, x1, y1: the canvas unless
    given), in priority order; the rest are left out (``app/label_placement``'s rule)."""
    if not labels:
        return []
    ordered = sorted(labels, key=lambda lb: lb.priority)  # stable: a layer's own order within a priority
    pixels, in_front = state.project(np.array([lb.anchor for lb in ordered], float))
    visible = [(lb, float(x), float(y)) for lb, (x, y), front in zip(ordered, pixels, in_front) if front and np.isfinite(x) and np.isfinite(y)]
    wanted = [Wanted(x, y, CHAR_W_PX * len(lb.text), lb.centred) for lb, x, y in visible]
    where = bounds if bounds is not None else (0.0, 0.0, state.width, state.height)
    return [Placed(visible[i][0], box) for i, box in place(wanted, where, LINE_H_PX, GAP_PX)]


class LabelLayer:
    def __init__(self, view):
        # In the view's own pixel coordinates, like the look-through furniture.
        self.text = scene.visuals.Text("", color="white", font_size=FONT_PT, anchor_x="left", anchor_y="bottom", parent=view)
        self.text.set_gl_state("translucent", depth_test=False)
        self.text.order = 18
        self.groups: dict[str, list[Label]] = {}
        self.placed: list[Placed] = []
        self.visible = True
        self._shown: tuple | None = None
        self._asked: tuple | None = None

    def set(self, group: str, labels: list[Label]) -> None:
        self.groups[group] = labels

    def update(self, state: ViewState, bounds: tuple[float, float, float, float] | None = None) -> None:
        """Lay the labels out; ``bounds`` keeps them inside a part of the canvas (the look-through's
        picture, never its masked bars)."""
        labels = [lb for group in self.groups.values() for lb in group] if self.visible else []
        asked = (labels, state.matrix.tobytes(), state.width, state.height, bounds)
        if asked == self._asked:  # same labels seen the same way: the same layout
            return
        self._asked = asked
        self.placed = layout(labels, state, bounds)
        shown = tuple((p.label.text, p.box[0], p.box[1]) for p in self.placed)
        if shown == self._shown:  # text layout is slow: upload only what changed
            return
        self._shown = shown
        self.text.visible = bool(self.placed)
        if self.placed:
            texts = [p.label.text for p in self.placed]
            if texts != self.text.text:  # moved only: the glyphs stay, only their anchors go again
                self.text.text = texts
            # In these y-down pixels vispy's "bottom" anchor hangs the text below its point: give it
            # the box's top-left corner.
            self.text.pos = np.array([(p.box[0], p.box[1]) for p in self.placed], float)
