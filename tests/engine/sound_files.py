"""Sound files for tests, written the way real ones are: WAV by the standard library, MP3 / FLAC /
M4A by FFmpeg's encoders through PyAV."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np


def click_track(bpm: float, seconds: float, rate: int = 44100, first_s: float = 0.0, channels: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(channels, n) float32 of a metronome (2 kHz blips, 15 ms, sharp attack) and the click times."""
    n = int(round(seconds * rate))
    y = np.zeros(n, np.float32)
    t = np.arange(int(0.015 * rate)) / rate
    blip = (0.8 * np.sin(2 * np.pi * 2000 * t) * np.exp(-t * 300)).astype(np.float32)
    times = np.arange(first_s, seconds - 0.02, 60.0 / bpm)
    for c in times:
        i = int(round(c * rate))
        y[i : i + blip.size] += blip[: n - i]
    return np.tile(y, (channels, 1)), times


def write_wav(path: Path, samples: np.ndarray, rate: int) -> Path:
    samples = np.atleast_2d(samples)
    pcm = (np.clip(samples.T, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(samples.shape[0])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path


def write_encoded(path: Path, samples: np.ndarray, rate: int, codec: str) -> Path:
    """Encode with PyAV: codec 'libmp3lame' (.mp3), 'flac' (.flac) or 'aac' (.m4a)."""
    import av

    samples = np.atleast_2d(samples).astype(np.float32)
    layout = "mono" if samples.shape[0] == 1 else "stereo"
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        fmt = stream.codec_context.codec.audio_formats[0].name
        frame_size = stream.codec_context.frame_size or 1024
        resampler = av.AudioResampler(format=fmt, layout=layout, rate=rate)
        for i in range(0, samples.shape[1], frame_size):
            chunk = np.ascontiguousarray(samples[:, i : i + frame_size])
            frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout=layout)
            frame.rate = rate
            frame.pts = i
            for f in resampler.resample(frame):
                for packet in stream.encode(f):
                    out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path
