"""MP4 writing with PyAV: H.264, yuv420p, so every player opens it. Atomic like every writer."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterable

import cv2
import numpy as np

from engine.atomic import atomic_path


def fps_fraction(fps: float) -> Fraction:
    return Fraction(fps).limit_denominator(1001)


def write_mp4(
    frames: Iterable[np.ndarray],
    out: str | Path,
    fps: float,
    size: tuple[int, int],
    crf: int = 18,
    preset: str = "superfast",
    on_frame: Callable[[int], None] | None = None,
    threads: int = 0,
) -> int:
    """Encode RGB uint8 frames of ``size`` (width, height); returns the number written."""
    import av

    width, height = size
    count = 0
    with atomic_path(out) as tmp:
        with av.open(str(tmp), mode="w", format="mp4") as container:
            stream = container.add_stream("libx264", rate=fps_fraction(fps))
            stream.width, stream.height = width, height
            stream.pix_fmt = "yuv420p"
            stream.options = {"crf": str(crf), "preset": preset, "threads": str(threads)}  # 0: x264 decides
            for frame in frames:
                # OpenCV's RGB->I420 (BT.601, video range, like swscale's default) is ~1.5x faster.
                vf = av.VideoFrame.from_ndarray(cv2.cvtColor(np.ascontiguousarray(frame), cv2.COLOR_RGB2YUV_I420), format="yuv420p")
                for packet in stream.encode(vf):
                    container.mux(packet)
                count += 1
                if on_frame is not None:
                    on_frame(count)
            for packet in stream.encode():
                container.mux(packet)
    return count


def read_mp4(path: str | Path) -> tuple[np.ndarray, float]:
    """All frames (N,H,W,3) RGB and the frame rate: for tests and analysis of short clips."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
        rate = float(stream.average_rate or stream.base_rate or 0)
    return np.stack(frames), rate
