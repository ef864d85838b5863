"""Rotary position embedding from explicit per-token ids (shot, frame, time, h, w).

Three modes, one table layout (cos/sin (1, N, 1, head_dim), each frequency repeated for the
interleaved pairs, as diffusers' ``WanAttnProcessor`` applies them after the q/k norm):

- ``3d``  Wan's: head dims t/h/w = d - 2·2⌊d/6⌋ / 2⌊d/6⌋ / 2⌊d/6⌋ on (time, h, w); for one shot
          the table equals ``diffusers.WanRotaryPosEmbed``.
- ``4d``  ShotVerse's: head dims split among shot/frame/h/w (default: the shot's dims carved out of
          the temporal ones, as HoloCine's ``precompute_freqs_cis_4d``); frame is the index inside
          the shot, so two shots at the same (frame, h, w) differ only in their shot rotation.
- ``shift`` MultiShotMaster's: Wan's 3d table with time + shot × δ, a jump in time at every cut.

Positions may be fractional (a cache frame pooled 2× sits at h, w = 2i + 0.5).
"""

from __future__ import annotations

import torch
from torch import nn

MODES = ("3d", "4d", "shift")


def wan_split(head_dim: int) -> tuple[int, int, int]:
    h = w = 2 * (head_dim // 6)
    return head_dim - h - w, h, w


def default_4d_split(head_dim: int) -> tuple[int, int, int, int]:
    t, h, w = wan_split(head_dim)
    shot = 2 * max(1, t // 8)  # an even share of the temporal dims, e.g. 10 of 44 for head dim 128
    return shot, t - shot, h, w


def _angles(pos: torch.Tensor, dim: int, theta: float) -> torch.Tensor:
    """(N,) positions -> (N, dim) angles, each frequency twice (interleaved pairs), in float64."""
    freqs = 1.0 / (theta ** (torch.arange(0, dim, 2, dtype=torch.float64, device=pos.device) / dim))
    return torch.outer(pos.to(torch.float64), freqs).repeat_interleave(2, dim=1)


class MultiShotRoPE(nn.Module):
    def __init__(self, head_dim: int, mode: str = "3d", split_4d: tuple[int, int, int, int] | None = None, shot_delta: float = 8.0, theta: float = 10000.0):
        super().__init__()
        if mode not in MODES:
            raise ValueError(f"rope mode {mode!r}: expected one of {MODES}")
        self.head_dim, self.mode, self.theta, self.shot_delta = head_dim, mode, theta, float(shot_delta)
        self.split_3d = wan_split(head_dim)
        self.split_4d = tuple(split_4d) if split_4d else default_4d_split(head_dim)
        if sum(self.split_4d) != head_dim or any(d % 2 for d in self.split_4d):
            raise ValueError(f"4d split {self.split_4d} must be even sizes adding up to the head dim {head_dim}")

    def angles(self, ids: torch.Tensor) -> torch.Tensor:
        """ids (N, 5) = (shot, frame in shot, time in sequence, h, w) -> (N, head_dim) angles."""
        shot, frame, time, h, w = ids.unbind(-1)
        if self.mode == "4d":
            axes = (shot, frame, h, w)
            dims = self.split_4d
        else:
            t = time + shot * self.shot_delta if self.mode == "shift" else time
            axes, dims = (t, h, w), self.split_3d
        return torch.cat([_angles(p, d, self.theta) for p, d in zip(axes, dims)], dim=1)

    def forward(self, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        a = self.angles(ids)
        return a.cos().float()[None, :, None, :], a.sin().float()[None, :, None, :]


def grid_ids(shot: torch.Tensor, frame: torch.Tensor, time: torch.Tensor, height: int, width: int, spatial_scale: float = 1.0) -> torch.Tensor:
    """Token ids for F frames of an (height x width) token grid, frame-major as Wan flattens them.

    ``spatial_scale`` places a pooled grid on the full-resolution positions (2 -> 0.5, 2.5, 4.5 …)."""
    f = len(frame)
    hh = (torch.arange(height, dtype=torch.float64) + 0.5) * spatial_scale - 0.5
    ww = (torch.arange(width, dtype=torch.float64) + 0.5) * spatial_scale - 0.5
    per_frame = torch.stack(torch.meshgrid(hh, ww, indexing="ij"), dim=-1).reshape(-1, 2)  # (h*w, 2)
    head = torch.stack([shot, frame, time], dim=-1).to(torch.float64)  # (F, 3)
    return torch.cat([head.repeat_interleave(height * width, dim=0), per_frame.repeat(f, 1)], dim=1)
