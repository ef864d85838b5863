"""A small convolutional decoder at full pixel resolution after the transformer (pixel-space models).

The bundled model works on 2×8×8-pixel patches with 128-wide tokens: each token's output is a
linear map of 128 numbers to 384 pixels, so an edge inside a patch (a person's outline, the line
where wall meets floor) comes out as a blocky step, and the samples read as an 8×8 mosaic. DeCo
("frequency-decoupled pixel diffusion", Ma et al. 2025) and PixelFlow's refiners split the work:
the transformer decides the low frequencies, a light pixel decoder the high ones. Here the decoder
sees, per pixel, the transformer's prediction, the noisy frames, the control (the grey-box passes,
whose outlines are exact) and the noise level, and adds a correction. Its last layer starts at zero,
so a model given a head predicts exactly what it did before (a warm start keeps its behaviour).

Frames are decoded one by one (2-D convolutions over (B·F, C, H, W)): the transformer already mixes
time; the head only sharpens.
"""

from __future__ import annotations

import torch
from torch import nn


class PixelHead(nn.Module):
    def __init__(self, out_channels: int, in_channels: int, control_channels: int, width: int, layers: int = 3) -> None:
        super().__init__()
        if layers < 2:
            raise ValueError(f"a pixel head needs at least 2 layers, not {layers}")
        cin = out_channels + in_channels + 1  # prediction; latents and control (the in_channels); σ
        convs: list[nn.Module] = [nn.Conv2d(cin, width, 3, padding=1), nn.SiLU()]
        for _ in range(layers - 2):
            convs += [nn.Conv2d(width, width, 3, padding=1), nn.SiLU()]
        last = nn.Conv2d(width, out_channels, 3, padding=1)
        nn.init.zeros_(last.weight)
        nn.init.zeros_(last.bias)
        self.net = nn.Sequential(*convs, last)
        self.latent_channels = in_channels - control_channels
        self.control_channels = control_channels

    def forward(self, prediction: torch.Tensor, latents: torch.Tensor, control: torch.Tensor | None, timestep: torch.Tensor) -> torch.Tensor:
        """(B, C, F, H, W) prediction and latents, (B, K, F, H, W) control or None, (B,) or (B, F)
        timesteps in [0, 1000] -> the corrected prediction, same shape."""
        b, c, f, h, w = prediction.shape
        if control is None:
            control = prediction.new_zeros(b, self.control_channels, f, h, w)
        t = timestep.to(prediction.device, prediction.dtype) / 1000.0
        t = t[:, None].expand(b, f) if t.ndim == 1 else t
        sigma = t[:, None, :, None, None].expand(b, 1, f, h, w)
        x = torch.cat([prediction, latents.to(prediction.dtype), control.to(prediction.dtype), sigma], dim=1)
        x = x.permute(0, 2, 1, 3, 4).reshape(b * f, -1, h, w)
        correction = self.net(x).reshape(b, f, c, h, w).permute(0, 2, 1, 3, 4)
        return prediction + correction
