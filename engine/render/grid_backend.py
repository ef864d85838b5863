"""The ``grid`` backend: the camera-grid renderer behind the engine's protocol (instant, no model)."""

from __future__ import annotations

from typing import Iterator

import numpy as np

from engine.camera.path import CameraPath
from engine.grid.sequence import GridOptions, GridRenderer
from engine.render.backend import Backend, RenderContext
from engine.render.request import RenderRequest

PREVIEW_EVERY = 12  # frames between preview images in the progress events


def request_paths(request: RenderRequest) -> list[CameraPath]:
    return [CameraPath(s.c2w(), s.focal(), tuple(s.film_back_mm), request.fps, s.name, *s.focus()) for s in request.shots]


class GridBackend(Backend):
    name = "grid"
    independent_shots = True
    description = "camera-grid preview: the camera flying through a gridded room (instant)"

    def models(self) -> list[str]:
        return ["camera-grid"]

    def render(self, request: RenderRequest, ctx: RenderContext) -> Iterator[tuple[int, np.ndarray]]:
        renderer = GridRenderer(request_paths(request), GridOptions(size=(request.width, request.height), transition_frames=0))
        for index, shot in enumerate(request.shots):
            if not ctx.wants(index):
                continue  # rendered before the job was interrupted, or another farm worker's
            frames = np.empty((shot.frames, request.height, request.width, 3), np.uint8)
            for f in range(shot.frames):
                ctx.check()  # a step is a frame here
                frames[f] = renderer.render_frame(index, f)
                if f % PREVIEW_EVERY == 0 or f == shot.frames - 1:
                    ctx.progress(index, f + 1, shot.frames, frames[f])
            yield index, frames
