"""Sampling trajectories from the learned planner: per-modality guidance, 81-frame segments with 9
overlapping frames blended linearly (seed 003, S4-S5).

A shot of N frames is K = ceil((N - 9) / 72) segments; segment k starts at frame 72k. Segment 0 knows
its first frame (the start camera, and its sample is anchored there); segment k > 0 gets the previous segment's last 9 frames as its
reference frames (in its own first frame's coordinates), and the 9 frames both generated are
blended: frame i of the overlap is (8 - i)/8 of the earlier segment and i/8 of the later one. Every
shot's segment k is sampled in one batch, each guidance pass stacked in the same call.

The model predicts the clean segment x0 at its knots (every ``stride``-th frame); its flow at noise
level s is (x_t - x0) / s, and the spline through the sampled knots gives every frame.
Guidance (S5): v = v_uncond + sum over present modalities m of w_m (v_cond - v_cond\\m); a modality
the shot lacks (no music) adds no term and no pass. Euler steps of the flow from sigma 1 to 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.spatial.transform import Rotation

from engine.planner.learned.state import from_state, layout_features, reference_scale, to_state
from engine.project import Subject
from models.planner import OVERLAP_FRAMES, SEGMENT_FRAMES
from models.planner.rate import knot_count, upsample_matrix

STRIDE = SEGMENT_FRAMES - OVERLAP_FRAMES
MODALITIES = ("text", "audio", "layout")
DEFAULT_GUIDANCE = {"text": 3.5, "audio": 1.5, "layout": 2.5}  # the patent's text, audio and image weights (the layout stands in for the image)


@dataclass
class ShotRequest:
    """What the planner knows of one shot before its camera moves."""

    c2w0: np.ndarray  # (4,4) start camera
    focal_mm: float
    frames: int
    text_tokens: np.ndarray  # (L, 384)
    subjects: list[Subject]
    primary: str | None
    audio: np.ndarray | None = None  # (frames, 35) or None
    film_back_mm: tuple[float, float] = (24.89, 10.41)
    seed: int = 0

    @property
    def scale(self) -> float:
        return reference_scale(self.c2w0, next((s for s in self.subjects if s.name == self.primary), None))


@dataclass
class Normaliser:
    mean: np.ndarray
    std: np.ndarray

    def __call__(self, state):
        return (state - self.mean) / self.std

    def inverse(self, x):
        return x * self.std + self.mean


@dataclass
class SampleSettings:
    steps: int = 4  # x0-prediction needs few (docs/benchmarks.md)
    guidance: dict = field(default_factory=lambda: dict(DEFAULT_GUIDANCE))
    stride: int = 1  # the model's knots are every stride-th frame (its config's ``stride``)
    temperature: float = 1.0  # scale of the starting noise: below 1 trades diversity for fewer stray moves
    shift: float = 1.0  # noise levels s -> shift s / (1 + (shift - 1) s): below 1 spends the steps nearer the clean end
    drift_floors: dict | None = None  # channels slower than these are held still (drift.py); None keeps every channel


def segment_count(frames: int) -> int:
    return max(1, int(np.ceil((frames - OVERLAP_FRAMES) / STRIDE)))


def blend_overlap(earlier: tuple[np.ndarray, np.ndarray], later: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The 9 overlapping frames of two segments (world c2w (9,4,4), focal (9,)) blended linearly:
    frame i is (8 - i)/8 of the earlier and i/8 of the later (positions and focal lengths linearly,
    rotations by normalised quaternion interpolation, the same weights)."""
    (ca, fa), (cb, fb) = earlier, later
    n = len(ca)
    w = np.arange(n, dtype=float) / max(n - 1, 1)
    out = np.tile(np.eye(4), (n, 1, 1))
    out[:, :3, 3] = (1 - w)[:, None] * ca[:, :3, 3] + w[:, None] * cb[:, :3, 3]
    qa, qb = Rotation.from_matrix(ca[:, :3, :3]).as_quat(), Rotation.from_matrix(cb[:, :3, :3]).as_quat()
    qb = np.where((np.sum(qa * qb, axis=1) < 0)[:, None], -qb, qb)
    q = (1 - w)[:, None] * qa + w[:, None] * qb
    out[:, :3, :3] = Rotation.from_quat(q / np.linalg.norm(q, axis=1, keepdims=True)).as_matrix()
    return out, (1 - w) * fa + w * fb


