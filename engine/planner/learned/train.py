"""Flow-matching training of the learned planner (seed 003) on CPU, resumable, in ``--minutes`` chunks.

The data set (:mod:`engine.planner.learned.data`) is built once per run folder and cached
(``dataset.npz``: states, conditions and MiniLM token embeddings of every text). Step k's batch,
noise levels, noise and dropped modalities depend only on (seed, k), so a resumed run continues
the same run exactly -- the pattern of ``engine.train.train_dit``: ``checkpoint.safetensors`` holds
the model, its EMA and the optimiser moments, the step and configuration in its metadata (no
pickle), written atomically every ``checkpoint_every`` steps and on exit (SIGTERM included).

Loss (the patent's S6): x_t = (1-s) x0 + s e on the model's knots (every ``stride``-th frame of the
segment, ``models.planner.rate``); the model predicts the clean knots x0 (JiT, as
``engine.train.train_dit``: a smooth curve is easier to output than the noise on it, and the
samplers step with the flow it implies, (x_t - x0)/s, so two to four steps suffice), scored by its
squared error -- the diffusion term. The smoothness terms are on every frame, the knots through the
spline: a translation velocity loss and an acceleration loss (differences of consecutive frames
against the truth's), the rotation smoothness sum ||R_i - R_{i-1}||_F^2 and the unit-quaternion loss
sum (||q_i|| - 1)^2. Noise levels: logit-normal, uniform, and a tenth at pure noise (the first
sampling step). Each modality is dropped on its own (and all together) so per-modality guidance has
its unconditional terms.

    OMP_NUM_THREADS=1 nice -n 5 timeout 3300 python -m engine.planner.learned.train --out runs/planner --minutes 48
    python -m engine.planner.learned.train --out runs/planner --export assets/models/shotline-planner
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from engine.atomic import atomic_path, atomic_write
from engine.train.checkpoint import load_checkpoint, save_checkpoint
from models.planner import PlannerConfig, TrajectoryDiT
from models.planner.rate import upsample_matrix
from models.planner.trajectory_dit import AUDIO, LAYOUT, TEXT

CHECKPOINT = "checkpoint.safetensors"
DATASET = "dataset.npz"
MAX_TOKENS = 32


@dataclass
class TrainConfig:
    model: dict = field(default_factory=lambda: PlannerConfig(dim=64, depth=3, heads=4, ffn_mult=2, stride=4).to_dict())
    examples: int = 6000
    seed: int = 0
    batch: int = 64
    lr: float = 2e-3
    warmup: int = 100
    weight_decay: float = 0.01
    grad_clip: float = 1.0
    ema: float = 0.998
    sigma_one: float = 0.1  # share of the batch at pure noise: the first sampling step's level, which logit-normal almost never draws
    sigma_uniform: float = 0.4  # share drawn uniformly (the few-step sampler visits 1, 3/4, 1/2, 1/4)
    drop_text: float = 0.12
    drop_audio: float = 0.12
    drop_layout: float = 0.12
    drop_all: float = 0.08
    lambda_vel: float = 10.0  # per-frame differences are small next to the knots' error: weighted up to count
    lambda_acc: float = 10.0
    lambda_rot: float = 0.01
    lambda_quat: float = 0.1
    checkpoint_every: int = 200

    @classmethod
    def from_json(cls, text: str) -> "TrainConfig":
        return cls(**json.loads(text))


# -- data -------------------------------------------------------------------------------------


def encode_texts(texts: list[str], encoder=None) -> tuple[np.ndarray, np.ndarray]:
    """(T, MAX_TOKENS, 384) MiniLM token embeddings (float16) and (T, MAX_TOKENS) masks."""
    if encoder is None:
        from engine.render.text_encoders import minilm

        encoder = minilm("cpu")
    emb = np.zeros((len(texts), MAX_TOKENS, 384), np.float16)
    mask = np.zeros((len(texts), MAX_TOKENS), np.float32)
    for i, t in enumerate(texts):
        tok = encoder.tokens(t)[:MAX_TOKENS].numpy()
        emb[i, : len(tok)] = tok
        mask[i, : len(tok)] = 1.0
    return emb, mask


def build_dataset(examples: int, seed: int, test: bool = False, encoder=None, progress=None) -> dict[str, np.ndarray]:
    """Every segment of ``examples`` examples as arrays (and the texts they index)."""
    from engine.planner.learned.data import make_example, segment_items
    from engine.sequence import EvaluatedSequence

    seq = EvaluatedSequence()
    cols: dict[str, list] = {k: [] for k in ("state", "valid", "reference", "reference_mask", "audio", "has_audio", "layout", "layout_mask", "segment", "segments", "text")}
    texts: dict[str, int] = {}
    for i in range(examples):
        ex = make_example(seed * 1_000_003 + i, test, seq=seq)
        t = texts.setdefault(ex.text, len(texts))
        for item in segment_items(ex):
            for k in cols:
                cols[k].append(t if k == "text" else getattr(item, k))
        if progress and i % 200 == 0:
            progress(i)
    out = {k: np.asarray(v) for k, v in cols.items()}
    names = list(texts)
    out["text_emb"], out["text_mask"] = encode_texts(names, encoder)
    out["texts"] = np.asarray(names)
    return out


def state_stats(data: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel mean and std over valid frames (the model works in these normalised units)."""
    s = data["state"][data["valid"] > 0]
    return s.mean(axis=0).astype(np.float32), np.maximum(s.std(axis=0), 0.05).astype(np.float32)


