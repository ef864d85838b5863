"""``MultiShotVACETransformer``: the multi-shot transformer with Wan2.1-VACE's control branch, so a
diffusers ``WanVACETransformer3DModel`` folder (Wan2.1-VACE-1.3B) loads with every key matched.

VACE's shape (diffusers' ``transformer_wan_vace.py``): the control context (96 channels per latent
pixel: the VAE latents of the inactive and reactive video, 16 + 16, and the 8×8 pixel mask folded
into 64) is patch-embedded by ``vace_patch_embedding``; ``vace_blocks`` (one per entry of
``vace_layers``) run on it beside the main stream, the first adding the main stream's patch
embedding to it; each gives a hint that is added, times a conditioning scale, after main block
``vace_layers[i]``. Here the blocks also take our per-shot caption mask, per-token timesteps (clean
cache frames) and our RoPE table, so 4D RoPE and FilmWeaver's caches work with a control; a segment
without a control (a cache frame) gets zero context tokens, as diffusers pads missing frames.
"""

from __future__ import annotations

import torch
from diffusers.configuration_utils import register_to_config
from diffusers.models.transformers.transformer_wan_vace import WanVACETransformerBlock
from torch import nn

from models.dit.transformer import MultiShotTransformer, Segment

VACE_CONTEXT_CHANNELS = 96  # 16 inactive + 16 reactive latents + 64 (8×8 mask)


def _modulation(table: torch.Tensor, temb: torch.Tensor):
    if temb.ndim == 4:  # per token (B, N, 6, D)
        return [m.squeeze(2) for m in (table.unsqueeze(0) + temb.float()).chunk(6, dim=2)]
    return (table.to(temb.device) + temb.float()).chunk(6, dim=1)


class MultiShotVACEBlock(WanVACETransformerBlock):
    """diffusers' VACE block with a cross-attention mask and per-token modulation (same arithmetic)."""

    def forward(self, hidden_states, encoder_hidden_states, control_hidden_states, temb, rotary_emb, cross_attention_mask=None):
        if self.proj_in is not None:
            control_hidden_states = self.proj_in(control_hidden_states) + hidden_states
        shift_msa, scale_msa, gate_msa, c_shift_msa, c_scale_msa, c_gate_msa = _modulation(self.scale_shift_table, temb)
        c = control_hidden_states
        norm = (self.norm1(c.float()) * (1 + scale_msa) + shift_msa).type_as(c)
        c = (c.float() + self.attn1(norm, None, None, rotary_emb) * gate_msa).type_as(c)
        norm = self.norm2(c.float()).type_as(c)
        c = c + self.attn2(norm, encoder_hidden_states, cross_attention_mask, None)
        norm = (self.norm3(c.float()) * (1 + c_scale_msa) + c_shift_msa).type_as(c)
        c = (c.float() + self.ffn(norm).float() * c_gate_msa).type_as(c)
        hint = self.proj_out(c) if self.proj_out is not None else None
        return hint, c


class MultiShotVACETransformer(MultiShotTransformer):
    @register_to_config
    def __init__(
        self,
        patch_size: tuple[int, ...] = (1, 2, 2),
        num_attention_heads: int = 40,
        attention_head_dim: int = 128,
        in_channels: int = 16,
        out_channels: int = 16,
        text_dim: int = 4096,
        freq_dim: int = 256,
        ffn_dim: int = 13824,
        num_layers: int = 40,
        cross_attn_norm: bool = True,
        qk_norm: str | None = "rms_norm_across_heads",
        eps: float = 1e-6,
        image_dim: int | None = None,
        added_kv_proj_dim: int | None = None,
        rope_max_seq_len: int = 1024,
        pos_embed_seq_len: int | None = None,
        rope_mode: str = "3d",
        rope_split_4d: tuple[int, int, int, int] | None = None,
        shot_delta: float = 8.0,
        camera_frames_per_latent: int = 4,
        prediction_type: str = "flow",
        control_channels: int = 0,
        vace_layers: list[int] = (0, 5, 10, 15, 20, 25, 30, 35),
        vace_in_channels: int = VACE_CONTEXT_CHANNELS,
    ) -> None:
        super().__init__(
            patch_size, num_attention_heads, attention_head_dim, in_channels, out_channels, text_dim, freq_dim, ffn_dim,
            num_layers, cross_attn_norm, qk_norm, eps, image_dim, added_kv_proj_dim, rope_max_seq_len, pos_embed_seq_len,
            rope_mode, rope_split_4d, shot_delta, camera_frames_per_latent, prediction_type, control_channels,
        )  # fmt: skip
        vace_layers = list(vace_layers)
        if max(vace_layers) >= num_layers or 0 not in vace_layers:
            raise ValueError(f"vace_layers {vace_layers} must include 0 and stay below num_layers {num_layers}")
        inner = num_attention_heads * attention_head_dim
        self.vace_patch_embedding = nn.Conv3d(vace_in_channels, inner, kernel_size=patch_size, stride=patch_size)
        self.vace_blocks = nn.ModuleList(
            [
                MultiShotVACEBlock(inner, ffn_dim, num_attention_heads, qk_norm, cross_attn_norm, eps, added_kv_proj_dim, apply_input_projection=i == 0, apply_output_projection=True)
                for i in range(len(vace_layers))
            ]
        )
        self.conditioning_scale: torch.Tensor | float = 1.0  # per VACE layer, or one number; set by the pipeline

    # The main stream is MultiShotTransformer's; these two hooks put VACE's branch into it.

    def _control_tokens(self, segments: list[Segment], hidden_states: torch.Tensor) -> torch.Tensor | None:
        if not any(s.control is not None for s in segments):
            return None
        parts = []
        for seg in segments:
            if seg.control is None:
                p_t, p_h, p_w = self.config.patch_size
                b, _, f, h, w = seg.latents.shape
                parts.append(hidden_states.new_zeros(b, (f // p_t) * (h // p_h) * (w // p_w), hidden_states.shape[-1]))
            else:
                parts.append(self.vace_patch_embedding(seg.control.to(hidden_states.dtype)).flatten(2).transpose(1, 2))
        return torch.cat(parts, dim=1)

    def _hints(self, hidden_states, context, timestep_proj, rotary_emb, mask, control) -> dict[int, torch.Tensor]:
        if control is None:
            return {}
        scales = self.conditioning_scale
        if not torch.is_tensor(scales):
            scales = torch.full((len(self.vace_blocks),), float(scales))
        if len(scales) != len(self.vace_blocks):
            raise ValueError(f"{len(scales)} conditioning scales for {len(self.vace_blocks)} VACE layers")
        hints = {}
        c = control
        for layer, block, scale in zip(self.config.vace_layers, self.vace_blocks, scales):
            hint, c = block(hidden_states, context, c, timestep_proj, rotary_emb, mask)
            hints[int(layer)] = hint * float(scale)
        return hints
