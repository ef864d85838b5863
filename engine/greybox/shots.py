"""Grey-box frames of a project's shots through cameras evaluated elsewhere.

``GreyboxShots`` is given the shots' ``CameraPath`` s (from the evaluated sequence: it never
evaluates a camera itself) and the project for the set and its blocking; each frame's camera is
the grid renderer's ``View`` (focal length in pixels from the lens and the film back's width), so
grey-box and grid frames of one shot line up pixel for pixel. The ``grid`` pass is the camera-grid
room of those same cameras (``engine.grid``) drawn over the beauty pass. A camera that keys focus
(``CameraPath.focus_m``) gets depth of field on its beauty pass, from the depth pass
(``engine.greybox.depth_of_field``); ``depth_of_field=False`` draws every shot all sharp.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.camera.lens import focal_pixels
from engine.camera.path import CameraPath
from engine.errors import ShotlineError
from engine.greybox.blocking import SubjectTrack, shot_tracks
from engine.greybox.depth_of_field import apply_depth_of_field
from engine.greybox.renderer import PASSES, shared_renderer
from engine.greybox.scene import build_scene, id_legend
from engine.grid.render import View, draw_segments
from engine.grid.sequence import GridOptions, GridRenderer
from engine.project import Project

ALL_PASSES = PASSES + ("grid",)
GRID_ALPHA = 0.8


class GreyboxShots:
    """Renders frames of ``project.shots[shot_indices[i]]`` seen by ``paths[i]``."""

    def __init__(
        self,
        project: Project,
        paths: list[CameraPath],
        size: tuple[int, int],
        shot_indices: list[int] | None = None,
        base_dir: str | Path | None = None,
        source: str = "project",
        depth_of_field: bool = True,
    ):
        if not paths:
            raise ShotlineError("nothing to render: no shots", source, "shots")
        self.shot_indices = list(range(len(paths))) if shot_indices is None else list(shot_indices)
        if len(self.shot_indices) != len(paths):
            raise ValueError("one camera path per shot")
        for i, p in enumerate(paths):
            p.validate(f"shot {self.shot_indices[i] + 1}" + (f" ({p.name})" if p.name else ""))
        self.project = project
        self.paths = paths
        self.size = (int(size[0]), int(size[1]))
        self.base_dir = base_dir
        self.source = source
        self.renderer = shared_renderer(*self.size)
        self.legend = id_legend(project.subjects)
        self._tracks: dict[int, list[SubjectTrack]] = {}
        self._grid: GridRenderer | None = None
        self.depth_of_field = depth_of_field

    def tracks(self, i: int) -> list[SubjectTrack]:
        if i not in self._tracks:
            shot = self.project.shots[self.shot_indices[i]]
            self._tracks[i] = shot_tracks(self.project, shot, np.arange(len(self.paths[i])))
        return self._tracks[i]

    def view(self, i: int, frame: int) -> View:
        path = self.paths[i]
        w, h = self.size
        return View(path.c2w[frame], float(focal_pixels(path.focal_mm[frame], path.film_back_mm, w)), w, h)

    def render_frame(self, i: int, frame: int, passes=("beauty",)) -> dict[str, np.ndarray]:
        passes = tuple(passes)
        unknown = [p for p in passes if p not in ALL_PASSES]
        if unknown:
            raise ShotlineError(f"unknown pass {unknown[0]!r} (one of {', '.join(ALL_PASSES)})", self.source, "pass")
        gl_passes = tuple(dict.fromkeys("beauty" if p == "grid" else p for p in passes))
        path = self.paths[i]
        blur = self.depth_of_field and path.has_focus and "beauty" in gl_passes
        if blur:
            gl_passes = tuple(dict.fromkeys(gl_passes + ("depth",)))
        scene = build_scene(self.tracks(i), frame, self.base_dir, self.source)
        view = self.view(i, frame)
        out = self.renderer.render(scene, view, gl_passes)
        if blur:
            out["beauty"] = apply_depth_of_field(
                out["beauty"], out["depth"], float(path.focal_mm[frame]), float(path.t_stop[frame]), float(path.focus_m[frame]), path.film_back_mm[0]
            )
        if "grid" in passes:
            out["grid"] = self.grid_over(out["beauty"], i, frame)
        return {p: out[p] for p in passes}

    def grid_over(self, beauty: np.ndarray, i: int, frame: int) -> np.ndarray:
        """The camera-grid room lines of this sequence blended over a beauty frame."""
        if self._grid is None:
            self._grid = GridRenderer(self.paths, GridOptions(size=self.size, transition_frames=0))
        view = self._grid.view(i, frame)
        lines = beauty.copy()
        style = self._grid.options.style
        for segments, colour in self._grid.layers:
            draw_segments(lines, view.project_segments(segments), colour, style.thickness)
        return (beauty * (1 - GRID_ALPHA) + lines * GRID_ALPHA).round().astype(np.uint8)