# -- the loss ---------------------------------------------------------------------------------


def quat_to_matrix(q: torch.Tensor) -> torch.Tensor:
    """(..., 4) quaternions (x, y, z, w), normalised here, to (..., 3, 3) rotation matrices."""
    q = q / q.norm(dim=-1, keepdim=True).clamp(min=1e-8)
    x, y, z, w = q.unbind(-1)
    rows = [
        1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
        2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
        2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y),
    ]  # fmt: skip
    return torch.stack(rows, dim=-1).unflatten(-1, (3, 3))


@dataclass
class Batch:
    x0: torch.Tensor  # normalised state at the knots (every stride-th frame)
    valid: torch.Tensor  # (B, knots)
    frames: torch.Tensor  # normalised state at every frame (the per-frame losses' truth)
    frames_valid: torch.Tensor
    sigma: torch.Tensor
    noise: torch.Tensor
    inputs: dict


def losses(model: TrajectoryDiT, batch: Batch, mean: torch.Tensor, std: torch.Tensor, cfg: TrainConfig,
           upsample: torch.Tensor | None = None) -> dict[str, torch.Tensor]:  # fmt: skip
    """The patent's S6 loss: the x0 error at the knots, and the smoothness terms on every frame
    (the knots through the spline ``upsample``, (frames, knots); identity when the model is per frame)."""
    s = batch.sigma[:, None, None]
    xt = (1 - s) * batch.x0 + s * batch.noise
    knots_hat = model(xt, batch.sigma, **batch.inputs)  # the clean trajectory (normalised units)
    wk = batch.valid[..., None]
    out = {"diffusion": (((knots_hat - batch.x0) ** 2) * wk).sum() / (wk.sum().clamp(min=1.0) * 9)}
    x0_hat = knots_hat if upsample is None else upsample @ knots_hat
    w = batch.frames_valid[..., None]
    frames = w.sum().clamp(min=1.0)
    t_hat, t = x0_hat[..., 4:7], batch.frames[..., 4:7]
    wv = w[:, 1:] * w[:, :-1]
    dv = (t_hat[:, 1:] - t_hat[:, :-1]) - (t[:, 1:] - t[:, :-1])
    out["vel"] = ((dv**2) * wv).sum() / (wv.sum().clamp(min=1.0) * 3)
    wa = wv[:, 1:] * wv[:, :-1]
    da = (t_hat[:, 2:] - 2 * t_hat[:, 1:-1] + t_hat[:, :-2]) - (t[:, 2:] - 2 * t[:, 1:-1] + t[:, :-2])
    out["acc"] = ((da**2) * wa).sum() / (wa.sum().clamp(min=1.0) * 3)
    q_hat = (x0_hat * std + mean)[..., :4]
    r = quat_to_matrix(q_hat)
    out["rot_smooth"] = (((r[:, 1:] - r[:, :-1]) ** 2).sum(dim=(-1, -2)) * wv[..., 0]).sum() / wv.sum().clamp(min=1.0)
    out["quat"] = (((q_hat.norm(dim=-1) - 1) ** 2) * w[..., 0]).sum() / frames
    out["total"] = (
        out["diffusion"] + cfg.lambda_vel * out["vel"] + cfg.lambda_acc * out["acc"]
        + cfg.lambda_rot * out["rot_smooth"] + cfg.lambda_quat * out["quat"]
    )  # fmt: skip
    return out


