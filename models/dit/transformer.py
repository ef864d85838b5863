"""``MultiShotTransformer``: diffusers' Wan transformer that follows the camera of every shot of a
sequence (ShotVerse's controller, MultiShotMaster's shot-aware RoPE, FilmWeaver's caches).

It is a ``WanTransformer3DModel`` subclass whose state dict is Wan's plus new modules per block
(``camera_encoder`` zero-initialised, ``camera_projector`` identity-initialised), so a Wan2.1
diffusers checkpoint loads with every original key matched (``from_wan``) and, before any training,
gives Wan's output. Inputs are *segments*: runs of latent frames with their own shot ids, positions,
timesteps and cameras — the shots being generated, and clean cache frames (FilmWeaver) beside them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import torch
from diffusers.configuration_utils import register_to_config
from diffusers.models.modeling_outputs import Transformer2DModelOutput
from diffusers.models.transformers.transformer_wan import WanTransformer3DModel
from torch import nn

from models.dit.block import MultiShotBlock
from models.dit.camera import static_camera
from models.dit.pixel_head import PixelHead
from models.dit.rope import MultiShotRoPE, grid_ids

GLOBAL_TEXT = -1  # text token of the global caption: every shot reads it
PAD_TEXT = -2  # padding: nobody reads it


@dataclass
class Segment:
    """A run of latent frames. ``shot``/``frame``/``time`` are per latent frame: the shot index, the
    frame inside the shot and the position in the sequence's time (both in latent frames)."""

    latents: torch.Tensor  # (B, C, F, H, W)
    shot: torch.Tensor  # (F,)
    frame: torch.Tensor  # (F,)
    time: torch.Tensor  # (F,)
    timestep: torch.Tensor  # (B,) or (B, F); 0 for a clean (cache) frame
    camera: torch.Tensor | None = None  # (B, F, 12·r) relative extrinsics, None for no camera input
    spatial_scale: float = 1.0  # a cache frame pooled s× sits on the full-resolution positions
    output: bool = True  # whether its prediction is returned
    control: torch.Tensor | None = None  # (B, C_control, F, H, W): channels concatenated to the latents (small model) or VACE's context

    @property
    def frames(self) -> int:
        return self.latents.shape[2]


def cross_attention_mask(token_shot: torch.Tensor, text_shot: torch.Tensor) -> torch.Tensor:
    """(1, 1, N, L) bool: a video token of shot s reads the global caption and shot s's caption."""
    text_shot = text_shot.to(token_shot.device)
    allowed = (text_shot[None, :] == GLOBAL_TEXT) | (text_shot[None, :] == token_shot[:, None])
    return allowed[None, None]


