"""The ``greybox`` backend: the set and its people rasterised through every shot's camera (instant).

The cameras are the request's poses and lenses; the set is the request's ``subjects`` and each
shot's ``subject_keys`` (blocking only: nothing here evaluates a camera). Besides the beauty frames
it yields (the MP4s), the passes the request names are written beside them as 16-bit PNG sequences
or .npz (``engine.greybox.passes``), for depth- and segmentation-control workflows.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from engine.render.backend import Backend, RenderContext
from engine.render.grid_backend import PREVIEW_EVERY, request_paths


class GreyboxBackend(Backend):
    name = "greybox"
    independent_shots = True
    description = "grey-box previz: the set, posed people and set pieces through each lens (instant; depth, normal and id passes)"

    def __init__(self):
        self._not_ready: str | None | bool = False  # False: not asked yet

    def models(self) -> list[str]:
        return ["clay"]

    def not_ready(self) -> str | None:
        if self._not_ready is False:
            from engine.greybox.gl import gl_available

            self._not_ready = gl_available()
        return self._not_ready  # type: ignore[return-value]

    def render(self, request, ctx: RenderContext) -> Iterator[tuple[int, np.ndarray]]:
        from engine.greybox.passes import write_pass_frames
        from engine.greybox.shots import GreyboxShots

        project = request.blocking()
        shots = GreyboxShots(project, request_paths(request), (request.width, request.height), base_dir=request.base_dir, source="request")
        extra = tuple(p for p in request.passes if p != "beauty")
        for index, shot in enumerate(request.shots):
            if not ctx.wants(index):
                continue  # rendered before the job was interrupted, or another farm worker's
            frames = np.empty((shot.frames, request.height, request.width, 3), np.uint8)
            kept: dict[str, list[np.ndarray]] = {p: [] for p in request.passes}
            for f in range(shot.frames):
                ctx.check()  # a step is a frame here
                out = shots.render_frame(index, f, ("beauty",) + extra)
                frames[f] = out["beauty"]
                for p in request.passes:
                    kept[p].append(out[p])
                if f % PREVIEW_EVERY == 0 or f == shot.frames - 1:
                    ctx.progress(index, f + 1, shot.frames, frames[f])
            if request.passes and ctx.output_dir is not None:
                for p, seq in kept.items():
                    for name in write_pass_frames(ctx.output_dir, f"shot_{index + 1:02d}", p, seq, request.pass_format, shots.legend):
                        if ctx.on_file is not None:
                            ctx.on_file(name)
            yield index, frames
