"""Beats, onsets and tempo of a sound, with librosa; each placed to a few milliseconds.

librosa finds onsets on a spectral-flux envelope (hop 256 at 22.05 kHz: 11.6 ms frames, windows of
93 ms) and tracks the beat on it; both land up to a frame or two from the real attack. Each onset
is then walked back to the energy minimum just before it on a 1.5 ms RMS envelope
(``librosa.onset.onset_backtrack``), and every beat takes the refined onset nearest to it, so a
120 BPM click comes out at 0.5 s +- 3 ms instead of +- 20 ms.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.audio.decode import Audio, decode_audio

ANALYSIS_RATE = 22050
HOP = 256
FINE_HOP = 32
SNAP_WINDOW_S = 0.06  # a beat further than this from any onset keeps librosa's time


@dataclass(frozen=True)
class BeatAnalysis:
    """Times in seconds from the start of the file."""

    tempo_bpm: float
    beats: np.ndarray
    onsets: np.ndarray
    duration_s: float


def analyse(audio: Audio) -> BeatAnalysis:
    import librosa

    y = audio.mono()
    if audio.rate != ANALYSIS_RATE:
        y = librosa.resample(y, orig_sr=audio.rate, target_sr=ANALYSIS_RATE)
    sr = ANALYSIS_RATE
    duration = len(y) / sr
    if len(y) < 2048 or not np.any(y):
        return BeatAnalysis(0.0, np.zeros(0), np.zeros(0), duration)
    envelope = librosa.onset.onset_strength(y=y, sr=sr, hop_length=HOP)
    tempo, beat_times = librosa.beat.beat_track(onset_envelope=envelope, sr=sr, hop_length=HOP, units="time")
    onset_times = librosa.onset.onset_detect(onset_envelope=envelope, sr=sr, hop_length=HOP, units="time")
    onsets = _refine(y, sr, np.asarray(onset_times, float))
    beats = np.asarray(beat_times, float)
    if onsets.size and beats.size:
        nearest = onsets[np.abs(onsets[None, :] - beats[:, None]).argmin(axis=1)]
        beats = np.where(np.abs(nearest - beats) <= SNAP_WINDOW_S, nearest, beats)
        beats = np.unique(beats)
    return BeatAnalysis(float(np.atleast_1d(tempo)[0]), beats, onsets, duration)


def _refine(y: np.ndarray, sr: int, onsets: np.ndarray) -> np.ndarray:
    import librosa

    if onsets.size == 0:
        return onsets
    energy = librosa.feature.rms(y=y, frame_length=2 * FINE_HOP, hop_length=FINE_HOP, center=True)[0]
    events = np.clip(np.round(onsets * sr / FINE_HOP).astype(int), 0, len(energy) - 1)
    back = librosa.onset.onset_backtrack(events, energy)
    # Backtracking walks to the preceding minimum; a busy mix can have it far back: keep it close.
    refined = np.where(np.abs(back - events) * FINE_HOP / sr <= SNAP_WINDOW_S, back, events)
    return np.unique(refined * FINE_HOP / sr)


@functools.lru_cache(maxsize=16)
def _analyse_file(path: str, mtime_ns: int, size: int) -> BeatAnalysis:
    return analyse(decode_audio(path, rate=ANALYSIS_RATE, channels=1))


def analyse_file(path: str | Path) -> BeatAnalysis:
    """Analysis of a sound file, remembered while the file is unchanged (a song takes seconds)."""
    from engine.errors import ShotlineError

    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        raise ShotlineError("no such sound file", p) from None
    return _analyse_file(str(p), st.st_mtime_ns, st.st_size)
