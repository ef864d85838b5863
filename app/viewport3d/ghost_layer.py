"""A planner proposal's paths drawn dashed and faint until the director accepts it."""

from __future__ import annotations

import numpy as np
from vispy import scene

from app.palette import rgba, shot_colour
from app.viewport3d.geometry import dashed


class GhostLayer:
    def __init__(self, parent):
        self.lines = scene.visuals.Line(parent=parent, width=2, connect="segments")
        self.lines.set_gl_state("translucent", depth_test=True)
        self.lines.visible = False
        self.paths: list[np.ndarray] = []

    def show(self, paths: list[np.ndarray]) -> None:
        """Positions (N,3) per proposed shot; an empty list hides the ghosts."""
        self.paths = [np.asarray(p, float) for p in paths if len(p) > 1]
        if not self.paths:
            self.lines.visible = False
            return
        segs, colours = [], []
        for i, p in enumerate(self.paths):
            s = dashed(p)
            segs.append(s.reshape(-1, 3))
            colours += [rgba(shot_colour(i), 0.45)] * (2 * len(s))
        self.lines.set_data(pos=np.concatenate(segs), color=np.asarray(colours))
        self.lines.visible = True
