"""``shotline preview --pass greybox|depth|normal|id|grid``: a project's grey-box passes as an MP4."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from engine.camera.path import CameraPath
from engine.errors import ShotlineError
from engine.greybox.passes import to_rgb
from engine.greybox.shots import GreyboxShots
from engine.interchange.mp4 import write_mp4
from engine.project import Project

# The command line's pass names: "greybox" is the beauty pass.
PREVIEW_PASSES = {"greybox": "beauty", "grid": "grid", "depth": "depth", "normal": "normal", "id": "id"}
WHITE = 255


def preview_frames(shots: GreyboxShots, pass_name: str, transition_frames: int) -> Iterator[np.ndarray]:
    w, h = shots.size
    for i, path in enumerate(shots.paths):
        if i > 0:
            for _ in range(transition_frames):
                yield np.full((h, w, 3), WHITE, np.uint8)
        for f in range(len(path)):
            yield to_rgb(pass_name, shots.render_frame(i, f, (pass_name,))[pass_name])


def write_greybox_preview(
    project: Project,
    paths: list[CameraPath],
    out: str | Path,
    pass_name: str = "greybox",
    size: tuple[int, int] = (832, 480),
    shot: int | None = None,
    transition_frames: int = 2,
    base_dir: str | Path | None = None,
    progress: bool = False,
    source: str = "project",
) -> int:
    """Write the MP4 of one pass; ``paths`` are every shot's cameras (the evaluated sequence)."""
    if pass_name not in PREVIEW_PASSES:
        raise ShotlineError(f"unknown pass {pass_name!r} (one of {', '.join(PREVIEW_PASSES)})", "", "--pass")
    if not project.shots:
        raise ShotlineError("the project has no shots to preview", source, "shots")
    indices = list(range(len(paths)))
    if shot is not None:
        if not 1 <= shot <= len(paths):
            raise ShotlineError(f"shot {shot} does not exist (the project has {len(paths)})", "", "--shot")
        indices = [shot - 1]
    if transition_frames < 0:
        raise ShotlineError("must be zero or more", "", "--transition-frames")
    shots = GreyboxShots(project, [paths[i] for i in indices], size, indices, base_dir, source)
    total = sum(len(paths[i]) for i in indices) + transition_frames * (len(indices) - 1)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="frame", desc=f"preview {Path(out).name}")
    try:
        frames = preview_frames(shots, PREVIEW_PASSES[pass_name], transition_frames)
        return write_mp4(frames, out, project.fps, size, on_frame=(lambda n: bar.update(1)) if bar else None)
    finally:
        if bar is not None:
            bar.close()