def _passes(present: list[str]) -> list[np.ndarray]:
    """The keep rows of the guidance passes: unconditional, all present, then all but each present."""
    base = np.array([float(m in present) for m in MODALITIES], np.float32)
    rows = [np.zeros(3, np.float32), base]
    for m in present:
        r = base.copy()
        r[MODALITIES.index(m)] = 0.0
        rows.append(r)
    return rows


def sample_shots(flow, requests: list[ShotRequest], norm: Normaliser, settings: SampleSettings = SampleSettings()):
    """Per request, (c2w (N,4,4), focal_mm (N,)) sampled with the request's seed."""
    worlds: list[tuple[np.ndarray, np.ndarray] | None] = [None] * len(requests)
    rngs = [np.random.default_rng(r.seed) for r in requests]
    longest = max(segment_count(r.frames) for r in requests)
    for k in range(longest):
        active = [i for i, r in enumerate(requests) if segment_count(r.frames) > k]
        batch = [_segment_inputs(requests[i], worlds[i], k, norm, settings.stride) for i in active]
        out = _sample_segment(flow, batch, [rngs[i] for i in active], norm, settings)
        for i, state, inputs in zip(active, out, batch):
            r = requests[i]
            if k == 0:
                # The start camera is given: the sample is re-expressed relative to its own first
                # frame, so a first frame a little off moves the whole path, not one frame.
                rel, focal = from_state(state, np.eye(4), r.focal_mm, r.scale)
                c2w = r.c2w0[None] @ np.linalg.inv(rel[0])[None] @ rel
                worlds[i] = (c2w, focal * (r.focal_mm / focal[0]))
                continue
            c2w, focal = from_state(state, inputs["start"], inputs["start_focal"], r.scale)
            prev_c, prev_f = worlds[i]
            a = k * STRIDE
            mixed_c, mixed_f = blend_overlap((prev_c[a : a + OVERLAP_FRAMES], prev_f[a : a + OVERLAP_FRAMES]), (c2w[:OVERLAP_FRAMES], focal[:OVERLAP_FRAMES]))
            worlds[i] = (
                np.concatenate([prev_c[:a], mixed_c, c2w[OVERLAP_FRAMES:]]),
                np.concatenate([prev_f[:a], mixed_f, focal[OVERLAP_FRAMES:]]),
            )
    shots = [(c[: r.frames], f[: r.frames]) for (c, f), r in zip(worlds, requests)]
    if settings.drift_floors:
        shots = [_held_still(c, f, r.scale, settings.drift_floors) for (c, f), r in zip(shots, requests)]
    return shots


def _held_still(c2w: np.ndarray, focal: np.ndarray, scale: float, floors: dict) -> tuple[np.ndarray, np.ndarray]:
    """The shot with the channels that drift slower than any taught move held at its first frame."""
    from engine.planner.learned.data import FPS
    from engine.planner.learned.drift import hold_drift

    state, held = hold_drift(to_state(c2w, focal, scale), FPS, floors)
    if not held:
        return c2w, focal
    return from_state(state, c2w[0], float(focal[0]), scale)


