"""Synthetic music with known beats and a known energy curve, for the planner's audio-paired data.

A kick (a decaying 55-80 Hz sine with a click of noise on its attack) on every beat, a quiet tick of noise on off-beats, and a pad of three
sine partials changing chord every bar; every bar has a loudness (quiet verse, loud chorus, ramps)
that scales all of it. Seeds below ``TEST_SEEDS`` are for training; the benchmark's music is drawn
from seeds at and above it (and a different tempo range), so it is music the model never heard.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RATE = 22050
TEST_SEEDS = 1_000_000
CHORDS = ([0, 4, 7], [5, 9, 12], [7, 11, 14], [-3, 0, 4], [2, 5, 9])


@dataclass
class Music:
    samples: np.ndarray  # mono float32
    rate: int
    beats: np.ndarray  # seconds, the kicks as written
    energy: np.ndarray  # per beat interval: the bar's loudness in [0, 1]
    bpm: float

    def energy_at(self, times: np.ndarray) -> np.ndarray:
        """The loudness of the bar playing at each time (the last bar's after the end)."""
        spb = 60.0 / self.bpm
        i = np.clip(np.floor((np.asarray(times) - self.beats[0]) / spb).astype(int), 0, len(self.energy) - 1)
        return np.where(np.asarray(times) < self.beats[0], self.energy[0], self.energy[i])


def synth_music(seconds: float, seed: int, bpm_range=(80.0, 150.0)) -> Music:
    rng = np.random.default_rng(seed)
    bpm = float(rng.uniform(*bpm_range))
    spb = 60.0 / bpm
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    first = float(rng.uniform(0.05, spb))
    beats = np.arange(first, seconds, spb)
    bars = int(np.ceil(len(beats) / 4)) + 1
    style = rng.integers(0, 3)
    if style == 0:  # sections
        bar_energy = rng.choice([0.25, 0.5, 1.0], size=bars)
    elif style == 1:  # a ramp up or down
        bar_energy = np.linspace(*(rng.permutation([0.2, 1.0])), bars)
    else:
        bar_energy = np.clip(rng.uniform(0.2, 1.0, bars), 0.2, 1.0)
    energy = np.repeat(bar_energy, 4)[: len(beats)]
    y = np.zeros(n, np.float32)
    kick_len = int(0.15 * RATE)
    kt = np.arange(kick_len) / RATE
    kick = np.sin(2 * np.pi * rng.uniform(55, 80) * kt) * np.exp(-kt * 30.0)
    kick[: int(0.01 * RATE)] += 0.6 * rng.standard_normal(int(0.01 * RATE)) * np.exp(-np.arange(int(0.01 * RATE)) / (0.002 * RATE))
    for b, e in zip(beats, energy):
        i = int(b * RATE)
        m = min(kick_len, n - i)
        y[i : i + m] += (0.8 * e * kick[:m]).astype(np.float32)
        off = int((b + spb / 2) * RATE)
        if rng.random() < 0.7 and off < n:
            ml = min(int(0.02 * RATE), n - off)
            y[off : off + ml] += (0.04 * e * rng.standard_normal(ml) * np.exp(-np.arange(ml) / (0.004 * RATE))).astype(np.float32)
    root = 220.0 * 2 ** (rng.integers(-5, 5) / 12)
    bar_len = 4 * spb
    for k in range(bars):
        a, b = int(k * bar_len * RATE), min(int((k + 1) * bar_len * RATE), n)
        if a >= n:
            break
        chord = CHORDS[rng.integers(len(CHORDS))]
        seg = t[a:b]
        pad = sum(np.sin(2 * np.pi * root * 2 ** (s / 12) * seg) for s in chord) / 3.0
        y[a:b] += (0.12 * bar_energy[k] * pad).astype(np.float32)
    return Music(np.clip(y, -1, 1), RATE, beats, energy, bpm)
