"""An audio track in sequence time: where its beats fall in the sequence, and its mixed samples."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.audio.beats import analyse_file
from engine.audio.decode import decode_audio
from engine.project import AudioTrack, Project


def track_window(track: AudioTrack, file_duration_s: float) -> tuple[float, float]:
    """The (start, end) of the trimmed sound in the file's own time."""
    end = file_duration_s if track.trim_end_s is None else min(track.trim_end_s, file_duration_s)
    return track.trim_start_s, max(end, track.trim_start_s)


def to_sequence_time(track: AudioTrack, file_times: np.ndarray, file_duration_s: float) -> np.ndarray:
    """File times inside the trim, shifted to where they play in the sequence (0 = first frame)."""
    a, b = track_window(track, file_duration_s)
    t = np.asarray(file_times, float)
    t = t[(t >= a) & (t < b)]
    return track.offset_s + (t - a)


def sequence_beats(project: Project, base_dir: str | Path | None = None, kind: str = "beats") -> np.ndarray:
    """Sorted beat (or onset) times in seconds of the sequence, from every unmuted track."""
    out = []
    for track in project.audio:
        if track.mute:
            continue
        analysis = analyse_file(track.resolve(base_dir))
        times = analysis.beats if kind == "beats" else analysis.onsets
        out.append(to_sequence_time(track, times, analysis.duration_s))
    return np.unique(np.concatenate(out)) if out else np.zeros(0)


def mix(project: Project, base_dir: str | Path | None, rate: int, seconds: float, channels: int = 2) -> np.ndarray:
    """(channels, n) float32 of every unmuted track placed, trimmed and gained for ``seconds`` of
    sequence; silence where no track plays. Loud sums are clipped at +-1 (what an encoder would do)."""
    n = int(round(seconds * rate))
    out = np.zeros((channels, n), np.float32)
    for track in project.audio:
        if track.mute:
            continue
        audio = decode_audio(track.resolve(base_dir), rate=rate)
        if audio.channels == 1:  # mono plays at full level on every channel (FFmpeg's upmix is -3 dB)
            audio.samples = np.repeat(audio.samples, channels, axis=0)
        elif audio.channels != channels:
            audio = decode_audio(track.resolve(base_dir), rate=rate, channels=channels)
        a, b = track_window(track, audio.duration_s)
        src = audio.samples[:, int(round(a * rate)) : int(round(b * rate))]
        start = int(round(track.offset_s * rate))
        if start < 0:
            src, start = src[:, -start:], 0
        stop = min(n, start + src.shape[1])
        if stop > start:
            out[:, start:stop] += src[:, : stop - start] * np.float32(10 ** (track.gain_db / 20))
    return np.clip(out, -1.0, 1.0)
