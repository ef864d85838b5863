"""The multi-shot DiT pipeline: captions and cameras in, video frames of every shot out.

Flow matching (x_t = (1-σ)·x0 + σ·ε, the model predicts ε - x0) sampled with diffusers' schedulers
(Euler or UniPC, shifted sigmas). Classifier-free guidance has separate text and camera weights
(OmniDirector): pred = u + w_text·(c_text - u) + w_cam·(c_full - c_text), where u has empty captions
and a static camera, c_text the captions and a static camera, c_full captions and the real cameras;
camera guidance can be limited to the high-noise steps (σ ≥ threshold), where the layout is decided.

Two modes: holistic (every shot in one pass, ShotVerse / HoloCine) and autoregressive (shot by shot
with FilmWeaver's shot and temporal caches, for long sequences at flat memory). Progress, previews and
cancellation between steps go through the callbacks the engine gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np
import torch

from engine.errors import ShotlineError
from models.dit.cache import CacheMode, ShotRecord, cache_mode, context_segments, shot_cache, temporal_cache
from models.dit.camera import sequence_cameras, static_camera
from models.dit.transformer import MultiShotTransformer, Segment

SCHEDULERS = ("euler", "unipc")


@dataclass
class ShotSpec:
    prompt: str
    c2w: np.ndarray  # (N, 4, 4) camera-to-world in OpenCV axes (x right, y down, z forward)

    @property
    def frames(self) -> int:
        return len(self.c2w)


@dataclass
class SampleOptions:
    width: int
    height: int
    steps: int = 30
    seed: int = 0
    text_guidance: float = 5.0
    camera_guidance: float = 1.0
    camera_guidance_high_noise_only: bool = False  # OmniDirector: camera guidance only while sigma >= high_noise_sigma
    camera_input_high_noise_only: bool = False  # ShotVerse's switch: feed the camera only while sigma >= high_noise_sigma
    high_noise_sigma: float = 0.875
    scheduler: str = "unipc"
    shift: float = 3.0
    mode: str = "holistic"  # or "autoregressive"
    native_frames: int = 16  # latent frames the model makes in one go (AR: longer shots are extended)
    shot_cache_frames: int = 4  # K keyframes of earlier shots
    temporal_budget: tuple[int, ...] = field(default=(2, 2, 4))


class IdentityDecoder:
    """Pixel-space models: the latents are the frames, in [-1, 1]."""

    temporal_ratio = 1
    spatial_ratio = 1

    def __init__(self, channels: int = 3):
        self.channels = channels

    def latent_shape(self, frames: int, height: int, width: int) -> tuple[int, int, int, int]:
        return self.channels, frames, height, width

    def decode(self, latents: torch.Tensor) -> np.ndarray:
        """(1, 3, F, H, W) -> (F, H, W, 3) uint8."""
        x = ((latents[0].float().clamp(-1, 1) + 1) * 127.5).round().byte()
        return x.permute(1, 2, 3, 0).cpu().numpy()


class WanVAEDecoder:
    """Wan2.1's causal video VAE (``vae/`` of a diffusers folder): 4x time, 8x space, 16 channels."""

    temporal_ratio = 4
    spatial_ratio = 8

    def __init__(self, vae):
        self.vae = vae.eval()
        self.mean = torch.tensor(vae.config.latents_mean).view(1, -1, 1, 1, 1)
        self.std = torch.tensor(vae.config.latents_std).view(1, -1, 1, 1, 1)

    def latent_shape(self, frames: int, height: int, width: int) -> tuple[int, int, int, int]:
        return self.vae.config.z_dim, 1 + (frames - 1) // 4, height // 8, width // 8

    @torch.no_grad()
    def decode(self, latents: torch.Tensor) -> np.ndarray:
        dtype = next(self.vae.parameters()).dtype
        z = latents.to(dtype) * self.std.to(latents.device, dtype) + self.mean.to(latents.device, dtype)
        video = self.vae.decode(z).sample  # (1, 3, F, H, W) in [-1, 1]
        return IdentityDecoder().decode(video)


def make_scheduler(name: str, shift: float):
    from diffusers import FlowMatchEulerDiscreteScheduler, UniPCMultistepScheduler

    if name == "euler":
        return FlowMatchEulerDiscreteScheduler(num_train_timesteps=1000, shift=shift)
    if name == "unipc":
        return UniPCMultistepScheduler(num_train_timesteps=1000, prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=shift)
    raise ShotlineError(f"unknown scheduler {name!r}; choose from {', '.join(SCHEDULERS)}", "dit", "scheduler")


