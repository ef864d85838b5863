"""The multi-shot DiT pipeline: captions and cameras in, video frames of every shot out.

Flow matching (x_t = (1-σ)·x0 + σ·ε, the model predicts ε - x0) sampled with diffusers' schedulers
(Euler or UniPC, shifted sigmas). Classifier-free guidance has separate text and camera weights
(OmniDirector): pred = u + w_text·(c_text - u) + w_cam·(c_full - c_text), where u has empty captions
and a static camera, c_text the captions and a static camera, c_full captions and the real cameras;
camera guidance can be limited to the high-noise steps (σ ≥ threshold), where the layout is decided.

Two modes: holistic (every shot in one pass, ShotVerse / HoloCine) and autoregressive (shot by shot
with FilmWeaver's shot and temporal caches, for long sequences at flat memory). Progress, previews and
cancellation between steps go through the callbacks the engine gives.

Control (each shot's grey-box passes), by what the transformer is:
- a control-concatenating model (the bundled one): ``ShotSpec.control`` (F, H, W, 7) beside the frames;
- ``strength`` (any Wan2.1 T2V): SDEdit over the grey-box video (diffusers' ``WanVideoToVideoPipeline``
  maths): its VAE latents noised to the first step whose σ ≤ strength, then denoised with the
  captions; 0 gives back the control, 1 is text-to-video. Optionally Time-to-Move's dual clock: the
  subjects (id pass) start from their own σ (``subject_strength``) and until then are held to the
  control noised to the current σ;
- ``vace`` (a Wan2.1-VACE transformer): the control video's VACE context (inactive / reactive latents
  and the mask) through the VACE branch, times ``conditioning_scale``.
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
from models.dit.vace import MultiShotVACETransformer

SCHEDULERS = ("euler", "unipc")


@dataclass
class ShotSpec:
    prompt: str
    c2w: np.ndarray  # (N, 4, 4) camera-to-world in OpenCV axes (x right, y down, z forward)
    control: np.ndarray | None = None  # (N, H, W, C) float32 in [-1, 1]: a control-concatenating model's channels
    control_video: np.ndarray | None = None  # (N, H, W, 3) uint8: grey-box beauty or depth, for strength / vace
    subject_mask: np.ndarray | None = None  # (N, H, W) bool: the subjects (id pass), for the dual clock
    focal_px: np.ndarray | None = None  # (N,) focal length in pixels of the render: for noise that moves with the set

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
    strength: float = 1.0  # SDEdit: 1 starts from noise (text only), 0 returns the control video
    subject_strength: float | None = None  # dual clock: the subjects' own starting σ (None: one clock)
    conditioning_scale: float = 1.0  # VACE hints' weight
    # starting noise carried along the grey-box geometry from frame to frame (engine.render.noise_warp):
    # the share of each pixel's noise it keeps from the frame before; None: fresh noise every frame
    noise_keep: float | None = None


class IdentityDecoder:
    """Pixel-space models: the latents are the frames, in [-1, 1]."""

    temporal_ratio = 1
    spatial_ratio = 1

    def __init__(self, channels: int = 3):
        self.channels = channels

    def latent_shape(self, frames: int, height: int, width: int) -> tuple[int, int, int, int]:
        return self.channels, frames, height, width

    def encode(self, frames: np.ndarray) -> torch.Tensor:
        """(F, H, W, 3) uint8 -> (1, 3, F, H, W) in [-1, 1]."""
        return torch.from_numpy(np.ascontiguousarray(frames)).float().div(127.5).sub(1.0).permute(3, 0, 1, 2)[None]

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
    def encode(self, frames: np.ndarray) -> torch.Tensor:
        """(F, H, W, 3) uint8 (F = 4k + 1) -> normalised latents (1, z, k + 1, H/8, W/8), the
        distribution's mode as diffusers' video-to-video pipeline takes it."""
        param = next(self.vae.parameters())
        video = IdentityDecoder().encode(frames).to(param.device, param.dtype)
        z = self.vae.encode(video).latent_dist.mode()
        return (z.float() - self.mean.to(z.device)) / self.std.to(z.device)

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
        self.last_latents: list[torch.Tensor] = []  # the last sample's denoised latents per shot (context-parallel ranks compare them)
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

    @property
    def conditioning(self) -> str:
        """How this transformer takes a control: "vace", "concat" (channels beside the frames) or
        "strength" (a plain text-to-video model: SDEdit over the control's latents)."""
        if isinstance(self.transformer, MultiShotVACETransformer):
            return "vace"
        return "concat" if self.transformer.config.control_channels else "strength"

    @property
    def moves_noise_with_the_set(self) -> bool:
        """Whether this model's starting noise can be carried along the grey-box geometry: a
        pixel-space model that follows a grey-box control (its depth says where each pixel's surface is)."""
        return isinstance(self.decoder, IdentityDecoder) and self.conditioning == "concat"

    def _shot_controls(self, shot: ShotSpec, opts: SampleOptions, gen: torch.Generator) -> dict:
        """A shot's control tensors on the latent grid, padded to whole temporal patches."""
        frames = self._latent_frames(shot, opts)
        out: dict = {}
        kind = self.conditioning
        if kind == "concat":
            if shot.control is None:
                raise ShotlineError("this model follows a grey-box control and the shot has none", "dit", "control")
            if self.decoder.temporal_ratio != 1:
                raise ShotlineError("a control-concatenating model needs a pixel-space decoder", "dit", "model")
            ctl = torch.from_numpy(np.ascontiguousarray(shot.control)).float().permute(3, 0, 1, 2)[None]
            out["concat"] = _pad_frames(ctl, frames).to(self.device)
        elif shot.control_video is not None:
            if kind == "vace":
                out["vace"] = _pad_frames(self.vace_context(shot.control_video), frames).to(self.device)
            elif opts.strength < 1.0:
                latents = _pad_frames(self.decoder.encode(shot.control_video), frames).to(self.device)
                noise = torch.randn(latents.shape, generator=gen).to(self.device)
                start = torch.full((1, 1, *latents.shape[2:]), float(opts.strength), device=self.device)
                if opts.subject_strength is not None and shot.subject_mask is not None:
                    subjects = _pad_frames(self.latent_mask(shot.subject_mask), frames).to(self.device)
                    start = torch.where(subjects, float(opts.subject_strength), start)
                out["anchor"] = (latents, noise, start)
        elif kind == "vace":
            raise ShotlineError("a VACE model follows a control video and the shot has none", "dit", "control")
        return out

    def vace_context(self, video: np.ndarray) -> torch.Tensor:
        """Wan2.1-VACE's context for a control video with nothing masked (diffusers' WanVACEPipeline
        with mask=None): the latents of the inactive video (video × 0: mid grey), of the reactive
        video (the control) and the all-ones mask folded to (s·s, F_latent, H/s, W/s)."""
        inactive = self.decoder.encode(np.full_like(video, 128))  # 0 in [-1, 1]
        reactive = self.decoder.encode(video)
        s = self.decoder.spatial_ratio
        mask = torch.ones(1, s * s, *reactive.shape[2:])
        return torch.cat([inactive, reactive, mask], dim=1)

    def latent_mask(self, mask: np.ndarray) -> torch.Tensor:
        """(N, H, W) bool pixels -> (1, 1, F_latent, h, w) bool: a latent pixel is a subject's when
        at least half of the pixels and frames it covers are (Wan's first latent frame covers frame 0 alone)."""
        r, s = self.decoder.temporal_ratio, self.decoder.spatial_ratio
        m = torch.from_numpy(np.ascontiguousarray(mask)).float()[None, None]
        if r > 1:
            m = torch.cat([m[:, :, :1].expand(-1, -1, r - 1, -1, -1), m], dim=2)
            m = m[:, :, : (m.shape[2] // r) * r]
        return torch.nn.functional.avg_pool3d(m, (r, s, s)) >= 0.5

    @torch.no_grad()
    def sample(self, global_prompt: str, shots: list[ShotSpec], opts: SampleOptions, progress: ProgressFn | None = None, check: Callable[[], None] | None = None) -> list[np.ndarray]:
        """Frames (N, H, W, 3) uint8 for every shot."""
        if not shots:
            raise ShotlineError("nothing to render: no shots", "dit", "shots")
        if not 0.0 <= opts.strength <= 1.0 or (opts.subject_strength is not None and not 0.0 <= opts.subject_strength <= 1.0):
            raise ShotlineError("strength and subject_strength are between 0 and 1", "dit", "strength")
        if isinstance(self.transformer, MultiShotVACETransformer):
            self.transformer.conditioning_scale = float(opts.conditioning_scale)
        if opts.mode == "autoregressive":
            if opts.noise_keep is not None:
                raise ShotlineError("noise that moves with the set is for holistic sampling (every shot at once)", "dit", "noise_keep")
            return self._sample_autoregressive(global_prompt, shots, opts, progress, check)
        if opts.mode != "holistic":
            raise ShotlineError(f"unknown mode {opts.mode!r}; choose holistic or autoregressive", "dit", "mode")
        cameras = self._cameras(shots)
        conds = self._conditions(global_prompt, [s.prompt for s in shots])
        gen = torch.Generator(device="cpu").manual_seed(opts.seed)
        latents = self._warped_noise(shots, opts, gen) if opts.noise_keep is not None else [self._noise(s, opts, gen) for s in shots]
        controls = [self._shot_controls(s, opts, gen) for s in shots]
        times = np.cumsum([0] + [lat.shape[2] for lat in latents])

        def build(latents_now, camera: str | None, t: float) -> list[Segment]:
            segs = []
            for i, lat in enumerate(latents_now):
                f = lat.shape[2]
                ctl = controls[i].get("concat", controls[i].get("vace"))
                segs.append(Segment(lat, torch.full((f,), i), torch.arange(f), torch.arange(f) + times[i], torch.full((1,), t), self._pick(cameras[i], camera), control=ctl))
            return segs

        anchors = [c.get("anchor") for c in controls]
        out = self._denoise(latents, build, conds, opts, progress, check, shot_index=None, anchors=anchors)
        self.last_latents = out
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

    def _warped_noise(self, shots: list[ShotSpec], opts: SampleOptions, gen: torch.Generator) -> list[torch.Tensor]:
        """Starting noise that moves with the set (a pixel-space model following a grey-box control,
        whose depth and the shots' cameras say where every pixel's surface was the frame before)."""
        from engine.render.noise_warp import control_depth, warped_noise

        if not self.moves_noise_with_the_set:
            raise ShotlineError("noise that moves with the set needs a pixel-space model that follows a grey-box control", "dit", "noise_keep")
        if any(s.control is None or s.focal_px is None for s in shots):
            raise ShotlineError("noise that moves with the set needs every shot's control and focal length", "dit", "focal_px")
        c = self.decoder.channels
        noise = warped_noise([control_depth(s.control) for s in shots], [s.c2w for s in shots], [np.asarray(s.focal_px, float) for s in shots], c, gen, opts.noise_keep)
        out = []
        for s, n in zip(shots, noise):
            pad = self._latent_frames(s, opts) - n.shape[2]  # whole temporal patches: fresh noise past the shot's end
            out.append(torch.cat([n, torch.randn((1, c, pad, *n.shape[3:]), generator=gen)], dim=2).to(self.device) if pad else n.to(self.device))
        return out

    def _denoise(self, latents, build, conds, opts, progress, check, shot_index, anchors=None) -> list[torch.Tensor]:
        """Denoise from noise, or (``anchors``: per shot (control latents, noise, start σ map) or
        None) from the control noised to the first step a region starts at (SDEdit; dual clock)."""
        scheduler = make_scheduler(opts.scheduler, opts.shift)
        scheduler.set_timesteps(opts.steps, device=self.device)
        timesteps = scheduler.timesteps
        sigmas = [float(t) / 1000.0 for t in timesteps]
        anchors = anchors or [None] * len(latents)
        begin = 0
        if any(a is not None for a in anchors):
            latest = max(float(a[2].max()) for a in anchors if a is not None)
            free = [a is None for a in anchors]
            begin = first_step_at(sigmas, latest) if not any(free) else 0
            if begin >= len(sigmas):  # strength 0: nothing to denoise, the control is the answer
                return [a[0] if a is not None else lat for a, lat in zip(anchors, latents)]
            if begin:
                scheduler.set_begin_index(begin * scheduler.order) if hasattr(scheduler, "set_begin_index") else None
            latents = [_held(lat, a, sigmas[begin], everywhere=True) if a is not None else lat for lat, a in zip(latents, anchors)]
        steps = len(timesteps) - begin
        for k in range(begin, len(timesteps)):
            t = timesteps[k]
            if check is not None:
                check()
            sigma = sigmas[k]
            latents = [_held(lat, a, sigma) if a is not None else lat for lat, a in zip(latents, anchors)]
            preds = self._guided(lambda cam: build(latents, cam, float(t)), conds, sigma, opts)
            # One scheduler for the joint state: the shots are stepped as one tensor along time.
            joint = scheduler.step(torch.cat(preds, dim=2), t, torch.cat(latents, dim=2)).prev_sample
            latents = list(torch.split(joint, [lat.shape[2] for lat in latents], dim=2))
            if progress is not None:
                x0 = [lat - sigma * p for lat, p in zip(latents, preds)]
                for i in range(len(latents)):
                    shot = i if shot_index is None else shot_index
                    progress(shot, k - begin + 1, steps, self.decoder.decode(x0[i][:, :, :1])[0])
        last = sigmas[-1]
        return [torch.where(a[2] < last - 1e-9, a[0], lat) if a is not None else lat for lat, a in zip(latents, anchors)]  # regions that never started keep the control

    def _sample_autoregressive(self, global_prompt, shots, opts, progress, check) -> list[np.ndarray]:
        cameras = self._cameras(shots)
        gen = torch.Generator(device="cpu").manual_seed(opts.seed)
        history: list[ShotRecord] = []
        results, time0 = [], 0
        for i, shot in enumerate(shots):
            conds = self._conditions(global_prompt, [s.prompt for s in shots[: i + 1]])
            query = self.text_encoder.pooled(shot.prompt or global_prompt)
            total = self._latent_frames(shot, opts)
            controls = self._shot_controls(shot, opts, gen)
            control = controls.get("concat", controls.get("vace"))
            done: torch.Tensor | None = None
            while done is None or done.shape[2] < total:
                start = 0 if done is None else done.shape[2]
                n = min(self._whole_patches(opts.native_frames), total - start)
                mode = cache_mode(bool(history), done is not None)
                context = self._context(mode, history, query, opts, done, i, time0, cameras[i], controls.get("concat"))
                noise = self._noise(shot, opts, gen, frames=n)
                cam = cameras[i][:, start : start + n]
                frame_ids = torch.arange(start, start + n)
                ctl = control[:, :, start : start + n] if control is not None else None
                anchor = controls.get("anchor")
                anchor = tuple(a[:, :, start : start + n] for a in anchor) if anchor is not None else None

                def build(latents_now, camera, t, context=context, cam=cam, frame_ids=frame_ids, ctl=ctl):
                    target = Segment(latents_now[0], torch.full((n,), i), frame_ids, frame_ids + time0, torch.full((1,), t), self._pick(cam, camera), control=ctl)
                    return [replace(c, camera=self._pick(c.camera, camera)) for c in context] + [target]

                chunk = self._denoise([noise], build, conds, opts, progress, check, shot_index=i, anchors=[anchor])[0]
                done = chunk if done is None else torch.cat([done, chunk], dim=2)
            history.append(ShotRecord(i, done, torch.arange(done.shape[2]) + time0, cameras[i], query, controls.get("concat")))
            time0 += done.shape[2]
            results.append(self.decoder.decode(done)[: shot.frames])
        self.last_latents = [h.latents for h in history]
        return results

    def _context(self, mode, history, query, opts, done, shot, time0, camera, control=None) -> list[Segment]:
        shot_segs = shot_cache(history, query, opts.shot_cache_frames, group=self.patch_t) if mode in (CacheMode.NEW_SHOT, CacheMode.NEW_SHOT_EXTENSION) else []
        temporal = []
        if done is not None:
            f = done.shape[2]
            temporal = temporal_cache(done, shot, torch.arange(f), torch.arange(f) + time0, camera[:, :f], opts.temporal_budget, control=control[:, :, :f] if control is not None else None)
        return context_segments(mode, shot_segs, temporal)


def first_step_at(sigmas: list[float], sigma: float) -> int:
    """Index of the first step whose σ is at most ``sigma`` (len(sigmas) when none is: never starts)."""
    return next((k for k, s in enumerate(sigmas) if s <= sigma + 1e-9), len(sigmas))


def clock_holds(sigmas: list[float], start: torch.Tensor) -> torch.Tensor:
    """(steps, *start.shape) bool: at step k a region is held to the noised control while its clock
    has not started (σ_k above its start σ). One clock for all, or the dual clock of Time-to-Move."""
    return torch.stack([torch.as_tensor(s) > start + 1e-9 for s in sigmas])


def _held(latents: torch.Tensor, anchor, sigma: float, everywhere: bool = False) -> torch.Tensor:
    """Regions not started at ``sigma`` (or all, for the first state) := the control noised to σ."""
    control, noise, start = anchor
    noised = (1.0 - sigma) * control + sigma * noise
    if everywhere:  # a region of strength 1 starts from pure noise: it never sees the control
        return torch.where(start >= 1.0 - 1e-9, noise, noised)
    return torch.where(sigma > start + 1e-9, noised, latents)


def _pad_frames(x: torch.Tensor, frames: int) -> torch.Tensor:
    """(B, C, F, H, W) cut or padded (last frame repeated) to ``frames``."""
    if x.shape[2] >= frames:
        return x[:, :, :frames]
    return torch.cat([x, x[:, :, -1:].expand(-1, -1, frames - x.shape[2], -1, -1)], dim=2)
