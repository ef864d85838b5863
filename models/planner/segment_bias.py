"""The patent's segment-aware temporal text-attention bias (seed 003, S31-S33).

A generation of K segments gives segment k the progress tau_k = (k + 1/2) / K; token j of a text with
L real tokens sits at p_j = j / (L - 1). Segment k's prior over the tokens is a Gaussian centred on
its progress plus a floor that keeps every token reachable,

    w_j = exp(-(p_j - tau_k)^2 / (2 sigma^2)) + beta,        w~_j = w_j / sum_u w_u,

and lambda * log(w~_j + eps) is added to the text cross-attention scores before the softmax, so
"push in, then orbit left" reads its first words in the first segment and its last in the second,
without changing the backbone. Padding tokens get a large negative score.
"""

from __future__ import annotations

import torch

MASKED = -1.0e4  # a score softmax turns into zero without the NaNs of -inf on an all-masked row


def segment_progress(segment: torch.Tensor, segments: torch.Tensor) -> torch.Tensor:
    """tau_k = (k + 0.5) / K for each batch row (segment index k of K)."""
    return (segment.float() + 0.5) / segments.float().clamp(min=1.0)


def token_positions(mask: torch.Tensor) -> torch.Tensor:
    """(B, L) normalised positions p_j = j / (L_eff - 1) of the real tokens (mask 1), 0 for padding."""
    length = mask.float().sum(dim=-1, keepdim=True)
    j = torch.arange(mask.shape[-1], device=mask.device, dtype=torch.float32)[None, :]
    return (j / (length - 1.0).clamp(min=1.0)) * mask.float()


def segment_text_bias(
    progress: torch.Tensor,
    mask: torch.Tensor,
    sigma: float = 0.25,
    floor: float = 0.1,
    strength: float = 1.0,
    eps: float = 1e-6,
) -> torch.Tensor:
    """(B, L) additive attention scores: lambda * log(normalised Gaussian prior + eps), padding masked."""
    m = mask.float()
    p = token_positions(mask)
    w = (torch.exp(-((p - progress[:, None]) ** 2) / (2.0 * sigma * sigma)) + floor) * m
    w = w / w.sum(dim=-1, keepdim=True).clamp(min=1e-12)
    return torch.where(m > 0, strength * torch.log(w + eps), torch.full_like(w, MASKED))
