"""``shotline preview``: a project's camera-grid video as an MP4."""

from __future__ import annotations

from pathlib import Path

from engine import sequence
from engine.camera.path import CameraPath
from engine.errors import ShotlineError
from engine.grid.sequence import GridOptions, GridRenderer
from engine.interchange.mp4 import write_mp4
from engine.progress import Progress, report
from engine.project import Project


def write_preview(
    project: Project,
    out: str | Path,
    size: tuple[int, int] | None = None,
    shot: int | None = None,
    transition_frames: int = 2,
    progress: bool = False,
    cameras: list[CameraPath] | None = None,
    on_progress: Progress | None = None,
) -> int:
    """Write the camera-grid video; ``cameras`` are the sequence's evaluated paths if the caller has them.
    ``progress`` draws a terminal bar; ``on_progress(done, total)`` is the app's (it may raise Cancelled)."""
    if not project.shots:
        raise ShotlineError("the project has no shots to preview", project.name, "shots")
    size = size or project.frame_size()  # the delivery aspect, as the preview panel shows it
    paths = cameras if cameras is not None else sequence.shared.paths(project)
    if shot is not None:
        if not 1 <= shot <= len(paths):
            raise ShotlineError(f"shot {shot} does not exist (the project has {len(paths)})", "", "--shot")
        paths = [paths[shot - 1]]
    if transition_frames < 0:
        raise ShotlineError("must be zero or more", "", "--transition-frames")
    renderer = GridRenderer(paths, GridOptions(size=size, transition_frames=transition_frames))
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=renderer.frame_count, unit="frame", desc=f"preview {Path(out).name}")

    def on_frame(n: int) -> None:
        if bar is not None:
            bar.update(1)
        report(on_progress, n, renderer.frame_count)

    try:
        return write_mp4(renderer.frames(), out, project.fps, size, on_frame=on_frame)
    finally:
        if bar is not None:
            bar.close()