def _segment_inputs(r: ShotRequest, world, k: int, norm: Normaliser, stride: int = 1) -> dict:
    """The conditions of segment ``k`` of a shot, from what is already generated of it (reference
    frames on the model's knots: every ``stride``-th frame)."""
    if k == 0:
        start, start_focal = r.c2w0, r.focal_mm
        known = to_state(r.c2w0[None], np.array([r.focal_mm]), r.scale)
    else:
        c2w, focal = world
        a = k * STRIDE
        start, start_focal = c2w[a], float(focal[a])
        known = to_state(c2w[a : a + OVERLAP_FRAMES], focal[a : a + OVERLAP_FRAMES], r.scale)
    reference = np.zeros((SEGMENT_FRAMES, 9), np.float32)
    ref_mask = np.zeros(SEGMENT_FRAMES, np.float32)
    reference[: len(known)] = norm(known)
    ref_mask[: len(known)] = 1.0
    reference, ref_mask = reference[::stride].copy(), ref_mask[::stride].copy()
    audio = np.zeros((SEGMENT_FRAMES, 35), np.float32)
    if r.audio is not None:
        part = r.audio[k * STRIDE : k * STRIDE + SEGMENT_FRAMES]
        audio[: len(part)] = part
    layout, layout_mask = layout_features(start, r.subjects, r.primary, r.scale)
    present = ["text"] + (["audio"] if r.audio is not None else []) + (["layout"] if layout_mask.any() else [])
    return {
        "start": start,
        "start_focal": start_focal,
        "reference": reference,
        "reference_mask": ref_mask,
        "text": r.text_tokens,
        "audio": audio,
        "layout": layout,
        "layout_mask": layout_mask,
        "segment": k,
        "segments": segment_count(r.frames),
        "present": present,
    }


def _sample_segment(flow, batch: list[dict], rngs, norm: Normaliser, settings: SampleSettings) -> list[np.ndarray]:
    tokens = max(len(b["text"]) for b in batch)
    rows: list[tuple[int, np.ndarray]] = []  # (shot in batch, keep row) of every pass
    plans = []
    for i, b in enumerate(batch):
        keeps = _passes(b["present"])
        plans.append((len(rows), b["present"]))
        rows += [(i, kp) for kp in keeps]

    def stack(key, pad_to=None):
        out = []
        for i, _ in rows:
            v = np.asarray(batch[i][key], np.float32)
            if pad_to is not None:
                v = np.concatenate([v, np.zeros((pad_to - len(v),) + v.shape[1:], np.float32)])
            out.append(v)
        return np.stack(out)

    text_mask = np.stack([(np.arange(tokens) < len(batch[i]["text"])).astype(np.float32) for i, _ in rows])
    fixed = {
        "reference": stack("reference"),
        "reference_mask": stack("reference_mask"),
        "text": stack("text", tokens),
        "text_mask": text_mask,
        "audio": stack("audio"),
        "layout": stack("layout"),
        "layout_mask": stack("layout_mask"),
        "keep": np.stack([kp for _, kp in rows]),
        "segment": np.array([batch[i]["segment"] for i, _ in rows], np.int64),
        "segments": np.array([batch[i]["segments"] for i, _ in rows], np.int64),
    }
    knots = knot_count(SEGMENT_FRAMES, settings.stride)
    x = np.stack([settings.temperature * rng.standard_normal((knots, 9)).astype(np.float32) for rng in rngs])
    sigmas = np.linspace(1.0, 0.0, settings.steps + 1, dtype=np.float32)
    sigmas = settings.shift * sigmas / (1.0 + (settings.shift - 1.0) * sigmas)
    index = np.array([i for i, _ in rows])
    for s, s_next in zip(sigmas[:-1], sigmas[1:]):
        x0_all = flow(x=x[index], sigma=np.full(len(rows), s, np.float32), **fixed)
        v_all = (x[index] - x0_all) / max(float(s), 1e-4)  # the flow the clean prediction implies
        v = np.empty_like(x)
        for i, (first, present) in enumerate(plans):
            v_uncond, v_cond = v_all[first], v_all[first + 1]
            guided = v_uncond.copy()
            for j, m in enumerate(present):
                guided += settings.guidance.get(m, 1.0) * (v_cond - v_all[first + 2 + j])
            v[i] = guided
        x = x + (s_next - s) * v
    up = upsample_matrix(SEGMENT_FRAMES, settings.stride).astype(np.float32) if settings.stride > 1 else None
    return [norm.inverse(xi if up is None else up @ xi) for xi in x]
