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
from engine.server.protocol import RenderRequest


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
    return DitPipeline(transformer, text, decoder, device)


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
        return f"the dit backend has no model ({why}): give a Wan2.1 diffusers folder with --model-dir; the bundled model is not trained yet"

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
        shots = [ShotSpec(s.prompt, opengl_to_opencv(s.c2w())) for s in request.shots]
        opts = SampleOptions(
            width=request.width, height=request.height, steps=request.steps, seed=request.seed,
            text_guidance=request.guidance, camera_guidance=request.camera_guidance, mode=self.mode,
        )  # fmt: skip
        frames = pipe.sample(request.prompt, shots, opts, progress=ctx.progress, check=ctx.check)
        for i, f in enumerate(frames):
            yield i, fit_frames(f, request.shots[i].frames)


def fit_frames(frames: np.ndarray, n: int) -> np.ndarray:
    """Exactly n frames: Wan's VAE makes 4k+1, so a shot of another length is cut or holds its last frame."""
    if len(frames) >= n:
        return frames[:n]
    return np.concatenate([frames, np.repeat(frames[-1:], n - len(frames), axis=0)])