class MultiShotTransformer(WanTransformer3DModel):
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
        prediction_type: str = "flow",  # "flow": ε - x0 (Wan); "sample": x0 (JiT, for pixel space with patches wider than the model)
        control_channels: int = 0,  # the last of the in_channels are a control concatenated to the latents (as Wan I2V's 36)
        pixel_head_width: int = 0,  # >0: a convolutional decoder at full resolution after the patches (models.dit.pixel_head; pixel-space models)
    ) -> None:
        if prediction_type not in ("flow", "sample"):
            raise ValueError(f"prediction_type must be 'flow' or 'sample', not {prediction_type!r}")
        if not 0 <= control_channels < in_channels:
            raise ValueError(f"control_channels ({control_channels}) must be fewer than in_channels ({in_channels})")
        super().__init__(
            patch_size, num_attention_heads, attention_head_dim, in_channels, out_channels, text_dim, freq_dim, ffn_dim,
            num_layers, cross_attn_norm, qk_norm, eps, image_dim, added_kv_proj_dim, rope_max_seq_len, pos_embed_seq_len,
        )  # fmt: skip
        inner_dim = num_attention_heads * attention_head_dim
        self.blocks = nn.ModuleList(
            [
                MultiShotBlock(inner_dim, ffn_dim, num_attention_heads, qk_norm, cross_attn_norm, eps, added_kv_proj_dim, camera_frames_per_latent)
                for _ in range(num_layers)
            ]
        )
        self.shot_rope = MultiShotRoPE(attention_head_dim, rope_mode, rope_split_4d, shot_delta)
        self.pixel_head = PixelHead(out_channels, in_channels, control_channels, pixel_head_width) if pixel_head_width else None

    # -- loading -------------------------------------------------------------------------------

    @classmethod
    def from_wan(cls, path: str | Path, torch_dtype=None, **config) -> tuple["MultiShotTransformer", list[str]]:
        """Load a Wan2.1 diffusers transformer folder; returns the model and the keys it did not have
        (our new modules, left at their zero / identity initialisation). Raises if any Wan key is
        left unused."""
        from safetensors.torch import load_file

        path = Path(path)
        files = sorted(path.glob("*.safetensors"))
        if not files:
            raise ValueError(f"{path}: no .safetensors weights")
        model = cls.from_config(cls.load_config(str(path)), **config)
        state: dict[str, torch.Tensor] = {}
        for f in files:  # one file, or the shards of a large checkpoint
            state.update(load_file(str(f)))
        dtype = torch_dtype
        result = model.load_state_dict(state, strict=False)
        unexpected = [k for k in result.unexpected_keys if not any(k.endswith(i) or i in k for i in cls._keys_to_ignore_on_load_unexpected)]
        if unexpected:
            raise ValueError(f"{path}: weights that do not fit a Wan transformer: {unexpected[:8]}")
        new = sorted(result.missing_keys)
        stray = [k for k in new if ".camera_encoder." not in k and ".camera_projector." not in k]
        if stray:
            raise ValueError(f"{path}: Wan weights missing from the checkpoint: {stray[:8]}")
        if dtype is not None:
            model = model.to(dtype)
        return model, new

    def flow(self, prediction: torch.Tensor, noisy: torch.Tensor, sigma: float, min_sigma: float = 0.05) -> torch.Tensor:
        """The flow ε - x0 the samplers step with, from this model's output for ``noisy`` at ``sigma``:
        a sample-predicting model's x0 becomes (x_t - x0) / σ (σ floored, as JiT, where it vanishes)."""
        if self.config.prediction_type == "flow":
            return prediction
        return (noisy - prediction) / max(sigma, min_sigma)

    def fuse_camera_projectors(self) -> None:
        for block in self.blocks:
            block.fuse_camera_projector()

    # -- forward -------------------------------------------------------------------------------

    def forward(self, hidden_states, timestep, encoder_hidden_states, encoder_hidden_states_image=None, return_dict: bool = True, attention_kwargs=None, camera=None, control=None):
        """Wan's signature for one shot: (B, C, F, H, W) latents, (B,) timesteps; ``control`` as a
        segment's (concatenated channels, or VACE's context)."""
        if encoder_hidden_states_image is not None:
            raise ValueError("image conditioning (Wan I2V) is not supported by MultiShotTransformer")
        f = hidden_states.shape[2] // self.config.patch_size[0]
        ids = torch.arange(f)
        seg = Segment(hidden_states, torch.zeros(f), ids, ids, timestep, camera, control=control)
        out = self.forward_segments([seg], encoder_hidden_states)[0]
        return Transformer2DModelOutput(sample=out) if return_dict else (out,)

    def forward_segments(self, segments: list[Segment], encoder_hidden_states: torch.Tensor, text_shot: torch.Tensor | None = None) -> list[torch.Tensor]:
        """Predict the flow of every segment with ``output=True`` ((B, C_out, F, H, W) each).

        ``text_shot`` (L,) says whose each text token is (a shot index, GLOBAL_TEXT or PAD_TEXT);
        without it every token reads every caption token."""
        p_t, p_h, p_w = self.config.patch_size
        device = encoder_hidden_states.device
        tokens, ids, token_shot, token_frame, grids, frame_steps, cameras = [], [], [], [], [], [], []
        frames_so_far = 0
        batch = segments[0].latents.shape[0]
        any_camera = any(s.camera is not None for s in segments)
        for seg in segments:
            x = self.patch_embedding(self._with_control(seg))
            _, _, f, h, w = x.shape
            tokens.append(x.flatten(2).transpose(1, 2))
            grids.append((f, h, w))
            sel = slice(None, None, p_t)  # ids per patch-frame
            ids.append(grid_ids(seg.shot[sel].cpu(), seg.frame[sel].cpu(), seg.time[sel].cpu(), h, w, seg.spatial_scale * 1.0))
            token_shot.append(seg.shot[sel].to(device).long().repeat_interleave(h * w))
            token_frame.append((torch.arange(f, device=device) + frames_so_far).repeat_interleave(h * w))
            frames_so_far += f
            t = seg.timestep.to(device)
            frame_steps.append(t[:, None].expand(batch, f) if t.ndim == 1 else t[:, sel])
            if any_camera:
                cameras.append(seg.camera[:, sel] if seg.camera is not None else self._static(batch, f, device))
        hidden_states = torch.cat(tokens, dim=1).contiguous()
        token_frame = torch.cat(token_frame)
        cos, sin = self.shot_rope(torch.cat(ids).to(device))
        rotary_emb = (cos.to(device), sin.to(device))

        steps = torch.cat(frame_steps, dim=1)  # (B, frames)
        if bool((steps == steps[:, :1]).all()):  # one timestep per sample: Wan's own (cheaper) path
            temb, timestep_proj, context, _ = self.condition_embedder(steps[:, 0], encoder_hidden_states, None)
            timestep_proj = timestep_proj.unflatten(1, (6, -1))
        else:  # per frame, then gathered to tokens (Wan 2.2's per-token modulation)
            temb, timestep_proj, context, _ = self.condition_embedder(steps.flatten(), encoder_hidden_states, None, timestep_seq_len=steps.shape[1])
            temb = temb[:, token_frame]
            timestep_proj = timestep_proj.unflatten(2, (6, -1))[:, token_frame]
        mask = cross_attention_mask(torch.cat(token_shot), text_shot) if text_shot is not None else None
        control_tokens = self._control_tokens(segments, hidden_states)
        cp = self._context_parallel()
        if cp is not None:  # this process keeps its share of the tokens and of every per-token input
            hidden_states, token_frame_local = _shard(hidden_states, 1, cp), _shard(token_frame, 0, cp)
            rotary_emb = (_shard(rotary_emb[0], 1, cp), _shard(rotary_emb[1], 1, cp))
            timestep_proj = _shard(timestep_proj, 1, cp) if timestep_proj.ndim == 4 else timestep_proj
            mask = _shard(mask, 2, cp) if mask is not None else None
            control_tokens = _shard(control_tokens, 1, cp) if control_tokens is not None else None
        else:
            token_frame_local = token_frame
        camera = (torch.cat(cameras, dim=1), token_frame_local) if any_camera else None
        hints = self._hints(hidden_states, context, timestep_proj, rotary_emb, mask, control_tokens)

        for i, block in enumerate(self.blocks):
            if torch.is_grad_enabled() and self.gradient_checkpointing:
                hidden_states = self._gradient_checkpointing_func(block, hidden_states, context, timestep_proj, rotary_emb, camera, mask)
            else:
                hidden_states = block(hidden_states, context, timestep_proj, rotary_emb, camera, mask)
            if i in hints:
                hidden_states = hidden_states + hints[i]
        if cp is not None:
            hidden_states = _unshard(hidden_states, 1, cp)

        # Wan's output stage, as diffusers 0.42's WanTransformer3DModel.forward writes it (diffusers is
        # pinned below 0.43 in pyproject.toml; the Wan parity test fails if a new release changes it).
        if temb.ndim == 3:
            shift, scale = (self.scale_shift_table.unsqueeze(0).to(temb.device) + temb.unsqueeze(2)).chunk(2, dim=2)
            shift, scale = shift.squeeze(2), scale.squeeze(2)
        else:
            shift, scale = (self.scale_shift_table.to(temb.device) + temb.unsqueeze(1)).chunk(2, dim=1)
        hidden_states = (self.norm_out(hidden_states.float()) * (1 + scale) + shift).type_as(hidden_states)
        hidden_states = self.proj_out(hidden_states)

        outputs, start = [], 0
        for seg, (f, h, w) in zip(segments, grids):
            n = f * h * w
            if seg.output:
                x = hidden_states[:, start : start + n].reshape(batch, f, h, w, p_t, p_h, p_w, -1)
                x = x.permute(0, 7, 1, 4, 2, 5, 3, 6).flatten(6, 7).flatten(4, 5).flatten(2, 3)
                if self.pixel_head is not None:
                    x = self.pixel_head(x, seg.latents, seg.control, seg.timestep)
                outputs.append(x)
            start += n
        return outputs

    def _context_parallel(self):
        """diffusers' ContextParallelConfig once ``enable_parallelism`` ran on this model, else None.

        Wan's own ``_cp_plan`` splits the outputs of its ``rope`` module and the input of ``blocks.0``;
        this model computes its RoPE (``shot_rope``), its per-token timesteps, cameras, caption mask
        and VACE tokens itself, so it splits them here (enable it with ``cp_plan={}``). The attention
        processors then trade tokens for heads (Ulysses) in self-attention; cross-attention reads the
        whole caption from each process's own tokens."""
        config = getattr(self, "_parallel_config", None)
        return getattr(config, "context_parallel_config", None)

    def _control_tokens(self, segments: list[Segment], hidden_states: torch.Tensor) -> torch.Tensor | None:
        """A control branch's input tokens (the VACE subclass has one; the channel-concatenating model does not)."""
        return None

    def _hints(self, hidden_states, context, timestep_proj, rotary_emb, mask, control) -> dict[int, torch.Tensor]:
        """What a control branch adds after which block (none here)."""
        return {}

    def _with_control(self, seg: Segment) -> torch.Tensor:
        """The patch embedding's input: the latents and, for a control-concatenating model, the
        control channels (zeros where a segment has none, as a clean cache frame may)."""
        k = self.config.control_channels
        if not k:
            return seg.latents
        lat = seg.latents
        control = seg.control
        if control is None:
            control = lat.new_zeros(lat.shape[0], k, *lat.shape[2:])
        if control.shape[1] != k or control.shape[2:] != lat.shape[2:]:
            raise ValueError(f"control of shape {tuple(control.shape)} for latents {tuple(lat.shape)}: expected {k} channels on the same frames and grid")
        return torch.cat([lat, control.to(lat.dtype)], dim=1)

    def _static(self, batch: int, frames: int, device) -> torch.Tensor:
        r = self.config.camera_frames_per_latent
        return static_camera(frames, batch, device=device).repeat(1, 1, r)

    def flops_per_forward(self, tokens: int, text_tokens: int) -> float:
        """Matmul FLOPs of one forward (2 per multiply-add), for TFLOP/s figures."""
        c = self.config
        d = c.num_attention_heads * c.attention_head_dim
        per_block = 2 * tokens * (4 * d * d) + 4 * tokens * tokens * d  # self-attention projections + scores/values
        per_block += 2 * tokens * 2 * d * d + 2 * text_tokens * 2 * d * d + 4 * tokens * text_tokens * d  # cross-attention
        per_block += 2 * tokens * 2 * d * c.ffn_dim
        return c.num_layers * per_block + 2 * tokens * d * (c.out_channels * math.prod(c.patch_size))


