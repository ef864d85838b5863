"""A reference clip read with PyAV at a working size: RGB frames, frame rate, the file's own size."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from engine.errors import ShotlineError

WORKING_WIDTH = 480  # tracking is done at (at most) this width: 480p and smaller decode as they are


@dataclass
class Video:
    frames: np.ndarray  # (N,H,W,3) uint8 RGB at the working size
    fps: float
    source_size: tuple[int, int]  # width, height of the file
    start_frame: int  # index in the file of frames[0]
    path: Path


def read_video(path: str | Path, start_s: float | None = None, end_s: float | None = None, width: int = WORKING_WIDTH, progress=None) -> Video:
    """Decode ``path`` from ``start_s`` to ``end_s`` (seconds) at ``width`` pixels at most.

    Raises ShotlineError naming the file when it is not a video, is empty, or has one frame.
    ``progress(done, total)`` is called while decoding (total may be 0 when the file does not say).
    """
    import av

    path = Path(path)
    if not path.is_file():
        raise ShotlineError("no such file", path)
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise ShotlineError(f"not a video PyAV can read ({exc.__class__.__name__})", path) from None
    frames: list[np.ndarray] = []
    try:
        if not container.streams.video:
            raise ShotlineError("has no video stream", path)
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        fps = float(stream.average_rate or stream.base_rate or 0)
        codec = stream.codec_context.name or ""
        if codec in {"png", "mjpeg", "bmp", "tiff", "webp", "gif"} and (stream.frames or 0) <= 1:
            raise ShotlineError(f"is a still image ({codec}), not a video", path)
        total = int(stream.frames or 0)
        src_size = (stream.codec_context.width, stream.codec_context.height)
        first = None
        index = 0
        try:
            for frame in container.decode(stream):
                t = float(frame.time) if frame.time is not None else index / max(fps, 1e-9)
                index += 1
                if start_s is not None and t < start_s - 0.5 / max(fps, 1.0):
                    continue
                if end_s is not None and t >= end_s - 1e-9:
                    break
                if first is None:
                    first = index - 1
                w, h = frame.width, frame.height
                if w > width:  # keep the aspect; even sizes
                    h = int(round(h * width / w)) & ~1
                    w = width
                frames.append(frame.to_ndarray(format="rgb24", width=w, height=h) if (w, h) != (frame.width, frame.height) else frame.to_ndarray(format="rgb24"))
                if progress is not None:
                    progress(len(frames), total)
        except av.error.FFmpegError as exc:
            if not frames:
                raise ShotlineError(f"cannot decode ({exc.__class__.__name__})", path) from None
    finally:
        container.close()
    if not frames:
        raise ShotlineError("has no frames" + (" in the asked time range" if start_s or end_s else ""), path)
    if len(frames) < 2:
        raise ShotlineError("has one frame: a camera move needs at least two", path)
    if not fps or not np.isfinite(fps):
        fps = 24.0
    return Video(np.stack(frames), fps, src_size, first or 0, path)


def grey(frames: np.ndarray) -> np.ndarray:
    return np.stack([cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) for f in frames])
