"""FilmWeaver's caches for autoregressive multi-shot generation.

- Shot cache: keyframes of earlier shots, the K most relevant by caption similarity, so a new shot
  sees the set and the people as they were.
- Temporal cache: the current shot's most recent frames, for extending a shot past the model's
  native length; the older a frame, the more it is pooled (full, 1/2, 1/4 … resolution).

Both enter the transformer as clean segments (timestep 0, or a small noise level in training) with
their own (shot, frame, time) positions; only the frames being generated produce output. The token
count is bounded by K and the temporal budget, so the cost of a shot does not grow with the number
of shots before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import torch
import torch.nn.functional as F

from models.dit.transformer import Segment


class CacheMode(str, Enum):
    FIRST_SHOT = "first_shot"  # no cache
    EXTENSION = "extension"  # temporal cache only: continue the current shot
    NEW_SHOT = "new_shot"  # shot cache only: start a shot after earlier ones
    NEW_SHOT_EXTENSION = "new_shot_extension"  # both


def cache_mode(has_history: bool, extending: bool) -> CacheMode:
    if extending:
        return CacheMode.NEW_SHOT_EXTENSION if has_history else CacheMode.EXTENSION
    return CacheMode.NEW_SHOT if has_history else CacheMode.FIRST_SHOT


@dataclass
class ShotRecord:
    """A finished shot kept for the shot cache: its clean latents and where they sit."""

    shot: int
    latents: torch.Tensor  # (B, C, F, H, W)
    time: torch.Tensor  # (F,) sequence time of each latent frame
    camera: torch.Tensor | None  # (B, F, 12·r)
    text_embedding: torch.Tensor  # (D,) pooled caption embedding
    control: torch.Tensor | None = None  # (B, C, F, H, W): the control the shot followed, kept beside its keyframes


def keyframe_indices(frames: int, per_shot: int) -> list[int]:
    """Evenly spread keyframes, always including the last (what the cut comes from)."""
    if frames <= per_shot:
        return list(range(frames))
    return sorted({int(i * (frames - 1) / (per_shot - 1) + 0.5) for i in range(per_shot)}) if per_shot > 1 else [frames - 1]


def shot_cache(history: list[ShotRecord], query: torch.Tensor, k: int, per_shot: int = 2, noise_sigma: float = 0.0, generator=None, group: int = 1) -> list[Segment]:
    """Up to ``k`` keyframes from the earlier shots whose captions are most like ``query``.

    ``group`` > 1 (a transformer with a temporal patch of ``group`` frames) takes each keyframe with
    the frames just before it, so every key is a whole patch of consecutive frames ending on it."""
    if not history or k <= 0:
        return []
    sims = torch.stack([F.cosine_similarity(r.text_embedding.float(), query.float(), dim=0) for r in history])
    order = torch.argsort(sims, descending=True).tolist()
    segments, taken = [], 0
    for i in order:
        if taken >= k:
            break
        rec = history[i]
        keys = keyframe_indices(rec.latents.shape[2], per_shot)[: k - taken]
        taken += len(keys)
        idx = [min(max(key - group + 1, 0) + j, rec.latents.shape[2] - 1) for key in keys for j in range(group)]
        sel = torch.tensor(idx)
        lat = rec.latents[:, :, sel]
        control = rec.control[:, :, sel] if rec.control is not None else None
        segments.append(_clean_segment(lat, torch.full((len(idx),), rec.shot), sel, rec.time[sel], rec.camera[:, sel] if rec.camera is not None else None, 1.0, noise_sigma, generator, control))
    segments.sort(key=lambda s: float(s.time[0]))  # in story order
    return segments


def temporal_cache(latents: torch.Tensor, shot: int, frame: torch.Tensor, time: torch.Tensor, camera: torch.Tensor | None, budget: tuple[int, ...] = (2, 2, 4), noise_sigma: float = 0.0, generator=None, control: torch.Tensor | None = None) -> list[Segment]:
    """The current shot's last frames: ``budget[j]`` frames pooled 2^j×, newest at full resolution
    (their ``control``, when given, pooled alike)."""
    segments, end = [], latents.shape[2]
    for level, count in enumerate(budget):
        start = max(end - count, 0)
        if start >= end:
            break
        lat = latents[:, :, start:end]
        ctl = control[:, :, start:end] if control is not None else None
        scale = 2**level
        if scale > 1:
            h, w = lat.shape[3:]
            if h % scale or w % scale:
                break  # cannot pool further on this grid
            lat = _pool(lat, scale)
            ctl = _pool(ctl, scale) if ctl is not None else None
        sel = slice(start, end)
        cam = camera[:, sel] if camera is not None else None
        segments.append(_clean_segment(lat, torch.full((end - start,), shot), frame[sel], time[sel], cam, float(scale), noise_sigma, generator, ctl))
        end = start
    return segments[::-1]  # oldest first


def _pool(x: torch.Tensor, scale: int) -> torch.Tensor:
    b, c, f, h, w = x.shape
    return F.avg_pool2d(x.transpose(1, 2).reshape(b * f, c, h, w), scale).reshape(b, f, c, h // scale, w // scale).transpose(1, 2)


def _clean_segment(latents, shot, frame, time, camera, spatial_scale, noise_sigma, generator, control=None) -> Segment:
    """A cache segment: clean (or, in training, slightly noised so the model does not copy it blindly)."""
    b = latents.shape[0]
    if noise_sigma > 0:
        noise = torch.randn(latents.shape, generator=generator, device=latents.device, dtype=latents.dtype)
        latents = (1 - noise_sigma) * latents + noise_sigma * noise
    timestep = torch.full((b,), 1000.0 * noise_sigma, device=latents.device)
    return Segment(latents, shot.long(), frame.float(), time.float(), timestep, camera, spatial_scale, output=False, control=control)


def context_segments(mode: CacheMode, shot_segments: list[Segment], temporal_segments: list[Segment]) -> list[Segment]:
    """The clean context a mode puts before the frames being generated."""
    if mode is CacheMode.FIRST_SHOT:
        return []
    if mode is CacheMode.EXTENSION:
        return temporal_segments
    if mode is CacheMode.NEW_SHOT:
        return shot_segments
    return shot_segments + temporal_segments
