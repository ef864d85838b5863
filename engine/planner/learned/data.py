"""Text-trajectory pairs for the learned planner, made here: presets x phrasings x sets x speeds.

Each example is a shot in a random set of one to three people: a start framing placed by the rules
planner's cinematography (:func:`engine.planner.place.place`: a size and angle on the first
subject), one move preset of :mod:`engine.camera.moves` (or two in order, "X, then Y", over a
two-segment shot) at a slow, normal or fast speed, the words a director might use for it
(:mod:`engine.planner.learned.phrasings`; some single shots only frame someone, "Close-up of
Mara.", and hold still), and its per-frame cameras from the one evaluator.

Audio-paired examples put synthetic music (:mod:`engine.planner.learned.music`) under the shot:
the camera holds until the first beat after a short hold, then moves with a speed that follows the loudness of the bar
playing. Seeds decide everything, so a data set is the same on every machine; the test split uses
other seeds, held-out phrasings and templates, and music the training never heard.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.camera.moves import Framing, MoveContext, apply_move, framing_at
from engine.camera.path import CameraPath
from engine.planner.learned import phrasings
from engine.planner.learned.audio import frame_features
from engine.planner.learned.music import TEST_SEEDS, synth_music
from engine.planner.learned.state import layout_features, reference_scale, resample, to_state
from engine.planner.place import Scene, place
from engine.project import Project, Shot, Subject
from engine.sequence import EvaluatedSequence
from models.planner import OVERLAP_FRAMES, SEGMENT_FRAMES

MIN_HOLD_FRAMES = 4  # a music-paired move holds at least this long before its first beat
BARE_SHARE = 0.12  # single shots whose words only frame someone (static): a common way to write a shot

FPS = 24.0
FILM_BACK = Project().film_back_mm()
STRIDE = SEGMENT_FRAMES - OVERLAP_FRAMES
NAMES = ["Mara", "Jonas", "Ada", "Theo", "Lena", "Sam", "Iris", "Noah", "Vera", "Omar"]
MOVES = list(phrasings.PHRASES)  # every preset but follow (a walking subject is not a camera move)
# Speeds in the units the motion labels measure (subject distances, degrees, ln focal per second).
RATES = {
    "translation": {"slow": 0.1, "normal": 0.25, "fast": 0.6},
    "rotation": {"slow": 8.0, "normal": 20.0, "fast": 50.0},
    "orbit": {"slow": 8.0, "normal": 20.0, "fast": 45.0},
    "zoom": {"slow": 0.1, "normal": 0.25, "fast": 0.6},
}
JITTER = (0.8, 1.25)  # each move's speed is its rate times a draw from this range
MUSIC_POOL = 96  # clips per split; each is reused under many moves
TEST_SEED_OFFSET = 50_000_000


@dataclass
class Example:
    text: str
    moves: list[str]  # requested moves in order (the labels F1 scores against)
    c2w: np.ndarray  # (N,4,4) world cameras
    focal_mm: np.ndarray  # (N,)
    subjects: list[Subject]
    primary: str
    audio: np.ndarray | None  # (N,35) features, None without music
    beats: np.ndarray  # beat times (s) of the music as written, empty without
    music_seed: int = -1

    @property
    def frames(self) -> int:
        return len(self.c2w)

    @property
    def scale(self) -> float:
        return reference_scale(self.c2w[0], self.subject)

    @property
    def subject(self) -> Subject:
        return next(s for s in self.subjects if s.name == self.primary)

    def path(self) -> CameraPath:
        return CameraPath(self.c2w, self.focal_mm, FILM_BACK, FPS)


def segment_count(frames: int) -> int:
    """Segments of 81 frames overlapping by 9 that cover ``frames``."""
    return max(1, int(np.ceil((frames - OVERLAP_FRAMES) / STRIDE)))


def random_set(rng: np.random.Generator) -> list[Subject]:
    count = int(rng.integers(1, 4))
    names = list(rng.choice(NAMES, size=count, replace=False))
    subjects = []
    for i, name in enumerate(names):
        pos = (0.0, 0.0, 0.0) if i == 0 else (float(rng.uniform(-2.5, 2.5)), 0.0, float(rng.uniform(-2.5, 2.5)))
        subjects.append(Subject(name=str(name), position=pos, height=float(rng.uniform(1.55, 1.9)), facing=float(rng.uniform(-180, 180))))
    return subjects


def amount(move: str, speed: str, seconds: float, distance: float, rng: np.random.Generator) -> float:
    jitter = float(rng.uniform(*JITTER))
    kind = move.split("_")[0]
    if kind in ("push", "pull", "truck", "pedestal", "crane"):
        a = RATES["translation"][speed] * distance * seconds * jitter
        return min(a, 0.6 * distance) if kind in ("push", "crane") else a
    if kind == "arc":
        return min(RATES["orbit"][speed] * seconds * jitter, 270.0)
    if kind in ("pan", "tilt", "roll"):
        cap = {"pan": 200.0, "tilt": 60.0, "roll": 40.0}[kind]
        return min(RATES["rotation"][speed] * seconds * jitter, cap)
    if kind == "zoom":
        return float(min(np.exp(RATES["zoom"][speed] * seconds * jitter), 4.0))
    if kind == "dolly":
        r = RATES["zoom"][speed] * seconds * jitter
        return float(min(1.0 - np.exp(-r), 0.6) if move.endswith("in") else min(np.exp(r) - 1.0, 1.5))
    return 0.0


def move_path(project: Project, seq: EvaluatedSequence, start: Framing, subject: Subject, move: str, frames: int,
              speed: str, easing: str, rng: np.random.Generator) -> CameraPath:  # fmt: skip
    ctx = MoveContext(start, frames, FPS, subject, easing)
    params = {} if move == "static" else {"amount": amount(move, speed, (frames - 1) / FPS, reference_scale(_c2w(start), subject), rng)}
    camera = apply_move(move, ctx, **params)
    shot = camera.apply_to(Shot(id="example", name="example", duration=frames, keys=camera.keys))
    return seq.shot(project, shot)


def _c2w(f: Framing) -> np.ndarray:
    m = np.eye(4)
    m[:3, :3] = f.rotation.as_matrix()
    m[:3, 3] = f.position
    return m


def _music(seed: int, test: bool, seconds: float):
    """A clip of the split's pool and its 35-d features (features computed once per clip)."""
    key = (seed, test)
    if key not in _MUSIC_MEMO:
        m = synth_music(seconds, seed, (70.0, 160.0) if test else (80.0, 150.0))
        feats, _ = frame_features(m.samples, m.rate, FPS, int(seconds * FPS))
        _MUSIC_MEMO[key] = (m, feats)
    return _MUSIC_MEMO[key]


