"""Trajectory DiT of the camera-trajectory patent (seed 003): a flow-matching transformer over one
81-frame segment of the 9-D per-frame camera state (quaternion, translation, fx, fy).

The state is modelled on a coarse grid: every ``stride``-th frame of the segment (21 knots of 81
frames at stride 4; ``rate.upsample_matrix`` is the spline through them that gives every frame).
Rotary positions are those knots' frame indices, so the audio (kept at every frame) lines up.

Per frame the input layer reads the noisy state, a reference state and its mask (the patent's
reference frames: the previous segment's last 9 frames, or the first segment's known first frame)
and maps them to ``dim``; rotary position embedding on the frame index. Each block (DiT, adaLN-Zero
on the noise level and the segment index) is self-attention over the frames, then three
cross-attentions -- text tokens with the segment-aware Gaussian bias (``segment_bias``), per-frame
audio features (35-d, mapped by a one-layer temporal convolution, rotary positions shared with the
frames so a frame finds its own beat), and the set layout (one token per subject) -- then a
feed-forward layer. The words also reach the adaLN conditioning: the segment's Gaussian prior over
the tokens (the patent's bias, as weights) pools them into one vector per segment, so a small model
learns *which* move quickly, and the cross-attention *when*. Every context has a learned null token, so a modality left out (``keep`` 0: the
per-modality guidance's unconditional halves) reads only that. The output layer maps back to 9-D:
the clean segment x0 (the sampler turns it into the flow (x_t - x0) / sigma the patent guides).

Everything is plain tensor maths (no data-dependent control flow) so the module exports to ONNX.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn

from models.planner.segment_bias import MASKED, segment_progress, segment_text_bias

STATE_DIM = 9
SEGMENT_FRAMES = 81
OVERLAP_FRAMES = 9
AUDIO_DIM = 35
LAYOUT_DIM = 8
TEXT = 0
AUDIO = 1
LAYOUT = 2


@dataclass
class PlannerConfig:
    dim: int = 128
    depth: int = 4
    heads: int = 4
    ffn_mult: int = 4
    text_dim: int = 384
    audio_dim: int = AUDIO_DIM
    layout_dim: int = LAYOUT_DIM
    frames: int = SEGMENT_FRAMES
    max_segments: int = 16
    bias_sigma: float = 0.25
    bias_floor: float = 0.1
    bias_strength: float = 1.0
    stride: int = 1  # model every stride-th frame (the bundled model: 4)

    @property
    def knots(self) -> int:
        return (self.frames - 1) // self.stride + 1

    def to_dict(self) -> dict:
        return asdict(self)


def rotary_tables(frames: int, head_dim: int, base: float = 10000.0) -> tuple[torch.Tensor, torch.Tensor]:
    """cos and sin (frames, head_dim) for rotating interleaved pairs by frame index."""
    inv = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
    angles = torch.arange(frames, dtype=torch.float32)[:, None] * inv[None, :]
    return angles.cos().repeat_interleave(2, dim=-1), angles.sin().repeat_interleave(2, dim=-1)


def rotate(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    pairs = x.unflatten(-1, (-1, 2))
    turned = torch.stack((-pairs[..., 1], pairs[..., 0]), dim=-1).flatten(-2)
    return x * cos + turned * sin


def attend(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    """softmax(q k^T / sqrt(d) + bias) v on (B, H, N, d) tensors; bias broadcasts to (B, H, N, L)."""
    scores = q @ k.transpose(-1, -2) * (q.shape[-1] ** -0.5)
    if bias is not None:
        scores = scores + bias
    return torch.softmax(scores, dim=-1) @ v


class Attention(nn.Module):
    def __init__(self, dim: int, heads: int, context_dim: int | None = None):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim)
        self.kv = nn.Linear(context_dim or dim, 2 * dim)
        self.out = nn.Linear(dim, dim)

    def split(self, x: torch.Tensor) -> torch.Tensor:
        return x.unflatten(-1, (self.heads, -1)).transpose(1, 2)

    def forward(self, x, context, bias=None, rope_q=None, rope_k=None, return_weights: bool = False):
        q = self.split(self.q(x))
        k, v = (self.split(t) for t in self.kv(context).chunk(2, dim=-1))
        if rope_q is not None:
            q = rotate(q, *rope_q)
        if rope_k is not None:
            k = rotate(k, *rope_k)
        if return_weights:
            scores = q @ k.transpose(-1, -2) * (q.shape[-1] ** -0.5) + (0 if bias is None else bias)
            return torch.softmax(scores, dim=-1)
        return self.out(attend(q, k, v, bias).transpose(1, 2).flatten(2))


class Block(nn.Module):
    """Self-attention, text / audio / layout cross-attention, feed-forward; adaLN-Zero modulation."""

    def __init__(self, cfg: PlannerConfig):
        super().__init__()
        d = cfg.dim
        self.norm_self = nn.LayerNorm(d, elementwise_affine=False)
        self.self_attn = Attention(d, cfg.heads)
        self.norm_text, self.text_attn = nn.LayerNorm(d), Attention(d, cfg.heads)
        self.norm_audio, self.audio_attn = nn.LayerNorm(d), Attention(d, cfg.heads)
        self.norm_layout, self.layout_attn = nn.LayerNorm(d), Attention(d, cfg.heads)
        self.norm_ffn = nn.LayerNorm(d, elementwise_affine=False)
        self.ffn = nn.Sequential(nn.Linear(d, cfg.ffn_mult * d), nn.GELU(approximate="tanh"), nn.Linear(cfg.ffn_mult * d, d))
        self.modulation = nn.Linear(d, 6 * d)
        nn.init.zeros_(self.modulation.weight)
        nn.init.zeros_(self.modulation.bias)

    def forward(self, x, cond, rope, text, text_bias, audio, audio_bias, layout, layout_bias, rope_audio):
        shift1, scale1, gate1, shift2, scale2, gate2 = self.modulation(cond)[:, None, :].chunk(6, dim=-1)
        h = self.norm_self(x) * (1 + scale1) + shift1
        x = x + gate1 * self.self_attn(h, h, rope_q=rope, rope_k=rope)
        x = x + self.text_attn(self.norm_text(x), text, text_bias)
        x = x + self.audio_attn(self.norm_audio(x), audio, audio_bias, rope_q=rope, rope_k=rope_audio)
        x = x + self.layout_attn(self.norm_layout(x), layout, layout_bias)
        h = self.norm_ffn(x) * (1 + scale2) + shift2
        return x + gate2 * self.ffn(h)


def timestep_embedding(sigma: torch.Tensor, dim: int) -> torch.Tensor:
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=sigma.device) / half)
    args = (sigma.float() * 1000.0)[:, None] * freqs[None, :]
    return torch.cat([args.cos(), args.sin()], dim=-1)


class TrajectoryDiT(nn.Module):
    """``forward`` -> the predicted clean state (B, frames, 9) of one segment; see the module docstring."""

    def __init__(self, cfg: PlannerConfig | None = None):
        super().__init__()
        self.cfg = cfg = cfg or PlannerConfig()
        d = cfg.dim
        self.input = nn.Linear(2 * STATE_DIM + 1, d)
        self.time = nn.Sequential(nn.Linear(d, d), nn.SiLU(), nn.Linear(d, d))
        self.segment_embed = nn.Embedding(cfg.max_segments, d)
        self.text_proj = nn.Sequential(nn.Linear(cfg.text_dim, d), nn.GELU(approximate="tanh"), nn.Linear(d, d))
        self.audio_conv = nn.Conv1d(cfg.audio_dim, d, kernel_size=5, padding=2)  # the patent's one temporal conv layer
        self.audio_to_input = nn.Linear(d, d)  # the frame's own audio, added to its token (the beat it sits on)
        self.layout_proj = nn.Sequential(nn.Linear(cfg.layout_dim, d), nn.GELU(approximate="tanh"), nn.Linear(d, d))
        self.text_to_cond = nn.Linear(d, d)  # the segment's pooled words into the adaLN conditioning
        self.null = nn.Parameter(torch.zeros(3, d))  # a null token per modality: what a dropped one reads
        nn.init.normal_(self.null, std=0.02)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.depth))
        self.final_norm = nn.LayerNorm(d, elementwise_affine=False)
        self.final_mod = nn.Linear(d, 2 * d)
        self.output = nn.Linear(d, STATE_DIM)
        for layer in (self.final_mod, self.output):
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)
        cos, sin = rotary_tables(cfg.frames, d // cfg.heads)
        self.register_buffer("rope_cos", cos, persistent=False)  # every frame (the audio's positions)
        self.register_buffer("rope_sin", sin, persistent=False)
        # The frame's own audio for each knot: a triangle over the frames it stands for.
        f = torch.arange(cfg.frames, dtype=torch.float32)[None, :]
        k = torch.arange(cfg.knots, dtype=torch.float32)[:, None] * cfg.stride
        tri = (1.0 - (f - k).abs() / cfg.stride).clamp(min=0.0)
        self.register_buffer("audio_pool", tri / tri.sum(dim=1, keepdim=True), persistent=False)

    def _with_null(self, tokens: torch.Tensor, bias: torch.Tensor, which: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Context with the modality's null token first, and the (B, 1, 1, 1 + L) bias. The null token
        is read only when no real token is (the modality dropped or absent), so it never competes
        with the words for attention."""
        null = self.null[which][None, None, :].expand(tokens.shape[0], 1, -1)
        any_real = (bias > MASKED / 2).any(dim=1, keepdim=True)
        null_bias = torch.where(any_real, torch.full_like(bias[:, :1], MASKED), torch.zeros_like(bias[:, :1]))
        bias = torch.cat([null_bias, bias], dim=1)
        return torch.cat([null, tokens], dim=1), bias[:, None, None, :]

    def contexts(self, text, text_mask, audio, layout, layout_mask, keep, segment, segments):
        """The three cross-attention contexts and their score biases, as every block reads them."""
        text_mask = text_mask * keep[:, TEXT : TEXT + 1]
        text_bias = segment_text_bias(
            segment_progress(segment, segments), text_mask, self.cfg.bias_sigma, self.cfg.bias_floor, self.cfg.bias_strength
        )
        text_tokens, text_bias = self._with_null(self.text_proj(text), text_bias, TEXT)
        audio_keep = keep[:, AUDIO][:, None, None]
        audio_tokens = self.audio_conv((audio * audio_keep).transpose(1, 2)).transpose(1, 2)
        audio_bias = torch.where(audio_keep[:, :, 0] > 0, torch.zeros_like(audio[:, :, 0]), torch.full_like(audio[:, :, 0], MASKED))
        layout_mask = layout_mask * keep[:, LAYOUT : LAYOUT + 1]
        layout_bias = torch.where(layout_mask > 0, torch.zeros_like(layout_mask), torch.full_like(layout_mask, MASKED))
        layout_tokens, layout_bias = self._with_null(self.layout_proj(layout), layout_bias, LAYOUT)
        return text_tokens, text_bias, audio_tokens, audio_bias, layout_tokens, layout_bias, audio_keep

    def forward(
        self,
        x: torch.Tensor,  # (B, K, 9) noisy state at the knots (normalised channels)
        sigma: torch.Tensor,  # (B,) noise level in [0, 1]
        reference: torch.Tensor,  # (B, K, 9) known knots' state, zero elsewhere
        reference_mask: torch.Tensor,  # (B, K) 1 on known knots
        text: torch.Tensor,  # (B, L, text_dim) token embeddings
        text_mask: torch.Tensor,  # (B, L) 1 on real tokens
        audio: torch.Tensor,  # (B, F, 35) per-frame audio features
        layout: torch.Tensor,  # (B, S, 8) one row per subject
        layout_mask: torch.Tensor,  # (B, S) 1 on real subjects
        keep: torch.Tensor,  # (B, 3) 1 where text / audio / layout condition the prediction
        segment: torch.Tensor,  # (B,) segment index k
        segments: torch.Tensor,  # (B,) segment count K
    ) -> torch.Tensor:
        text_t, text_b, audio_t, audio_b, layout_t, layout_b, audio_keep = self.contexts(
            text, text_mask, audio, layout, layout_mask, keep, segment, segments
        )
        # Audio tokens keep their frame positions (rotary) and get no null token: a dropped audio
        # masks them all but one zero-feature frame, so a row of scores is never all masked.
        audio_b = torch.cat([torch.zeros_like(audio_b[:, :1]), audio_b[:, 1:]], dim=1)[:, None, None, :]
        h = self.input(torch.cat([x, reference, reference_mask[..., None]], dim=-1))
        h = h + self.audio_to_input(self.audio_pool @ audio_t) * audio_keep
        pooled_text = (torch.softmax(text_b[:, 0, 0, :], dim=-1)[:, None, :] @ text_t)[:, 0]  # the segment's prior as weights
        cond = (
            self.time(timestep_embedding(sigma, self.cfg.dim))
            + self.segment_embed(segment.clamp(0, self.cfg.max_segments - 1))
            + self.text_to_cond(pooled_text)
        )
        s = self.cfg.stride
        rope = (self.rope_cos[::s], self.rope_sin[::s])  # the knots' frame indices
        rope_audio = (self.rope_cos, self.rope_sin)
        for block in self.blocks:
            h = block(h, cond, rope, text_t, text_b, audio_t, audio_b, layout_t, layout_b, rope_audio)
        shift, scale = self.final_mod(cond)[:, None, :].chunk(2, dim=-1)
        return self.output(self.final_norm(h) * (1 + scale) + shift)

    @torch.no_grad()
    def text_attention(self, text, text_mask, segment, segments, block: int = 0, frames: torch.Tensor | None = None):
        """(B, H, F, 1 + L) text cross-attention weights of ``block`` for a segment (null token first),
        on the frames' tokens ``frames`` (default: the input layer of a zero state)."""
        keep = torch.ones(text.shape[0], 3)
        text_t, text_b, *_ = self.contexts(
            text, text_mask, torch.zeros(text.shape[0], self.cfg.frames, self.cfg.audio_dim),
            torch.zeros(text.shape[0], 1, self.cfg.layout_dim), torch.zeros(text.shape[0], 1), keep, segment, segments,
        )  # fmt: skip
        if frames is None:
            frames = self.input(torch.zeros(text.shape[0], self.cfg.knots, 2 * STATE_DIM + 1))
        b = self.blocks[block]
        return b.text_attn(b.norm_text(frames), text_t, text_b, return_weights=True)
