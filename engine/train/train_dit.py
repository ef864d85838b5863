"""Flow-matching training of the small multi-shot DiT on procedural grey-box sequences.

The model is a ``MultiShotTransformer`` in pixel space (3 channels in [-1, 1], patches of 2 frames ×
8 × 8 pixels, MiniLM captions, one camera per frame). Every step draws a sequence from
``data.make_sequence`` and trains on one of FilmWeaver's layouts of it:

- holistic: up to ``max_shots`` consecutive shots generated together (what the engine renders);
- first shot, extension, new shot, new shot + extension: one shot generated after clean caches —
  the shot cache (keyframes of earlier shots by caption similarity) and/or the temporal cache (the
  shot's own first half, older frames pooled) — each cache noised to a random level in
  ``cache_noise`` (FilmWeaver's augmentation, so the model does not copy its context blindly).

Loss: x_t = (1-σ)·x0 + σ·ε and the flow ε - x0 (rectified flow, as Wan), σ logit-normal and shifted
like the sampler's schedule. The model predicts the clean frames x0 (JiT, "Back to Basics", Li & He
2025: a token of 2×8×8 RGB pixels has 384 values and the model is 128 wide, so it cannot carry the
noise through, but it can carry the image), scored by their mean squared error; the samplers step
with the flow the prediction implies, (x_t - x0)/σ. Captions are dropped (all empty) and cameras made static with
probability ``text_dropout`` / ``camera_dropout`` so the two guidance terms of the sampler have
their unconditional halves. AdamW, warm-up, gradient clipping, an EMA of the weights (exported).

Checkpoints (``checkpoint.safetensors``: model, EMA and optimiser moments; the step and config in its
metadata; no pickle) are written atomically every ``checkpoint_every`` steps and on exit. The data
and noise of step k depend only on (seed, k), so a resumed run continues the same run exactly.

    python -m engine.train.train_dit --out runs/greybox-4d --steps 4000 --rope 4d
    python -m engine.train.train_dit --out runs/greybox-4d --export assets/models/shotline-greybox
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import torch

from engine.atomic import atomic_write
from engine.camera.conventions import opengl_to_opencv
from engine.render.text_encoders import TextEncoder
from engine.train.checkpoint import load_checkpoint, save_checkpoint
from engine.train.data import Sequence, make_sequence
from engine.render.dit_control import CHANNELS as CONTROL_CHANNELS
from models.dit.cache import CacheMode, ShotRecord, context_segments, shot_cache, temporal_cache
from models.dit.camera import sequence_cameras, static_camera
from models.dit.transformer import MultiShotTransformer, Segment

HELD_OUT_SEEDS = range(10_000_000, 10_000_050)  # the benchmark's sequences; training seeds stay below
CHECKPOINT = "checkpoint.safetensors"
AR_MODES = (CacheMode.FIRST_SHOT, CacheMode.EXTENSION, CacheMode.NEW_SHOT, CacheMode.NEW_SHOT_EXTENSION)


@dataclass
class TrainConfig:
    rope_mode: str = "4d"
    size: tuple[int, int] = (96, 64)  # width, height
    frames: int = 16  # per shot
    layers: int = 6
    heads: int = 4
    head_dim: int = 32
    patch: tuple[int, int, int] = (2, 8, 8)
    max_shots: int = 3  # holistic samples: at most this many consecutive shots
    holistic_share: float = 0.5  # the rest: the four cache modes, evenly
    lr: float = 5e-4
    warmup: int = 200
    weight_decay: float = 0.01
    grad_clip: float = 1.0
    ema: float = 0.999
    sigma_shift: float = 3.0
    text_dropout: float = 0.1
    camera_dropout: float = 0.1
    cache_noise: tuple[float, float] = (0.0, 0.1)
    shot_cache_frames: int = 4
    temporal_budget: tuple[int, ...] = (2, 2, 4)
    checkpoint_every: int = 250
    prediction: str = "sample"  # x0: a 128-wide model cannot output the 384 noise values of a 2x8x8 patch (JiT)
    control_channels: int = 0  # 7: the grey-box control (engine.render.dit_control) concatenated to the frames
    crop_frames: int = 0  # >0: each generated shot is a window of this many frames at its true positions (cheaper steps; sampling makes whole shots)
    sequence_reuse: int = 1  # steps that draw their layout from one sequence (its ray casting costs more than a step)
    pixel_head: int = 0  # >0: width of the full-resolution convolutional decoder after the patches (models.dit.pixel_head)
    seed: int = 0
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_json(cls, text: str) -> "TrainConfig":
        data = json.loads(text)
        for key in ("size", "patch", "cache_noise", "temporal_budget"):
            data[key] = tuple(data[key])
        return cls(**data)


def small_transformer(cfg: TrainConfig) -> MultiShotTransformer:
    return MultiShotTransformer(
        patch_size=cfg.patch, num_attention_heads=cfg.heads, attention_head_dim=cfg.head_dim, in_channels=3 + cfg.control_channels, out_channels=3,
        text_dim=384, freq_dim=128, ffn_dim=4 * cfg.heads * cfg.head_dim, num_layers=cfg.layers, rope_max_seq_len=256,
        rope_mode=cfg.rope_mode, camera_frames_per_latent=1, prediction_type=cfg.prediction, control_channels=cfg.control_channels, pixel_head_width=cfg.pixel_head,
    )  # fmt: skip


def control_to_tensor(control: np.ndarray) -> torch.Tensor:
    """(F, H, W, C) float32 -> (1, C, F, H, W)."""
    return torch.from_numpy(np.ascontiguousarray(control)).float().permute(3, 0, 1, 2)[None].contiguous()


def frames_to_tensor(frames: np.ndarray) -> torch.Tensor:
    """(F, H, W, 3) uint8 -> (1, 3, F, H, W) float in [-1, 1]."""
    return torch.from_numpy(frames).float().div(127.5).sub(1.0).permute(3, 0, 1, 2)[None].contiguous()


@dataclass
class Example:
    """One training layout: segments to run (noisy targets among clean context) and their targets."""

    segments: list[Segment]
    targets: list[torch.Tensor]  # ε - x0 for each segment with output=True
    global_prompt: str
    prompts: list[str]
    mode: str
    sigma: float


def sample_sigma(gen: torch.Generator, shift: float) -> float:
    """Logit-normal σ, shifted toward noise like the sampler's schedule (SD3 / Wan)."""
    u = torch.sigmoid(torch.randn((), generator=gen)).item()
    return shift * u / (1 + (shift - 1) * u)