_MUSIC_MEMO: dict = {}
MUSIC_SECONDS = 7.0


def make_example(seed: int, test: bool = False, kind: str | None = None, seq: EvaluatedSequence | None = None) -> Example:
    """The example of ``seed`` (``kind``: single, compound or music; drawn when None)."""
    rng = np.random.default_rng([seed + (TEST_SEED_OFFSET if test else 0), int(test)])
    seq = seq or EvaluatedSequence()
    subjects = random_set(rng)
    primary = subjects[0]
    project = Project(fps=FPS, subjects=subjects)
    size = str(rng.choice(list(phrasings.SIZE_WORDS)))
    angle = str(rng.choice(["", "", "", "high", "low"]))
    angles = [angle] if angle else []
    start = place(Scene(subjects), primary, size, angles, FILM_BACK[1], azimuth_jitter_deg=float(rng.uniform(-25, 25))).framing
    kind = kind or str(rng.choice(["single", "compound", "music"], p=[0.5, 0.2, 0.3]))
    speed = str(rng.choice(["slow", "normal", "fast"]))
    if kind == "compound":
        first, second = (str(m) for m in rng.choice([m for m in MOVES if m != "static"], size=2, replace=False))
        frames = int(rng.integers(140, 2 * STRIDE + OVERLAP_FRAMES + 1))
        half = frames // 2
        a = move_path(project, seq, start, primary, first, half + 1, speed, "ease", rng)
        b = move_path(project, seq, framing_at(a, half), primary, second, frames - half, speed, "ease", rng)
        c2w = np.concatenate([a.c2w[:half], b.c2w])
        focal = np.concatenate([a.focal_mm[:half], b.focal_mm])
        speed2 = str(rng.choice(["slow", "normal", "fast"]))
        text = phrasings.compound(
            phrasings.phrase(first, speed, size, primary.name, rng, test), phrasings.phrase(second, speed2, size, primary.name, rng, test)
        )
        text = phrasings.with_still_words(text, primary.name, angle, rng, test)
        return Example(text, [first, second], c2w, focal, subjects, primary.name, None, np.zeros(0))
    move = str(rng.choice(MOVES))
    if kind == "music":
        pool_seed = int(rng.integers(MUSIC_POOL)) + (TEST_SEEDS if test else 0)
        music, feats = _music(pool_seed, test, MUSIC_SECONDS)
        frames = int(rng.integers(72, int(MUSIC_SECONDS * FPS) - 6))
        # the move starts on the music's first beat after a short hold: one rule, so the words and
        # the music decide the onset (a random one of the first beats was a target the model could
        # only average, which put its onsets between beats)
        beat_frames = np.round(music.beats * FPS).astype(int)
        options = beat_frames[(beat_frames >= MIN_HOLD_FRAMES) & (beat_frames <= 0.45 * frames)]
        onset = int(options[0]) if len(options) else 0
        base = move_path(project, seq, start, primary, move, frames - onset, speed, "linear", rng)
        t = np.arange(frames - onset) / FPS + onset / FPS
        energy = music.energy_at(t)
        progress = np.concatenate([[0.0], np.cumsum(energy[:-1])])
        progress = progress / max(progress[-1], 1e-9) * (len(base) - 1)
        moved, moved_focal = resample(base.c2w, base.focal_mm, progress)
        c2w = np.concatenate([np.repeat(moved[:1], onset, axis=0), moved])
        focal = np.concatenate([np.repeat(moved_focal[:1], onset), moved_focal])
        text = phrasings.with_still_words(phrasings.phrase(move, speed, size, primary.name, rng, test, music=True), primary.name, angle, rng, test)
        return Example(text, [move], c2w, focal, subjects, primary.name, feats[:frames].copy(), music.beats[music.beats < frames / FPS], pool_seed)
    bare = rng.random() < BARE_SHARE
    move = "static" if bare else move
    frames = int(rng.integers(48, 150))
    path = move_path(project, seq, start, primary, move, frames, speed, "ease", rng)
    text = phrasings.bare_framing(size, primary.name, rng, test) if bare else phrasings.phrase(move, speed, size, primary.name, rng, test)
    text = phrasings.with_still_words(text, primary.name, angle, rng, test, share=0.5 if bare else 0.35)
    return Example(text, [move], path.c2w.copy(), path.focal_mm.copy(), subjects, primary.name, None, np.zeros(0))


