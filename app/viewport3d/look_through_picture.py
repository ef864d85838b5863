"""The look-through's picture: the grey-box frame of the shot camera at the playhead (the set, posed
people, lit clay), or the camera-grid room when the grid is toggled on — what the preview player and
the timeline thumbnails show, so the viewport's monitor agrees with them.

The picture is rendered at the delivery frame's size in canvas pixels, with the focal length in
pixels of that frame's width (``engine.grid.render.View``, the same numbers ``look_through_view``
gives the vispy camera), and shown as an image filling the frame (with depth of field when the camera
keys focus, as the preview has it, once the gesture ends): the set drawn by the viewport's
own layers and the picture line up. While a gesture runs (a pilot drag, a take, a subject drag) it is
rendered at ``DRAFT_SCALE`` of that size and stretched, so a frame stays quick on software GL; on
release the viewport asks again at full size. Where no GL context can be made (or a subject's mesh
cannot be read) it falls back to the camera grid and ``reason`` says why.

The subjects' tracks (blocking, gait, the mannequin for every frame) are kept while the set and the
shot's subject keys hold, so moving a camera key renders without posing anyone again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
from vispy.visuals.transforms import STTransform

from app.viewport3d.picture_quad import PictureQuad

from engine.camera.lens import focal_pixels
from engine.camera.path import CameraPath
from engine.errors import ShotlineError
from engine.grid.render import View
from engine.grid.sequence import GridOptions, GridRenderer
from engine.project import Project

DRAFT_SCALE = 0.5
ORDER = 10  # above the set's own visuals, under the look-through furniture (order 20)


class LookThroughPicture:
    def __init__(self, parent):
        self.image = PictureQuad(parent=parent)  # a plain textured quad: the cheapest full-frame draw on software GL
        self.image.transform = STTransform()
        self.image.order = ORDER
        self.image.visible = False
        self.grid = False  # the camera-grid room instead of the grey-box
        self.reason: str | None = None  # why the grey-box is not shown, when it cannot be
        self.size: tuple[int, int] | None = None  # the last picture's pixels (draft or full)
        self._tracks_key = None
        self._tracks = None
        self._grid_key = None
        self._grid: GridRenderer | None = None

    @property
    def visible(self) -> bool:
        return bool(self.image.visible)

    def hide(self) -> None:
        self.image.visible = False

    def show(self, project: Project, path: CameraPath, cameras: Callable[[], list[CameraPath]], shot: int, frame: int,
             c2w: np.ndarray, focal_mm: float, rect: tuple[float, float, float, float], draft: bool,
             base_dir: Path | None = None) -> np.ndarray:  # fmt: skip
        """Render shot ``shot`` (its camera ``path``) at ``frame`` seen by ``c2w``/``focal_mm`` (the
        keyed camera or a live take's) into ``rect`` (x, y, w, h canvas pixels); returns the picture.
        ``cameras()`` gives every shot's camera, asked for only by the camera grid (each read of
        the evaluated sequence checks that shot's inputs: a pilot step need not pay for all)."""
        x, y, w, h = rect
        scale = DRAFT_SCALE if draft else 1.0
        pw, ph = max(int(round(w * scale)), 2), max(int(round(h * scale)), 2)
        view = View(np.asarray(c2w, float), float(focal_pixels(focal_mm, path.film_back_mm, pw)), pw, ph)
        focus = None  # depth of field on the settled frame of a camera that keys focus (a draft stays sharp: quick)
        if not draft and path.has_focus and 0 <= frame < len(path):
            focus = (float(focal_mm), float(path.t_stop[frame]), float(path.focus_m[frame]), float(path.film_back_mm[0]))
        picture = None if self.grid else self._greybox(project, shot, frame, view, base_dir, focus)
        if picture is None:
            picture = self._camera_grid(cameras(), view)
        self.image.set_data(picture)
        # Pixel (i, j) of the picture covers canvas [x + i * w / pw, ...): the unit quad stretched onto the frame.
        if (self.image.transform.scale[:2] != (w, h)).any() or (self.image.transform.translate[:2] != (x, y)).any():
            self.image.transform.scale = (w, h, 1.0)
            self.image.transform.translate = (x, y, 0.0)
        self.image.visible = True
        self.size = (pw, ph)
        return picture

    def _tracks_for(self, project: Project, shot: int):
        from engine.greybox.blocking import shot_tracks

        s = project.shots[shot]
        key = (project.subjects, s.subject_keys, s.duration, project.fps)
        if self._tracks_key != key:
            self._tracks = shot_tracks(project, s)
            self._tracks_key = key
        return self._tracks

    def _greybox(self, project: Project, shot: int, frame: int, view: View, base_dir, focus=None) -> np.ndarray | None:
        try:
            from engine.greybox.renderer import shared_renderer
            from engine.greybox.scene import build_scene

            tracks = self._tracks_for(project, shot)
            scene_now = build_scene(tracks, min(frame, project.shots[shot].duration - 1), base_dir)
            passes = ("beauty", "depth") if focus else ("beauty",)
            out = shared_renderer(view.width, view.height).render(scene_now, view, passes)
            picture = out["beauty"]
            if focus:
                from engine.greybox.depth_of_field import apply_depth_of_field

                picture = apply_depth_of_field(picture, out["depth"], *focus)
        except ShotlineError as exc:  # no GL, or a mesh that cannot be read: the grid, and why
            self.reason = str(exc)
            return None
        self.reason = None
        return picture

    def _camera_grid(self, paths: list[CameraPath], view: View) -> np.ndarray:
        from engine.grid.render import draw_segments, new_frame

        key = (tuple(id(p) for p in paths), view.width, view.height)
        if self._grid_key != key:
            self._grid = GridRenderer(paths, GridOptions(size=(view.width, view.height), transition_frames=0))
            self._grid_key = key
        style = self._grid.options.style
        image = new_frame(view.width, view.height, style.background)
        for segments, colour in self._grid.layers:
            draw_segments(image, view.project_segments(segments), colour, style.thickness)
        return image

