"""The ``dit`` backend: the multi-shot diffusion transformer behind the engine's protocol.

Models come from ``dit_models`` (bundled default, or folders the user names). A model is loaded on
first use and kept; shots come back when the pass that makes them is done (the whole sequence at
once in holistic mode, shot by shot in autoregressive mode).
"""

from __future__ import annotations

import json
from typing import Iterator

import numpy as np

from engine.camera.conventions import opengl_to_opencv
from engine.errors import ShotlineError
from engine.render.backend import Backend, RenderContext
from engine.render.dit_models import DitModel, discover
from engine.render.request import RenderRequest


def load_pipeline(model: DitModel, device: str):
    import torch

    from engine.render.dit import DitPipeline, IdentityDecoder, WanVAEDecoder
    from engine.render.text_encoders import minilm, umt5
    from models.dit import MultiShotTransformer

    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    if model.kind == "shotline":
        transformer, _ = MultiShotTransformer.from_wan(model.path / "transformer", torch_dtype=dtype)  # same folder format
        settings = json.loads((model.path / "shotline.json").read_text())
        text, decoder = minilm(device), IdentityDecoder(int(settings.get("channels", 3)))
    else:
        from diffusers import AutoencoderKLWan

        transformer, _ = MultiShotTransformer.from_wan(model.path / "transformer", torch_dtype=dtype)
        text = umt5(model.path, device)
        decoder = WanVAEDecoder(AutoencoderKLWan.from_pretrained(model.path / "vae", use_safetensors=True).to(device))
    transformer.fuse_camera_projectors()
    pipe = DitPipeline(transformer, text, decoder, device)
    if model.kind == "shotline":
        pipe.native = native_format(settings)
    return pipe


def native_format(settings: dict) -> tuple[tuple[int, int], int] | None:
    """(width, height) and frames per shot a small model was trained at (from its ``shotline.json``),
    or None when it names none (it renders any size)."""
    if "size" not in settings or "frames" not in settings:
        return None
    w, h = settings["size"]
    return (int(w), int(h)), int(settings["frames"])


class DitBackend(Backend):
    name = "dit"
    description = "multi-shot diffusion transformer: renders every shot following its camera"

    def __init__(self, device: str = "cpu", model_dirs=None, mode: str = "holistic"):
        self.device, self.mode = device, mode
        self.available, self.problems = discover(model_dirs)
        self._loaded: dict[str, object] = {}

    def models(self) -> list[str]:
        return [m.name for m in self.available]

    def not_ready(self) -> str | None:
        if self.available:
            return None
        why = "; ".join(self.problems) if self.problems else "no model folder was found"
        return f"the dit backend has no model ({why}): the bundled model lives in assets/models/ (a fresh clone has it), or give a Wan2.1 diffusers folder with --model-dir"

    def pipeline(self, name: str | None):
        model = next((m for m in self.available if m.name == name), None) if name else (self.available[0] if self.available else None)
        if model is None:
            raise ShotlineError(self.not_ready() or f"unknown model {name!r}", "dit", "model")
        if model.name not in self._loaded:
            self._loaded[model.name] = load_pipeline(model, self.device)
        return self._loaded[model.name]

    def render(self, request: RenderRequest, ctx: RenderContext) -> Iterator[tuple[int, np.ndarray]]:
        from engine.render.dit import SampleOptions, ShotSpec

        pipe = self.pipeline(request.model)
        native = pipe.native
        width, height = native[0] if native else (request.width, request.height)
        shots = []
        for s in request.shots:
            c2w = opengl_to_opencv(s.c2w())
            shots.append(ShotSpec(s.prompt, resample_poses(c2w, native[1]) if native else c2w))
        opts = SampleOptions(
            width=width, height=height, steps=request.steps, seed=request.seed,
            text_guidance=request.guidance, camera_guidance=request.camera_guidance, mode=self.mode,
        )  # fmt: skip
        frames = pipe.sample(request.prompt, shots, opts, progress=ctx.progress, check=ctx.check)
        for i, f in enumerate(frames):
            n = request.shots[i].frames
            yield i, to_delivery(f, n, request.width, request.height) if native else fit_frames(f, n)


def fit_frames(frames: np.ndarray, n: int) -> np.ndarray:
    """Exactly n frames: Wan's VAE makes 4k+1, so a shot of another length is cut or holds its last frame."""
    if len(frames) >= n:
        return frames[:n]
    return np.concatenate([frames, np.repeat(frames[-1:], n - len(frames), axis=0)])


def resample_poses(c2w: np.ndarray, frames: int) -> np.ndarray:
    """The shot's whole move at ``frames`` evenly spaced instants (nearest frames), as the small
    model was trained: 16 frames span a shot whatever its length."""
    idx = np.round(np.linspace(0, len(c2w) - 1, frames)).astype(int)
    return c2w[idx]


def to_delivery(frames: np.ndarray, n: int, width: int, height: int) -> np.ndarray:
    """Frames made at the model's size and length -> ``n`` frames at ``width``×``height``: cropped to
    the delivery aspect about the centre, resized, and blended between neighbours in time."""
    import cv2

    f, h, w, _ = frames.shape
    aspect = width / height
    if w / h > aspect:  # model frame wider: crop the sides
        cw = max(2, int(round(h * aspect)))
        frames = frames[:, :, (w - cw) // 2 : (w - cw) // 2 + cw]
    else:
        ch = max(2, int(round(w / aspect)))
        frames = frames[:, (h - ch) // 2 : (h - ch) // 2 + ch]
    big = np.stack([cv2.resize(im, (width, height), interpolation=cv2.INTER_CUBIC) for im in frames]).astype(np.float32)
    pos = np.linspace(0, f - 1, n) if n > 1 else np.zeros(1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, f - 1)
    a = (pos - lo)[:, None, None, None]
    return np.clip((1 - a) * big[lo] + a * big[hi], 0, 255).round().astype(np.uint8)