# -- the trainer ------------------------------------------------------------------------------


class Trainer:
    def __init__(self, cfg: TrainConfig, out: Path, data: dict | None = None, encoder=None):
        self.cfg, self.out = cfg, Path(out)
        torch.manual_seed(cfg.seed)
        self.model = TrajectoryDiT(PlannerConfig(**cfg.model))
        self.ema = {k: v.detach().clone() for k, v in self.model.state_dict().items()}
        self.opt = torch.optim.AdamW(self.model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay, betas=(0.9, 0.99))
        self.step = 0
        self.data = data if data is not None else self._dataset(encoder)
        mean, std = state_stats(self.data)
        self.mean, self.std = torch.from_numpy(mean), torch.from_numpy(std)
        mcfg = PlannerConfig(**cfg.model)
        self.stride = mcfg.stride
        self.upsample = None if mcfg.stride == 1 else torch.from_numpy(upsample_matrix(mcfg.frames, mcfg.stride).astype(np.float32))
        if (self.out / CHECKPOINT).is_file():
            self.load()

    def _dataset(self, encoder) -> dict:
        path = self.out / DATASET
        if path.is_file():
            with np.load(path) as fh:
                data = {k: fh[k] for k in fh.files}
            if int(data["examples"]) == self.cfg.examples and int(data["seed"]) == self.cfg.seed:
                return data
        data = build_dataset(self.cfg.examples, self.cfg.seed, encoder=encoder, progress=lambda i: print(f"data {i}/{self.cfg.examples}", flush=True))
        data["examples"], data["seed"] = np.asarray(self.cfg.examples), np.asarray(self.cfg.seed)
        self.out.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            with open(tmp, "wb") as fh:
                np.savez(fh, **data)
        return data

    def batch(self, step: int) -> Batch:
        """Step ``step``'s batch: a function of (seed, step) alone."""
        rng = np.random.default_rng([self.cfg.seed, step])
        d = self.data
        idx = rng.integers(0, len(d["state"]), self.cfg.batch)
        norm = lambda a: (torch.from_numpy(a) - self.mean) / self.std  # noqa: E731
        st = self.stride
        frames = norm(d["state"][idx])
        x0 = frames[:, ::st].contiguous()
        # The reference frames that fall on knots: the start frame, or 0, 4, 8 of the 9 overlapping.
        ref_mask = torch.from_numpy(d["reference_mask"][idx][:, ::st].copy())
        reference = norm(d["reference"][idx][:, ::st].copy()) * ref_mask[..., None]
        b = self.cfg.batch
        keep = np.ones((b, 3), np.float32)
        keep[:, TEXT] = rng.random(b) >= self.cfg.drop_text
        keep[:, AUDIO] = (rng.random(b) >= self.cfg.drop_audio) & d["has_audio"][idx]
        keep[:, LAYOUT] = rng.random(b) >= self.cfg.drop_layout
        keep[rng.random(b) < self.cfg.drop_all] = 0.0
        sigma = 1.0 / (1.0 + np.exp(-rng.normal(0.0, 1.0, b)))  # logit-normal: the middle steps matter most
        which = rng.random(b)
        sigma = np.where(which < self.cfg.sigma_uniform, rng.random(b), sigma)
        sigma = np.where(which > 1.0 - self.cfg.sigma_one, 1.0, sigma)
        noise = rng.standard_normal(x0.shape).astype(np.float32)
        t = d["text"][idx]
        inputs = {
            "reference": reference,
            "reference_mask": ref_mask,
            "text": torch.from_numpy(d["text_emb"][t].astype(np.float32)),
            "text_mask": torch.from_numpy(d["text_mask"][t]),
            "audio": torch.from_numpy(d["audio"][idx]),
            "layout": torch.from_numpy(d["layout"][idx]),
            "layout_mask": torch.from_numpy(d["layout_mask"][idx]),
            "keep": torch.from_numpy(keep),
            "segment": torch.from_numpy(d["segment"][idx].astype(np.int64)),
            "segments": torch.from_numpy(d["segments"][idx].astype(np.int64)),
        }
        valid = torch.from_numpy(d["valid"][idx])
        return Batch(x0, valid[:, ::st].contiguous(), frames, valid, torch.from_numpy(sigma.astype(np.float32)), torch.from_numpy(noise), inputs)

    cooldown: tuple[int, int] | None = None  # (first step, steps): the learning rate falls linearly to 0 over them
    cooldown_lr: float | None = None  # where that fall starts (default: the configuration's rate)

    def lr_at(self, step: int) -> float:
        lr = self.cfg.lr * min(1.0, (step + 1) / max(self.cfg.warmup, 1))
        if self.cooldown is not None:
            first, steps = self.cooldown
            lr = (self.cooldown_lr or lr) * max(0.0, 1.0 - (step - first) / steps)
        return lr

    def train_step(self) -> dict[str, float]:
        self.model.train()
        for group in self.opt.param_groups:
            group["lr"] = self.lr_at(self.step)
        parts = losses(self.model, self.batch(self.step), self.mean, self.std, self.cfg, self.upsample)
        self.opt.zero_grad(set_to_none=True)
        parts["total"].backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg.grad_clip)
        self.opt.step()
        decay = min(self.cfg.ema, (1 + self.step) / (10 + self.step))
        with torch.no_grad():
            for k, v in self.model.state_dict().items():
                self.ema[k].lerp_(v.detach(), 1 - decay)
        self.step += 1
        return {k: float(v.detach()) for k, v in parts.items()}

    def train(self, steps: int, minutes: float | None = None, log_every: int = 50) -> None:
        """Train until ``steps`` in total (resuming where the checkpoint left off) or ``minutes`` pass."""
        deadline = time.monotonic() + 60 * minutes if minutes else math.inf
        rows: list[dict] = []
        started = time.monotonic()
        try:
            while self.step < steps and time.monotonic() < deadline:
                rows.append(self.train_step())
                if self.step % log_every == 0:
                    mean = {k: float(np.mean([r[k] for r in rows[-log_every:]])) for k in rows[-1]}
                    self._log({"step": self.step, **mean, "steps_per_s": len(rows) / (time.monotonic() - started)})
                if self.step % self.cfg.checkpoint_every == 0:
                    self.save()
        finally:
            self.save()

    def _log(self, row: dict) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        with open(self.out / "log.jsonl", "a") as fh:
            fh.write(json.dumps(row) + "\n")
        print(json.dumps({k: round(v, 5) if isinstance(v, float) else v for k, v in row.items()}), flush=True)

    # -- checkpoints (engine/train/checkpoint.py, shared with the video DiT's trainer) -------------

    def save(self) -> None:
        stats = json.dumps({"mean": self.mean.tolist(), "std": self.std.tolist()})
        save_checkpoint(self.out / CHECKPOINT, self.model, self.ema, self.opt, self.step, json.dumps(asdict(self.cfg)), {"normaliser": stats})

    def load(self) -> None:
        """Resume the checkpoint, keeping the normalisation its weights were trained in: a data set
        made again by changed code has other statistics, and the weights would read every state
        shifted (a checkpoint older than this rule keeps the statistics of the data it finds)."""
        path = self.out / CHECKPOINT

        def check(meta: dict) -> None:
            if json.loads(meta["config"]) != asdict(self.cfg):
                raise ValueError(f"{path}: trained with another configuration; use another --out")
            if "normaliser" in meta:
                stats = json.loads(meta["normaliser"])
                self.mean = torch.tensor(stats["mean"], dtype=torch.float32)
                self.std = torch.tensor(stats["std"], dtype=torch.float32)

        self.ema, self.step = load_checkpoint(path, self.model, self.opt, check)

    def keep_normaliser_of(self, planner_json: Path) -> None:
        """Take the normalisation an exported model was trained in (``planner.json``): for resuming
        a checkpoint written before checkpoints kept their own."""
        note = json.loads(Path(planner_json).read_text())
        self.mean = torch.tensor(note["state_mean"], dtype=torch.float32)
        self.std = torch.tensor(note["state_std"], dtype=torch.float32)

    def ema_model(self) -> TrajectoryDiT:
        model = TrajectoryDiT(PlannerConfig(**self.cfg.model))
        model.load_state_dict(self.ema)
        return model.eval()

    def export(self, folder: Path, note: dict | None = None) -> Path:
        """The EMA weights as ``planner.onnx`` + ``planner.json`` (config, normalisation, steps)."""
        from engine.planner.learned.onnx_export import export_onnx

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        export_onnx(self.ema_model(), folder / "planner.onnx")
        from engine.planner.learned.sample import SampleSettings

        sampling = SampleSettings()
        settings = {
            "model": self.cfg.model,
            "steps": sampling.steps,
            "guidance": sampling.guidance,
            **(note or {}),
            "state_mean": self.mean.tolist(),
            "state_std": self.std.tolist(),
            "max_tokens": MAX_TOKENS,
            "trained_steps": self.step,
            "train": asdict(self.cfg),
        }
        with atomic_write(folder / "planner.json") as fh:
            fh.write(json.dumps(settings, indent=2) + "\n")
        return folder


