"""Wan's transformer block with the multi-shot additions: a camera encoder added to the normed input
before self-attention, an identity-initialised projector after it, and a cross-attention mask so
each shot reads only the global caption and its own.

The arithmetic is diffusers' ``WanTransformerBlock.forward`` (same float32 islands, same order), so
with zero camera input the block returns exactly what Wan's does.
"""

from __future__ import annotations

import torch
from diffusers.models.transformers.transformer_wan import WanTransformerBlock

from models.dit.camera import CameraEncoder, identity_linear


class MultiShotBlock(WanTransformerBlock):
    def __init__(self, dim: int, ffn_dim: int, num_heads: int, qk_norm: str, cross_attn_norm: bool, eps: float, added_kv_proj_dim, camera_frames_per_latent: int):
        super().__init__(dim, ffn_dim, num_heads, qk_norm, cross_attn_norm, eps, added_kv_proj_dim)
        self.camera_encoder = CameraEncoder(camera_frames_per_latent, dim)
        self.camera_projector = identity_linear(dim)

    def forward(
        self,
        hidden_states: torch.Tensor,
        encoder_hidden_states: torch.Tensor,
        temb: torch.Tensor,
        rotary_emb,
        camera: tuple[torch.Tensor, torch.Tensor] | None = None,
        cross_attention_mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        if temb.ndim == 4:  # per-token timesteps (clean cache tokens beside noisy ones)
            mods = (self.scale_shift_table.unsqueeze(0) + temb.float()).chunk(6, dim=2)
            shift_msa, scale_msa, gate_msa, c_shift_msa, c_scale_msa, c_gate_msa = (m.squeeze(2) for m in mods)
        else:
            shift_msa, scale_msa, gate_msa, c_shift_msa, c_scale_msa, c_gate_msa = (self.scale_shift_table + temb.float()).chunk(6, dim=1)

        norm_hidden_states = (self.norm1(hidden_states.float()) * (1 + scale_msa) + shift_msa).type_as(hidden_states)
        if camera is not None:  # (B, frames, 12·r) per frame, and each token's frame row
            frame_cameras, token_frame = camera
            encoded = self.camera_encoder(frame_cameras.to(norm_hidden_states.dtype))
            norm_hidden_states = norm_hidden_states + encoded[:, token_frame]
        attn_output = self.camera_projector(self.attn1(norm_hidden_states, None, None, rotary_emb))
        hidden_states = (hidden_states.float() + attn_output * gate_msa).type_as(hidden_states)

        norm_hidden_states = self.norm2(hidden_states.float()).type_as(hidden_states)
        attn_output = self.attn2(norm_hidden_states, encoder_hidden_states, cross_attention_mask, None)
        hidden_states = hidden_states + attn_output

        norm_hidden_states = (self.norm3(hidden_states.float()) * (1 + c_scale_msa) + c_shift_msa).type_as(hidden_states)
        ff_output = self.ffn(norm_hidden_states)
        return (hidden_states.float() + ff_output.float() * c_gate_msa).type_as(hidden_states)

    @torch.no_grad()
    def fuse_camera_projector(self) -> None:
        """Fold the projector into the self-attention's output layer (P(Wx+b)+c = (PW)x + Pb+c) for
        inference: the same outputs without the extra dim x dim matmul per block."""
        if isinstance(self.camera_projector, torch.nn.Identity):
            return
        out, proj = self.attn1.to_out[0], self.camera_projector
        out.weight.copy_(proj.weight @ out.weight)
        out.bias.copy_(proj.weight @ out.bias + proj.bias)
        self.camera_projector = torch.nn.Identity()
