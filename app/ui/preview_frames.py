"""What the preview player and the timeline thumbnails draw: the grey-box by default, the grid on request.

One small adapter so that both views ask the same question ("the frame of shot i at local frame f")
of either renderer. The grey-box needs an OpenGL context (EGL); where none can be made the views
fall back to the camera grid and ``reason`` says why, instead of failing.
(The grey-box draws in its own GL thread, ``engine.greybox.gl.run_gl``: the GUI thread never holds
an EGL context, which would crash Mesa when Qt makes the viewport's GLX one.)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.camera.path import CameraPath
from engine.errors import ShotlineError
from engine.grid.sequence import GridOptions, GridRenderer
from engine.project import Project


class PreviewFrames:
    def __init__(self, project: Project, paths: list[CameraPath], size: tuple[int, int], greybox: bool = True, base_dir: Path | None = None, shot_indices=None):
        self.paths = paths
        self.size = size
        self.reason: str | None = None
        self._greybox = None
        self._grid: GridRenderer | None = None
        if greybox:
            try:
                from engine.greybox.shots import GreyboxShots

                self._greybox = GreyboxShots(project, paths, size, shot_indices, base_dir)
            except ShotlineError as exc:  # no GL, or a subject's mesh that cannot be read
                self.reason = str(exc)

    @property
    def is_greybox(self) -> bool:
        return self._greybox is not None

    def render_frame(self, shot: int, frame: int) -> np.ndarray:
        if self._greybox is not None:
            try:
                return self._greybox.render_frame(shot, frame)["beauty"]
            except ShotlineError as exc:
                self.reason, self._greybox = str(exc), None
        if self._grid is None:
            self._grid = GridRenderer(self.paths, GridOptions(size=self.size, transition_frames=0))
        return self._grid.render_frame(shot, frame)