def run_seed(out: Path) -> int:
    """The seed a run folder's data was made with, so a resumed run without ``--seed`` goes on
    with its own data rather than rebuilding seed 0's."""
    path = Path(out) / DATASET
    if path.is_file():
        with np.load(path) as fh:
            return int(fh["seed"])
    return TrainConfig.seed


def _stop(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Train the learned camera planner (trajectory DiT) on generated text-trajectory pairs.")
    ap.add_argument("--out", type=Path, required=True, help="run folder (resumed if it holds a checkpoint)")
    ap.add_argument("--steps", type=int, default=20000, help="train until this many steps in total")
    ap.add_argument("--minutes", type=float, default=None, help="stop after this long (resume later)")
    ap.add_argument("--examples", type=int, default=TrainConfig.examples)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=None, help="seed of the generated data, the weights and the batches (default: the run folder's, else 0)")
    ap.add_argument("--cooldown", type=int, default=None, help="train this many more steps with the learning rate falling linearly to 0, then stop")
    ap.add_argument("--normaliser-from", type=Path, default=None, help="planner.json whose state normalisation the run keeps (a checkpoint from before checkpoints kept their own)")
    ap.add_argument("--cooldown-lr", type=float, default=None, help="with --cooldown: the learning rate it falls from (default: the run's)")
    ap.add_argument("--export", type=Path, default=None, help="write the EMA weights as planner.onnx + planner.json and stop")
    ap.add_argument("--sample-steps", type=int, default=None, help="with --export: the sampler's steps (default: SampleSettings)")
    ap.add_argument("--guidance", default=None, help="with --export: text,audio,layout guidance weights")
    ap.add_argument("--temperature", type=float, default=None, help="with --export: the scale of the sampler's starting noise")
    ap.add_argument("--text", choices=("reading", "words"), default="reading", help="with --export: what the model is asked in, the rules' reading of each shot in trained words or the words as written")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    signal.signal(signal.SIGTERM, _stop)  # `timeout` / `kill` checkpoint before leaving, as Ctrl-C does
    trainer = Trainer(TrainConfig(examples=args.examples, seed=run_seed(args.out) if args.seed is None else args.seed), args.out)
    if args.normaliser_from:
        trainer.keep_normaliser_of(args.normaliser_from)
    if args.export:
        note = {"text": args.text}
        if args.sample_steps:
            note["steps"] = args.sample_steps
        if args.temperature is not None:
            note["temperature"] = args.temperature
        if args.guidance:
            note["guidance"] = dict(zip(("text", "audio", "layout"), (float(v) for v in args.guidance.split(","))))
        trainer.export(args.export, note)
        print(f"exported step {trainer.step} to {args.export}")
        return 0
    steps = args.steps
    if args.cooldown:
        trainer.cooldown = (trainer.step, args.cooldown)
        trainer.cooldown_lr = args.cooldown_lr
        steps = trainer.step + args.cooldown
    trainer.train(steps, args.minutes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
