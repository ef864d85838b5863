"""A whole sequence as camera-grid frames: one room for every shot, white frames at each cut."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

import numpy as np

from engine.camera.lens import focal_pixels
from engine.camera.path import CameraPath
from engine.errors import ShotlineError
from engine.grid.render import Fisheye, GridStyle, View, draw_segments, new_frame
from engine.grid.room import Room, RoomConfig, build_room, cube_segments

WHITE = (255, 255, 255)


@dataclass
class DollyZoomOverlay:
    """OmniDirector's dolly-zoom rendering for one shot: a cube at the subject, and a picture in
    picture from a tracking camera at the reference focal length with the lens's real field of view
    drawn as a frame scaled by f_ref / f.

    The cube faces the shot's first camera with its front face through the subject point: that face
    is what f proportional to distance holds still, so the cube keeps its image size (a cube centred
    on the subject would grow by its own depth's perspective)."""

    subject_point: np.ndarray
    cube_size: float = 0.6
    reference_focal_mm: float | None = None  # default: the shot's first focal length
    pip_scale: float = 0.3


@dataclass
class GridOptions:
    size: tuple[int, int] = (832, 480)
    transition_frames: int = 2
    style: GridStyle = field(default_factory=GridStyle)
    room: RoomConfig = field(default_factory=RoomConfig)
    fisheye: Fisheye | None = None
    dolly_zoom: dict[int, DollyZoomOverlay] = field(default_factory=dict)  # shot index -> overlay


def sequence_frame_count(paths: list[CameraPath], transition_frames: int) -> int:
    return sum(len(p) for p in paths) + transition_frames * max(len(paths) - 1, 0)


class GridRenderer:
    """Renders camera-grid frames for a list of shots that share one room."""

    def __init__(self, paths: list[CameraPath], options: GridOptions | None = None):
        if not paths:
            raise ShotlineError("nothing to render: no shots", "grid", "shots")
        for i, p in enumerate(paths):
            p.validate(f"shot {i + 1}" + (f" ({p.name})" if p.name else ""))
        self.paths = paths
        self.options = options or GridOptions()
        w, h = self.options.size
        if w < 2 or h < 2:
            raise ShotlineError(f"frame size {w}x{h} is too small", "grid", "size")
        self.room: Room = build_room(np.concatenate([p.positions for p in paths]), self.options.room)
        self.layers = [
            (self.room.floor, self.options.style.floor),
            (self.room.ceiling, self.options.style.ceiling),
            (self.room.walls, self.options.style.walls),
        ]

    @property
    def frame_count(self) -> int:
        return sequence_frame_count(self.paths, self.options.transition_frames)

    def view(self, shot: int, frame: int, width: int | None = None, height: int | None = None) -> View:
        path = self.paths[shot]
        w, h = width or self.options.size[0], height or self.options.size[1]
        f_px = float(focal_pixels(path.focal_mm[frame], path.film_back_mm, w))
        return View(path.c2w[frame], f_px, w, h, fisheye=self.options.fisheye)

    def render_frame(self, shot: int, frame: int) -> np.ndarray:
        w, h = self.options.size
        style = self.options.style
        image = new_frame(w, h, style.background)
        view = self.view(shot, frame)
        for segments, colour in self.layers:
            draw_segments(image, view.project_segments(segments), colour, style.thickness)
        overlay = self.options.dolly_zoom.get(shot)
        if overlay is not None:
            self._draw_dolly_zoom(image, view, shot, frame, overlay)
        return image

    def _draw_dolly_zoom(self, image, view: View, shot: int, frame: int, overlay: DollyZoomOverlay) -> None:
        from engine.camera.conventions import look_at_rotation

        style = self.options.style
        path = self.paths[shot]
        toward = np.asarray(overlay.subject_point, float) - path.positions[0]
        toward[1] = 0.0
        toward /= max(np.linalg.norm(toward), 1e-9)
        centre = np.asarray(overlay.subject_point, float) + toward * overlay.cube_size / 2
        cube = cube_segments(centre, overlay.cube_size, float(np.arctan2(toward[0], toward[2])))
        draw_segments(image, view.project_segments(cube), style.cube, style.thickness + 1)
        f_ref = overlay.reference_focal_mm or float(path.focal_mm[0])
        w, h = self.options.size
        pw, ph = int(w * overlay.pip_scale) & ~1, int(h * overlay.pip_scale) & ~1
        c2w = path.c2w[frame].copy()
        c2w[:3, :3] = look_at_rotation(c2w[:3, 3], overlay.subject_point).as_matrix()
        pip_view = View(c2w, float(focal_pixels(f_ref, path.film_back_mm, pw)), pw, ph)
        pip = new_frame(pw, ph, style.background)
        for segments, colour in self.layers:
            draw_segments(pip, pip_view.project_segments(segments), colour, 1)
        draw_segments(pip, pip_view.project_segments(cube), style.cube, 1)
        # The lens's real field of view inside the reference view: scaled by f_ref / f.
        s = f_ref / float(path.focal_mm[frame])
        fw, fh = pw * s / 2, ph * s / 2
        corners = np.array([[pw / 2 - fw, ph / 2 - fh], [pw / 2 + fw, ph / 2 - fh], [pw / 2 + fw, ph / 2 + fh], [pw / 2 - fw, ph / 2 + fh]])
        draw_segments(pip, np.stack([corners, np.roll(corners, -1, axis=0)], axis=1), style.frame, 1)
        pip[[0, -1], :] = WHITE
        pip[:, [0, -1]] = WHITE
        image[8 : 8 + ph, w - pw - 8 : w - 8] = pip

    def frames(self) -> Iterator[np.ndarray]:
        """Every frame of the sequence in order: shots, with white transition frames at the cuts."""
        w, h = self.options.size
        for s, path in enumerate(self.paths):
            if s > 0:
                for _ in range(self.options.transition_frames):
                    yield new_frame(w, h, WHITE)
            for f in range(len(path)):
                yield self.render_frame(s, f)
