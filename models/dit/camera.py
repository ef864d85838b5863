"""Camera conditioning (ReCamMaster / ShotVerse): extrinsics relative to the sequence's first frame,
translation scale-normalised, r video frames per latent frame, into each block.

Poses are camera-to-world 4x4 in OpenCV axes (x right, y down, z forward). The unconditional camera
for classifier-free guidance is a static one: every frame at the first frame's pose.
"""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn


def relative_extrinsics(c2w: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """(…, N, 4, 4) camera-to-world -> (…, N, 12) flattened 3x4 relative to frame 0, with the
    translations divided by their largest norm (so a 2 m and a 20 m dolly read the same)."""
    first_inv = torch.linalg.inv(c2w[..., :1, :, :])
    rel = first_inv @ c2w
    t = rel[..., :3, 3]
    scale = t.norm(dim=-1).amax(dim=-1, keepdim=True).clamp_min(eps)
    rel = rel.clone()
    rel[..., :3, 3] = t / scale[..., None]
    return rel[..., :3, :4].flatten(-2)


def static_camera(frames: int, batch: int = 1, dtype=torch.float32, device=None) -> torch.Tensor:
    """The unconditional camera: identity relative pose on every frame, (batch, frames, 12)."""
    eye = torch.eye(4, dtype=dtype, device=device)[:3, :4].flatten()
    return eye.expand(batch, frames, 12).clone()


def per_latent_frame(rel: torch.Tensor, r: int) -> torch.Tensor:
    """(B, N_video, 12) -> (B, N_latent, 12·r): the r video frames each latent frame covers side by
    side; Wan's first latent frame covers one video frame, so it is repeated r times."""
    b, n, _ = rel.shape
    if r == 1:
        return rel
    first = rel[:, :1].expand(b, r, 12)
    rest = rel[:, 1:]
    usable = (rest.shape[1] // r) * r
    rest = rest[:, :usable].reshape(b, -1, r * 12)
    return torch.cat([first.reshape(b, 1, r * 12), rest], dim=1)


def sequence_cameras(c2w_per_shot, r: int = 1, pad_to: Callable[[int], int] | None = None) -> list[torch.Tensor]:
    """Each shot's camera input (1, latent frames, 12·r), relative to the sequence's first frame.

    ``c2w_per_shot``: every shot's (N, 4, 4) camera-to-world poses in OpenCV axes, in story order.
    ``pad_to(n)`` gives the latent length to pad a shot to (whole temporal patches); padding frames
    hold the shot's last camera. The one camera conditioning of training and sampling.
    """
    lengths = [len(c) for c in c2w_per_shot]
    poses = torch.cat([torch.as_tensor(c, dtype=torch.float64) for c in c2w_per_shot])
    rel = relative_extrinsics(poses).float()[None]
    out = []
    for cams in torch.split(rel, lengths, dim=1):
        cams = per_latent_frame(cams, r)
        pad = pad_to(cams.shape[1]) - cams.shape[1] if pad_to else 0
        out.append(torch.cat([cams, cams[:, -1:].expand(-1, pad, -1)], dim=1) if pad else cams)
    return out


class CameraEncoder(nn.Module):
    """Zero-initialised ``Linear(12·r, dim)``: a new block input that starts as nothing."""

    def __init__(self, frames_per_latent: int, dim: int):
        super().__init__()
        self.proj = nn.Linear(12 * frames_per_latent, dim)
        nn.init.zeros_(self.proj.weight)
        nn.init.zeros_(self.proj.bias)

    def forward(self, camera: torch.Tensor) -> torch.Tensor:
        return self.proj(camera)


def identity_linear(dim: int) -> nn.Linear:
    layer = nn.Linear(dim, dim)
    nn.init.eye_(layer.weight)
    nn.init.zeros_(layer.bias)
    return layer