def _noisy(x0: torch.Tensor, sigma: float, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    eps = torch.randn(x0.shape, generator=gen)
    return (1 - sigma) * x0 + sigma * eps, eps - x0


def build_example(seq: Sequence, cfg: TrainConfig, text: TextEncoder, rng: np.random.Generator, gen: torch.Generator) -> Example:
    x0 = [frames_to_tensor(s.frames) for s in seq.shots]
    controls = [control_to_tensor(s.control) if cfg.control_channels else None for s in seq.shots]
    cams = sequence_cameras([opengl_to_opencv(s.path.c2w) for s in seq.shots])
    prompts = [s.prompt for s in seq.shots]
    lengths = [x.shape[2] for x in x0]
    starts = np.cumsum([0] + lengths)
    if rng.random() < cfg.camera_dropout:
        cams = [static_camera(c.shape[1]) for c in cams]
    global_prompt = seq.caption
    if rng.random() < cfg.text_dropout:
        global_prompt, prompts = "", ["" for _ in prompts]
    sigma = sample_sigma(gen, cfg.sigma_shift)
    t = torch.full((1,), 1000.0 * sigma)

    if rng.random() < cfg.holistic_share:
        count = int(rng.integers(1, min(cfg.max_shots, len(x0)) + 1))
        first = int(rng.integers(0, len(x0) - count + 1))
        segments, targets = [], []
        for j, i in enumerate(range(first, first + count)):
            a, b = _window(rng, lengths[i], cfg, 0)
            xt, target = _noisy(x0[i][:, :, a:b], sigma, gen)
            ids = torch.arange(a, b)
            ctl = controls[i][:, :, a:b] if controls[i] is not None else None
            segments.append(Segment(xt, torch.full((b - a,), j), ids, ids + starts[i] - starts[first], t, cams[i][:, a:b], control=ctl))
            targets.append(target)
        return Example(segments, targets, global_prompt, prompts[first : first + count], "holistic", sigma)

    i = int(rng.integers(0, len(x0)))
    mode = AR_MODES[int(rng.integers(0, 2)) + (2 if i > 0 else 0)]
    noise_lo, noise_hi = cfg.cache_noise
    group = cfg.patch[0]
    history = [ShotRecord(j, x0[j], torch.arange(lengths[j]) + starts[j], cams[j], text.pooled(prompts[j]), controls[j]) for j in range(i)]
    shot_segs = shot_cache(history, text.pooled(prompts[i]), cfg.shot_cache_frames, noise_sigma=float(rng.uniform(noise_lo, noise_hi)), generator=gen, group=group)
    f = lengths[i]
    split = 0
    temporal = []
    if mode in (CacheMode.EXTENSION, CacheMode.NEW_SHOT_EXTENSION):
        split = (f // 2) // group * group if not cfg.crop_frames else _window(rng, f, cfg, group)[0]
        ids = torch.arange(split)
        ctl = controls[i][:, :, :split] if controls[i] is not None else None
        temporal = temporal_cache(x0[i][:, :, :split], i, ids, ids + starts[i], cams[i][:, :split], cfg.temporal_budget, float(rng.uniform(noise_lo, noise_hi)), gen, ctl)
    context = context_segments(mode, shot_segs, temporal)
    a, b = (split, f) if not cfg.crop_frames else (split, min(split + cfg.crop_frames, f)) if split else _window(rng, f, cfg, 0)
    xt, target = _noisy(x0[i][:, :, a:b], sigma, gen)
    ids = torch.arange(a, b)
    segment = Segment(xt, torch.full((b - a,), i), ids, ids + starts[i], t, cams[i][:, a:b], control=controls[i][:, :, a:b] if controls[i] is not None else None)
    return Example(context + [segment], [target], global_prompt, prompts[: i + 1], mode.value, sigma)


def _window(rng: np.random.Generator, frames: int, cfg: TrainConfig, least: int) -> tuple[int, int]:
    """Frames [a, b) to generate: the whole shot, or a ``crop_frames`` window starting on a whole
    temporal patch at ``least`` or later."""
    if not cfg.crop_frames or cfg.crop_frames >= frames:
        return least, frames
    group = cfg.patch[0]
    starts = list(range(least, frames - cfg.crop_frames + 1, group)) or [least]
    a = int(rng.choice(starts))
    return a, min(a + cfg.crop_frames, frames)


def flow_loss(model: MultiShotTransformer, example: Example, text: TextEncoder) -> torch.Tensor:
    ctx, owners = text.sequence(example.global_prompt, example.prompts)
    preds = model.forward_segments(example.segments, ctx.to(model.device), owners)
    targets = example.targets
    if model.config.prediction_type == "sample":
        # Scored on the clean frames: x0 = x_t - σ·(ε - x0). The flow's 1/σ² weighting (JiT's v-loss)
        # left the high-noise steps, where a sequence's layout is decided, too weakly trained at this
        # budget: sampled from pure noise, the model drew 8x8 mosaics.
        noisy = [s.latents for s in example.segments if s.output]
        targets = [x - example.sigma * t for x, t in zip(noisy, targets)]
    pred = torch.cat([p.flatten() for p in preds])
    return torch.nn.functional.mse_loss(pred.float(), torch.cat([t.flatten() for t in targets]))


class Trainer:
    def __init__(self, cfg: TrainConfig, out: Path, device: str = "cpu", text_encoder=None, init: Path | None = None):
        from engine.render.text_encoders import minilm

        self.cfg, self.out, self.device = cfg, Path(out), device
        torch.manual_seed(cfg.seed)
        self.model = small_transformer(cfg).to(device)
        self.ema = {k: v.detach().clone() for k, v in self.model.state_dict().items()}
        self.opt = torch.optim.AdamW(self.model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay, betas=(0.9, 0.99))
        self.text = text_encoder or minilm("cpu")
        self.step = 0
        self._sequence: tuple[int, Sequence] | None = None
        if (self.out / CHECKPOINT).is_file():
            self.load()
        elif init is not None:
            self.warm_start(Path(init))

    def warm_start(self, folder: Path) -> None:
        """Start from another model folder's transformer of the same shape: weights it lacks keep
        their initialisation; a patch embedding with fewer input channels fills the first ones and
        leaves the new (control) channels at zero, so the start predicts what that model did."""
        from safetensors.torch import load_file

        state = {}
        for f in sorted(folder.glob("*.safetensors")):
            state.update(load_file(str(f)))
        own = self.model.state_dict()
        key = "patch_embedding.weight"
        if key in state and state[key].shape[1] < own[key].shape[1]:
            w = torch.zeros_like(own[key])
            w[:, : state[key].shape[1]] = state[key]
            state[key] = w
        fitting = {k: v for k, v in state.items() if k in own and own[k].shape == v.shape}
        self.model.load_state_dict(fitting, strict=False)
        self.ema = {k: v.detach().clone() for k, v in self.model.state_dict().items()}

    # -- data ----------------------------------------------------------------------------------

    def example(self, step: int) -> Example:
        """Step ``step``'s layout: a function of (seed, step) alone."""
        reuse = max(self.cfg.sequence_reuse, 1)
        rng = np.random.default_rng([self.cfg.seed, step])
        gen = torch.Generator().manual_seed(int(rng.integers(1 << 62)))
        seed = int(np.random.default_rng([self.cfg.seed, step // reuse * reuse]).integers(1 << 62) % HELD_OUT_SEEDS.start) if reuse > 1 else int(rng.integers(0, HELD_OUT_SEEDS.start))
        if self._sequence is None or self._sequence[0] != seed:
            self._sequence = (seed, make_sequence(seed, self.cfg.size, self.cfg.frames))
        return build_example(self._sequence[1], self.cfg, self.text, rng, gen)

    # -- optimisation --------------------------------------------------------------------------

    cooldown: tuple[int, int] | None = None  # (first step, steps): the learning rate falls linearly to 0 over them

    def lr_at(self, step: int) -> float:
        lr = self.cfg.lr * min(1.0, (step + 1) / max(self.cfg.warmup, 1))
        if self.cooldown is not None:
            first, steps = self.cooldown
            lr *= max(0.0, 1.0 - (step - first) / steps)
        return lr

    def train_step(self, example: Example | None = None) -> float:
        example = example or self.example(self.step)
        self.model.train()
        for group in self.opt.param_groups:
            group["lr"] = self.lr_at(self.step)
        loss = flow_loss(self.model, _to(example, self.device), self.text)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg.grad_clip)
        self.opt.step()
        decay = min(self.cfg.ema, (1 + self.step) / (10 + self.step))
        with torch.no_grad():
            for k, v in self.model.state_dict().items():
                self.ema[k].lerp_(v.detach(), 1 - decay)
        self.step += 1
        return float(loss.detach())

    @torch.no_grad()
    def evaluate(self, example: Example) -> float:
        self.model.eval()
        return float(flow_loss(self.model, _to(example, self.device), self.text))

    def train(self, steps: int, minutes: float | None = None, log_every: int = 25, keep: tuple[int, ...] = ()) -> None:
        """Train until ``steps`` in total (resuming where the checkpoint left off) or ``minutes`` pass;
        at each step in ``keep`` the EMA weights are also exported to ``step-N/`` (for comparing
        runs at the same budget)."""
        deadline = time.monotonic() + 60 * minutes if minutes else math.inf
        losses: list[float] = []
        started = time.monotonic()
        try:
            while self.step < steps and time.monotonic() < deadline:
                losses.append(self.train_step())
                if self.step % log_every == 0:
                    rate = len(losses) / (time.monotonic() - started)
                    self._log({"step": self.step, "loss": float(np.mean(losses[-log_every:])), "steps_per_s": rate, "lr": self.lr_at(self.step)})
                if self.step % self.cfg.checkpoint_every == 0:
                    self.save()
                if self.step in keep:
                    self.export(self.out / f"step-{self.step}")
        finally:
            self.save()

    def _log(self, row: dict) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        with open(self.out / "log.jsonl", "a") as fh:
            fh.write(json.dumps(row) + "\n")
        print(json.dumps(row), flush=True)

    # -- checkpoints ---------------------------------------------------------------------------

    def save(self) -> None:
        save_checkpoint(self.out / CHECKPOINT, self.model, self.ema, self.opt, self.step, json.dumps(asdict(self.cfg)))

    def load(self) -> None:
        path = self.out / CHECKPOINT

        def check(meta: dict) -> None:
            saved = TrainConfig.from_json(meta["config"])
            if _recipe(saved) != _recipe(self.cfg):
                raise ValueError(f"{path}: trained with another configuration ({_config_diff(saved, self.cfg)}); use another --out")

        self.ema, self.step = load_checkpoint(path, self.model, self.opt, check, self.device)

    def export(self, folder: Path, note: dict | None = None) -> None:
        """The EMA weights as a model folder the engine loads: transformer/ + shotline.json."""
        model = small_transformer(self.cfg)
        model.load_state_dict(self.ema)
        folder = Path(folder)
        model.save_pretrained(folder / "transformer", safe_serialization=True)
        settings = {"channels": 3, "control": "greybox" if self.cfg.control_channels else None, "size": list(self.cfg.size), "frames": self.cfg.frames, "rope_mode": self.cfg.rope_mode, "steps": self.step, **(note or {})}
        with atomic_write(folder / "shotline.json") as fh:
            fh.write(json.dumps(settings, indent=2) + "\n")


BOOKKEEPING = ("checkpoint_every",)  # how often to save is not part of a run's recipe


def _recipe(cfg: TrainConfig) -> dict:
    return {k: v for k, v in asdict(cfg).items() if k not in BOOKKEEPING}


def _config_diff(a: TrainConfig, b: TrainConfig) -> str:
    da, db = _recipe(a), _recipe(b)
    return ", ".join(f"{k}: {da[k]} vs {db[k]}" for k in da if da[k] != db[k])


def _to(example: Example, device: str) -> Example:
    if device == "cpu":
        return example
    from dataclasses import replace

    segs = [replace(s, latents=s.latents.to(device), camera=s.camera.to(device) if s.camera is not None else None, control=s.control.to(device) if s.control is not None else None) for s in example.segments]
    return replace(example, segments=segs, targets=[t.to(device) for t in example.targets])


def _stop(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Train the small multi-shot DiT on procedural grey-box sequences.")
    ap.add_argument("--out", type=Path, required=True, help="run folder (resumed if it holds a checkpoint)")
    ap.add_argument("--steps", type=int, default=4000, help="train until this many steps in total")
    ap.add_argument("--minutes", type=float, default=None, help="stop after this long (resume later)")
    ap.add_argument("--rope", choices=("3d", "4d", "shift"), default="4d")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--export", type=Path, default=None, help="write the EMA weights as a model folder and stop")
    ap.add_argument("--control", action="store_true", help="condition on the grey-box control (depth, world normals, flat colours): the bundled model's recipe")
    ap.add_argument("--init", type=Path, default=None, help="a transformer folder to start from (a fresh run only)")
    ap.add_argument("--pixel-head", type=int, default=None, help="width of the full-resolution decoder after the patches (0: none; the --control recipe's default 32)")
    ap.add_argument("--cooldown", type=int, default=None, help="train this many more steps with the learning rate falling linearly to 0, then stop (as the planner's trainer)")
    ap.add_argument("--checkpoint-every", type=int, default=250)
    ap.add_argument("--keep", type=int, nargs="*", default=[], help="steps at which to also export the EMA weights to OUT/step-N")
    args = ap.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    signal.signal(signal.SIGTERM, _stop)  # `kill` checkpoints before leaving, as Ctrl-C does
    cfg = TrainConfig(rope_mode=args.rope, checkpoint_every=args.checkpoint_every)
    if args.control:
        cfg = replace(cfg, control_channels=CONTROL_CHANNELS, sequence_reuse=4, crop_frames=8, max_shots=2, warmup=100, pixel_head=32)
    if args.pixel_head is not None:
        cfg = replace(cfg, pixel_head=args.pixel_head)
    trainer = Trainer(cfg, args.out, args.device, init=args.init)
    if args.export:
        trainer.export(args.export)
        print(f"exported step {trainer.step} to {args.export}")
        return 0
    steps = args.steps
    if args.cooldown:
        trainer.cooldown = (trainer.step, args.cooldown)
        steps = trainer.step + args.cooldown
    trainer.train(steps, args.minutes, keep=tuple(args.keep))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
