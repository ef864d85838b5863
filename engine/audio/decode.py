"""Decode a sound file (WAV, MP3, FLAC, M4A/AAC, anything FFmpeg reads) to float PCM with PyAV."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.errors import ShotlineError

MAX_SECONDS = 4 * 3600.0  # a feature's worth: longer is a mistake, not a soundtrack


@dataclass
class Audio:
    """``samples`` (channels, n) float32 in [-1, 1] at ``rate`` Hz."""

    samples: np.ndarray
    rate: int
    source: str = ""

    @property
    def duration_s(self) -> float:
        return self.samples.shape[1] / self.rate

    @property
    def channels(self) -> int:
        return self.samples.shape[0]

    def mono(self) -> np.ndarray:
        return self.samples.mean(axis=0)


def decode_audio(path: str | Path, rate: int | None = None, channels: int | None = None) -> Audio:
    """Every sample of the file's first audio stream as float32, resampled to ``rate`` and mixed to
    ``channels`` when given (FFmpeg's resampler: the one the encoder side uses too).

    A missing, unreadable or corrupt file is one :class:`ShotlineError` naming the file."""
    import av

    path = Path(path)
    if not path.is_file():
        raise ShotlineError("no such sound file" if not path.exists() else "not a file", path)
    try:
        container = av.open(str(path))
    except (av.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise ShotlineError(f"not a sound file FFmpeg can read ({_why(exc)})", path) from None
    try:
        if not container.streams.audio:
            raise ShotlineError("has no audio stream", path)
        stream = container.streams.audio[0]
        out_rate = int(rate or stream.rate or 0)
        if out_rate <= 0:
            raise ShotlineError("the audio stream has no sample rate", path)
        layout = {1: "mono", 2: "stereo"}.get(channels or 0) if channels else None
        resampler = av.AudioResampler(format="fltp", layout=layout or stream.layout.name, rate=out_rate)
        chunks: list[np.ndarray] = []
        total = 0
        limit = int(MAX_SECONDS * out_rate)
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                chunk = out.to_ndarray()
                chunks.append(chunk)
                total += chunk.shape[1]
            if total > limit:
                raise ShotlineError(f"is longer than {MAX_SECONDS / 3600:g} hours", path)
        for out in resampler.resample(None):
            chunks.append(out.to_ndarray())
    except ShotlineError:
        raise
    except (av.FFmpegError, ValueError, OSError) as exc:
        raise ShotlineError(f"corrupt audio ({_why(exc)})", path) from None
    finally:
        container.close()
    if not chunks or sum(c.shape[1] for c in chunks) == 0:
        raise ShotlineError("has no audio samples (empty or corrupt)", path)
    samples = np.concatenate(chunks, axis=1).astype(np.float32, copy=False)
    if not np.isfinite(samples).all():
        raise ShotlineError("corrupt audio (samples that are not numbers)", path)
    return Audio(samples, out_rate, str(path))


def _why(exc: Exception) -> str:
    """FFmpeg's reason without its errno and the file name (the message names the file once)."""
    import re

    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    text = re.sub(r"^\[Errno -?\d+\]\s*", "", text)
    text = re.sub(r":\s*'[^']*'?$", "", text)
    return text[:120]
