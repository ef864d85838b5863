"""The patent's 35 audio features per video frame (seed 003, S1), with librosa.

Per frame: 1 envelope (RMS, scaled to the clip's loudest frame), 20 MFCCs (standardised over the
clip), 12 chroma, 1 beat peak (onset strength, scaled to its peak) and 1 beat marker (1 on the frame
nearest each beat that ``engine.audio.beats`` finds, else 0). librosa works on 512-sample hops at
22.05 kHz; the features are read at each frame's time.
"""

from __future__ import annotations

import numpy as np

from engine.audio.beats import ANALYSIS_RATE, analyse
from engine.audio.decode import Audio

AUDIO_FEATURES = 35
HOP = 512


def frame_features(samples: np.ndarray, rate: int, fps: float, frames: int) -> tuple[np.ndarray, np.ndarray]:
    """(frames, 35) features of mono ``samples`` from the first frame, and the beat times (s).

    Frames past the end of the sound are zero (the patent pads segments with zeros)."""
    import librosa

    y = np.asarray(samples, np.float32)
    if rate != ANALYSIS_RATE:
        y = librosa.resample(y, orig_sr=rate, target_sr=ANALYSIS_RATE)
    sr = ANALYSIS_RATE
    out = np.zeros((frames, AUDIO_FEATURES), np.float32)
    if len(y) < 2048 or not np.any(y):
        return out, np.zeros(0)
    rms = librosa.feature.rms(y=y, hop_length=HOP)[0]
    mfcc = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=20, hop_length=HOP)
    chroma = librosa.feature.chroma_stft(y=y, sr=sr, hop_length=HOP)
    onset = librosa.onset.onset_strength(y=y, sr=sr, hop_length=HOP)
    n = min(len(rms), mfcc.shape[1], chroma.shape[1], len(onset))
    mfcc = (mfcc[:, :n] - mfcc[:, :n].mean(axis=1, keepdims=True)) / (mfcc[:, :n].std(axis=1, keepdims=True) + 1e-6)
    table = np.concatenate(
        [(rms[:n] / max(rms[:n].max(), 1e-9))[None], mfcc, chroma[:, :n], (onset[:n] / max(onset[:n].max(), 1e-9))[None]], axis=0
    )  # (34, n)
    times = np.arange(frames) / fps
    inside = times <= len(y) / sr
    idx = np.clip(np.round(times * sr / HOP).astype(int), 0, n - 1)
    out[:, :34] = table[:, idx].T * inside[:, None]
    beats = analyse(Audio(y[None], sr)).beats
    marks = np.round(beats * fps).astype(int)
    marks = marks[(marks >= 0) & (marks < frames)]
    out[marks, 34] = 1.0
    return out, beats