def _shard(x: torch.Tensor, dim: int, cp) -> torch.Tensor:
    """This process's share of ``x`` along ``dim``: the shares differ by one token at most when it does not divide (ulysses_anything)."""
    import torch.distributed as dist

    group = cp._flattened_mesh.get_group()
    return x.tensor_split(dist.get_world_size(group), dim=dim)[dist.get_rank(group)]


def _unshard(x: torch.Tensor, dim: int, cp) -> torch.Tensor:
    """Every process's shares of ``x`` gathered along ``dim`` (the inverse of :func:`_shard`, for
    inference). Uneven shares are padded to the largest for the gather: gloo gathers equal sizes only."""
    import torch.distributed as dist

    group = cp._flattened_mesh.get_group()
    world = dist.get_world_size(group)
    sizes = torch.tensor([x.shape[dim]], device=x.device)
    every = [torch.empty_like(sizes) for _ in range(world)]
    dist.all_gather(every, sizes, group=group)
    sizes = [int(s) for s in every]
    pad = max(sizes) - x.shape[dim]
    if pad:
        x = torch.cat([x, x.narrow(dim, 0, 1).expand(*[pad if d == dim else -1 for d in range(x.ndim)])], dim=dim)
    parts = [torch.empty_like(x) for _ in range(world)]
    dist.all_gather(parts, x.contiguous(), group=group)
    return torch.cat([p.narrow(dim, 0, n) for p, n in zip(parts, sizes)], dim=dim)