ProgressFn = Callable[[int, int, int, np.ndarray | None], None]  # shot, step, steps, preview frame


class DitPipeline:
    def __init__(self, transformer: MultiShotTransformer, text_encoder, decoder, device: str = "cpu"):
        self.transformer = transformer.to(device).eval()
        self.text_encoder, self.decoder, self.device = text_encoder, decoder, device
        self.r = transformer.config.camera_frames_per_latent
        self.patch_t = transformer.config.patch_size[0]  # latent frames per token: shots are padded to a multiple
        self.native: tuple[tuple[int, int], int] | None = None  # (size, frames) a small model renders at; set by its loader
        if decoder.temporal_ratio != self.r:
            raise ShotlineError(f"the transformer takes {self.r} video frames per latent frame but the decoder makes {decoder.temporal_ratio}", "dit", "model")

    # -- conditioning --------------------------------------------------------------------------

    def _cameras(self, shots: list[ShotSpec]) -> list[torch.Tensor]:
        """Each shot's cameras per latent frame, relative to the sequence's first frame."""
        return [c.to(self.device) for c in sequence_cameras([s.c2w for s in shots], self.r, self._whole_patches)]

    def _latent_frames(self, shot: ShotSpec, opts: SampleOptions) -> int:
        return self._whole_patches(self.decoder.latent_shape(shot.frames, opts.height, opts.width)[1])

    def _whole_patches(self, frames: int) -> int:
        """``frames`` rounded up to a multiple of the transformer's temporal patch."""
        return -(-frames // self.patch_t) * self.patch_t

    # -- guidance --------------------------------------------------------------------------------

    def _guided(self, build: Callable[[str | None], list[Segment]], conds, sigma: float, opts: SampleOptions) -> list[torch.Tensor]:
        """One guided prediction. ``build(camera)`` makes the segments with the real cameras
        ("real"), a static camera ("static") or none (None); ``conds`` holds (context, owners) with
        the captions and with empty captions."""
        (ctx, owners), (ctx0, owners0) = conds
        wt, wc = opts.text_guidance, opts.camera_guidance
        high = sigma >= opts.high_noise_sigma
        camera = "real" if high or not opts.camera_input_high_noise_only else None
        cam_guided = camera is not None and wc != 1.0 and (high or not opts.camera_guidance_high_noise_only)

        def run(text: bool, cam: str | None) -> list[torch.Tensor]:
            segments = build(cam)
            preds = self.transformer.forward_segments(segments, ctx if text else ctx0, owners if text else owners0)
            noisy = [s.latents for s in segments if s.output]
            return [self.transformer.flow(p, x, sigma) for p, x in zip(preds, noisy)]

        full = run(True, camera)
        if not cam_guided:
            if wt == 1.0:
                return full
            return [u + wt * (f - u) for u, f in zip(run(False, camera), full)]
        static = run(True, "static")
        base = static if wt == 1.0 else [u + wt * (c - u) for u, c in zip(run(False, "static"), static)]
        return [b + wc * (f - c) for b, f, c in zip(base, full, static)]

    # -- sampling ----------------------------------------------------------------------------------

    @torch.no_grad()
    def sample(self, global_prompt: str, shots: list[ShotSpec], opts: SampleOptions, progress: ProgressFn | None = None, check: Callable[[], None] | None = None) -> list[np.ndarray]:
        """Frames (N, H, W, 3) uint8 for every shot."""
        if not shots:
            raise ShotlineError("nothing to render: no shots", "dit", "shots")
        if opts.mode == "autoregressive":
            return self._sample_autoregressive(global_prompt, shots, opts, progress, check)
        if opts.mode != "holistic":
            raise ShotlineError(f"unknown mode {opts.mode!r}; choose holistic or autoregressive", "dit", "mode")
        cameras = self._cameras(shots)
        conds = self._conditions(global_prompt, [s.prompt for s in shots])
        gen = torch.Generator(device="cpu").manual_seed(opts.seed)
        latents = [self._noise(s, opts, gen) for s in shots]
        times = np.cumsum([0] + [lat.shape[2] for lat in latents])

        def build(latents_now, camera: str | None, t: float) -> list[Segment]:
            segs = []
            for i, lat in enumerate(latents_now):
                f = lat.shape[2]
                segs.append(Segment(lat, torch.full((f,), i), torch.arange(f), torch.arange(f) + times[i], torch.full((1,), t), self._pick(cameras[i], camera)))
            return segs

        out = self._denoise(latents, build, conds, opts, progress, check, shot_index=None)
        return [self.decoder.decode(lat)[: s.frames] for lat, s in zip(out, shots)]  # without the patch padding

    @staticmethod
    def _pick(real: torch.Tensor | None, camera: str | None) -> torch.Tensor | None:
        if camera is None or real is None:
            return None
        if camera == "static":
            return static_camera(real.shape[1], real.shape[0], device=real.device).repeat(1, 1, real.shape[2] // 12)
        return real

    def _conditions(self, global_prompt: str, prompts: list[str]):
        ctx, owners = self.text_encoder.sequence(global_prompt, prompts)
        ctx0, owners0 = self.text_encoder.sequence("", ["" for _ in prompts])
        return (ctx.to(self.device), owners), (ctx0.to(self.device), owners0)

    def _noise(self, shot: ShotSpec, opts: SampleOptions, gen: torch.Generator, frames: int | None = None) -> torch.Tensor:
        c, _, h, w = self.decoder.latent_shape(shot.frames, opts.height, opts.width)
        return torch.randn((1, c, frames or self._latent_frames(shot, opts), h, w), generator=gen).to(self.device)

    def _denoise(self, latents, build, conds, opts, progress, check, shot_index) -> list[torch.Tensor]:
        scheduler = make_scheduler(opts.scheduler, opts.shift)
        scheduler.set_timesteps(opts.steps, device=self.device)
        steps = len(scheduler.timesteps)
        for k, t in enumerate(scheduler.timesteps):
            if check is not None:
                check()
            sigma = float(t) / 1000.0
            preds = self._guided(lambda cam: build(latents, cam, float(t)), conds, sigma, opts)
            # One scheduler for the joint state: the shots are stepped as one tensor along time.
            joint = scheduler.step(torch.cat(preds, dim=2), t, torch.cat(latents, dim=2)).prev_sample
            latents = list(torch.split(joint, [lat.shape[2] for lat in latents], dim=2))
            if progress is not None:
                x0 = [lat - sigma * p for lat, p in zip(latents, preds)]
                for i in range(len(latents)):
                    shot = i if shot_index is None else shot_index
                    preview = self.decoder.decode(x0[i][:, :, :1])[0] if isinstance(self.decoder, IdentityDecoder) else None
                    progress(shot, k + 1, steps, preview)
        return latents

    def _sample_autoregressive(self, global_prompt, shots, opts, progress, check) -> list[np.ndarray]:
        cameras = self._cameras(shots)
        gen = torch.Generator(device="cpu").manual_seed(opts.seed)
        history: list[ShotRecord] = []
        results, time0 = [], 0
        for i, shot in enumerate(shots):
            conds = self._conditions(global_prompt, [s.prompt for s in shots[: i + 1]])
            query = self.text_encoder.pooled(shot.prompt or global_prompt)
            total = self._latent_frames(shot, opts)
            done: torch.Tensor | None = None
            while done is None or done.shape[2] < total:
                start = 0 if done is None else done.shape[2]
                n = min(self._whole_patches(opts.native_frames), total - start)
                mode = cache_mode(bool(history), done is not None)
                context = self._context(mode, history, query, opts, done, i, time0, cameras[i])
                noise = self._noise(shot, opts, gen, frames=n)
                cam = cameras[i][:, start : start + n]
                frame_ids = torch.arange(start, start + n)

                def build(latents_now, camera, t, context=context, cam=cam, frame_ids=frame_ids):
                    target = Segment(latents_now[0], torch.full((n,), i), frame_ids, frame_ids + time0, torch.full((1,), t), self._pick(cam, camera))
                    return [replace(c, camera=self._pick(c.camera, camera)) for c in context] + [target]

                chunk = self._denoise([noise], build, conds, opts, progress, check, shot_index=i)[0]
                done = chunk if done is None else torch.cat([done, chunk], dim=2)
            history.append(ShotRecord(i, done, torch.arange(done.shape[2]) + time0, cameras[i], query))
            time0 += done.shape[2]
            results.append(self.decoder.decode(done)[: shot.frames])
        return results

    def _context(self, mode, history, query, opts, done, shot, time0, camera) -> list[Segment]:
        shot_segs = shot_cache(history, query, opts.shot_cache_frames, group=self.patch_t) if mode in (CacheMode.NEW_SHOT, CacheMode.NEW_SHOT_EXTENSION) else []
        temporal = []
        if done is not None:
            f = done.shape[2]
            temporal = temporal_cache(done, shot, torch.arange(f), torch.arange(f) + time0, camera[:, :f], opts.temporal_budget)
        return context_segments(mode, shot_segs, temporal)