@dataclass
class SegmentItem:
    """One training segment: targets and conditions as the model reads them (unnormalised state)."""

    state: np.ndarray  # (81, 9)
    valid: np.ndarray  # (81,) 1 on frames of the shot, 0 on the held padding after its end
    reference: np.ndarray  # (81, 9)
    reference_mask: np.ndarray  # (81,)
    audio: np.ndarray  # (81, 35)
    has_audio: bool
    layout: np.ndarray  # (S, 8)
    layout_mask: np.ndarray  # (S,)
    segment: int
    segments: int


def segment_window(frames: int, k: int) -> tuple[int, int]:
    a = k * STRIDE
    return a, min(a + SEGMENT_FRAMES, frames)


def reference_for(state: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The patent's reference frames: the previous segment's last 9 (here already relative to this
    segment's first frame), or for the first segment its first frame only (the start camera)."""
    ref = np.zeros((SEGMENT_FRAMES, 9), np.float32)
    mask = np.zeros(SEGMENT_FRAMES, np.float32)
    count = 1 if k == 0 else OVERLAP_FRAMES
    ref[:count] = state[:count]
    mask[:count] = 1.0
    return ref, mask


def pad_frames(a: np.ndarray, n: int) -> np.ndarray:
    """``a`` held on its last row to ``n`` rows."""
    if len(a) >= n:
        return a[:n]
    return np.concatenate([a, np.repeat(a[-1:], n - len(a), axis=0)])


def segment_items(ex: Example) -> list[SegmentItem]:
    scale = ex.scale
    k_total = segment_count(ex.frames)
    out = []
    for k in range(k_total):
        a, b = segment_window(ex.frames, k)
        c2w = pad_frames(ex.c2w[a:b], SEGMENT_FRAMES)
        focal = pad_frames(ex.focal_mm[a:b], SEGMENT_FRAMES)
        state = to_state(c2w, focal, scale).astype(np.float32)
        valid = (np.arange(SEGMENT_FRAMES) < b - a).astype(np.float32)
        ref, ref_mask = reference_for(state, k)
        audio = np.zeros((SEGMENT_FRAMES, 35), np.float32)
        if ex.audio is not None:
            audio[: b - a] = ex.audio[a:b]
        layout, layout_mask = layout_features(ex.c2w[a], ex.subjects, ex.primary, scale)
        out.append(SegmentItem(state, valid, ref, ref_mask, audio, ex.audio is not None, layout, layout_mask, k, k_total))
    return out
