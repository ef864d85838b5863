"""The ``dit`` backend: the multi-shot diffusion transformer behind the engine's protocol.

Models come from ``dit_models`` (bundled default, or folders the user names). A model is loaded on
first use and kept; shots come back when the pass that makes them is done (the whole sequence at
once in holistic mode, shot by shot in autoregressive mode).

Every job follows the request's blocking: the grey-box passes of each shot (``engine.greybox``,
the same set, people and cameras as the ``greybox`` backend) are rendered at the model's size and
handed over as its control — the bundled model's 7 channels (``dit_control``), or for Wan2.1 the
beauty or depth video (``strength``: SDEdit, with the people's id pass for the dual clock;
``vace``: VACE's control input). The streamed previews show the control beside the picture.
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


def load_pipeline(model: DitModel, device: str, context_parallel: int = 1):
    """The model's pipeline on ``device``; with ``context_parallel`` N > 1 its transformer's
    attention is split over the N processes of the current group (``context_parallel.enable``)."""
    import torch

    from engine.render.dit import DitPipeline, IdentityDecoder, WanVAEDecoder
    from engine.render.text_encoders import minilm, umt5
    from models.dit import MultiShotTransformer

    from models.dit.vace import MultiShotVACETransformer

    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    if model.kind == "shotline":
        transformer, _ = MultiShotTransformer.from_wan(model.path / "transformer", torch_dtype=dtype)  # same folder format
        settings = json.loads((model.path / "shotline.json").read_text())
        text, decoder = minilm(device), IdentityDecoder(int(settings.get("channels", 3)))
    else:
        from diffusers import AutoencoderKLWan

        cls = MultiShotVACETransformer if model.kind == "wan-vace" else MultiShotTransformer
        transformer, _ = cls.from_wan(model.path / "transformer", torch_dtype=dtype)
        text = umt5(model.path, device)
        decoder = WanVAEDecoder(AutoencoderKLWan.from_pretrained(model.path / "vae", use_safetensors=True).to(device))
    transformer.fuse_camera_projectors()
    pipe = DitPipeline(transformer, text, decoder, device)
    if context_parallel > 1:
        from engine.render.context_parallel import enable

        enable(pipe.transformer, context_parallel, device)
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


MODE_KINDS = {"bundled": "shotline", "strength": "wan", "vace": "wan-vace"}
INSTALL = {
    "shotline": "the bundled model is assets/models/shotline-greybox (a fresh clone has it)",
    "wan": "a Wan2.1-T2V-1.3B diffusers folder (Wan-AI/Wan2.1-T2V-1.3B-Diffusers: transformer/, vae/, text_encoder/, tokenizer/) under assets/models/ or given with shotline-engine --model-dir",
    "wan-vace": "a Wan2.1-VACE-1.3B diffusers folder (Wan-AI/Wan2.1-VACE-1.3B-diffusers: transformer/, vae/, text_encoder/, tokenizer/) under assets/models/ or given with shotline-engine --model-dir",
}


class DitBackend(Backend):
    name = "dit"
    description = "multi-shot diffusion transformer: renders every shot following its grey-box blocking and camera"

    def __init__(self, device: str = "cpu", model_dirs=None, mode: str = "holistic", context_parallel: int = 1, group=None):
        """``context_parallel`` N > 1: each model is split over N processes; ``group`` (rank 0's
        ``cp_group.ContextParallelGroup``) runs every render on all of them."""
        self.device, self.mode, self.context_parallel, self.group = device, mode, context_parallel, group
        self.available, self.problems = discover(model_dirs)
        self._loaded: dict[str, object] = {}
        self._generation = group.generation if group is not None else 0

    def models(self) -> list[str]:
        return [m.name for m in self.available]

    def not_ready(self) -> str | None:
        if self.available:
            return None
        why = "; ".join(self.problems) if self.problems else "no model folder was found"
        return f"the dit backend has no model ({why}): the bundled model lives in assets/models/ (a fresh clone has it), or give a Wan2.1 diffusers folder with --model-dir"

    def choose(self, request: RenderRequest) -> DitModel:
        """The model a request gets: the one it names, else the first of the kind its mode needs."""
        kind = MODE_KINDS.get(request.dit_mode)
        if request.model is not None:
            model = next((m for m in self.available if m.name == request.model), None)
            if model is None:
                raise ShotlineError(f"unknown model {request.model!r}; this engine has {', '.join(self.models()) or 'none'}", "dit", "model")
            if kind is not None and model.kind != kind:
                raise ShotlineError(f"model {model.name!r} is a {model.kind} model; dit_mode {request.dit_mode!r} needs {INSTALL[kind]}", "dit", "dit_mode")
            return model
        model = next((m for m in self.available if kind is None or m.kind == kind), None)
        if model is None:
            raise ShotlineError(f"dit_mode {request.dit_mode!r} has no weights here: install {INSTALL[kind]}" if kind else (self.not_ready() or "no model"), "dit", "dit_mode")
        return model

    def refusal(self, request: RenderRequest) -> list[dict] | None:
        try:
            self.choose(request)
        except ShotlineError as exc:
            return [{"loc": ["body", exc.field], "msg": exc.message, "type": "value_error"}]
        return None

    def pipeline(self, name: str | None):
        model = next((m for m in self.available if m.name == name), None) if name else (self.available[0] if self.available else None)
        if model is None:
            raise ShotlineError(self.not_ready() or f"unknown model {name!r}", "dit", "model")
        return self._pipeline(model)

    def _pipeline(self, model: DitModel):
        if self.group is not None and self.group.generation != self._generation:
            self._loaded, self._generation = {}, self.group.generation  # split over a group that is gone
        if model.name not in self._loaded:
            self._loaded[model.name] = load_pipeline(model, self.device, self.context_parallel)
        return self._loaded[model.name]

    def render(self, request: RenderRequest, ctx: RenderContext) -> Iterator[tuple[int, np.ndarray]]:
        from engine.camera.lens import focal_pixels
        from engine.render.dit import SampleOptions, ShotSpec

        model = self.choose(request)
        if self.group is not None:  # the first order loads the model on every rank
            self.group.ensure_loaded(self.pipeline, model.name)
        pipe = self._pipeline(model)
        native = pipe.native
        width, height = native[0] if native else (request.width, request.height)
        picks = [np.round(np.linspace(0, s.frames - 1, native[1])).astype(int) if native else np.arange(s.frames) for s in request.shots]
        video_pass = request.control or ("depth" if pipe.conditioning == "vace" else "beauty")
        controls = greybox_control(request, picks, (width, height), pipe.conditioning, video_pass)
        shots = []
        for s, idx, c in zip(request.shots, picks, controls):
            c2w = opengl_to_opencv(s.c2w())[idx]
            focal = focal_pixels(s.focal()[idx], s.film_back_mm, width)  # as the grey-box control was drawn
            shots.append(ShotSpec(s.prompt, c2w, control=c.get("channels"), control_video=c.get("video"), subject_mask=c.get("people"), focal_px=focal))
        opts = SampleOptions(
            width=width, height=height, steps=request.steps, seed=request.seed,
            text_guidance=request.guidance, camera_guidance=request.camera_guidance, mode=request.sampling or self.mode,
            strength=request.strength if pipe.conditioning == "strength" else 1.0, subject_strength=request.subject_strength,
            conditioning_scale=request.conditioning_scale,
            noise_keep=(request.noise_keep or None) if pipe.moves_noise_with_the_set and (request.sampling or self.mode) == "holistic" else None,
        )  # fmt: skip
        shown = [c["shown"] for c in controls]

        def progress(shot: int, step: int, steps: int, preview: np.ndarray | None = None) -> None:
            ctx.progress(shot, step, steps, beside(shown[shot], preview) if preview is not None else None)

        if self.group is not None:
            frames = self.group.sample(self.pipeline, model.name, request.prompt, shots, opts, progress=progress, is_cancelled=ctx.is_cancelled)
        else:
            frames = pipe.sample(request.prompt, shots, opts, progress=progress, check=ctx.check)
        for i, f in enumerate(frames):
            n = request.shots[i].frames
            yield i, to_delivery(f, n, request.width, request.height) if native else fit_frames(f, n)


def beside(control: np.ndarray, picture: np.ndarray) -> np.ndarray:
    """The control frame and the picture side by side (the control scaled to the picture's height):
    what the Render tab shows while a shot streams in."""
    import cv2

    h = picture.shape[0]
    if control.shape[0] != h:
        control = cv2.resize(control, (max(1, round(control.shape[1] * h / control.shape[0])), h), interpolation=cv2.INTER_AREA)
    return np.concatenate([control, picture], axis=1)


def greybox_control(request: RenderRequest, picks: list[np.ndarray], size: tuple[int, int], conditioning: str, video_pass: str) -> list[dict]:
    """Each shot's grey-box control at ``size`` for the frames ``picks``: "channels" (the bundled
    model's, ``dit_control.encode``), "video" (beauty or depth as RGB, for Wan), "people" (the id
    pass's persons, for the dual clock) and "shown" (the first frame, as a person sees it)."""
    from engine.greybox.gl import gl_available
    from engine.greybox.passes import depth_to_rgb
    from engine.greybox.scene import FLOOR_ID, SKY_ID, hex_rgb, subject_id
    from engine.greybox.shots import GreyboxShots
    from engine.render import dit_control
    from engine.render.grid_backend import request_paths

    why = gl_available()
    if why:
        raise ShotlineError(f"the dit backend renders its grey-box control with OpenGL, which is not available here: {why}", "dit", "control")
    project = request.blocking()
    shots = GreyboxShots(project, request_paths(request), size, base_dir=request.base_dir, source="request")
    top = max([subject_id(i) for i in range(len(project.subjects))] + [FLOOR_ID]) + 1
    palette = np.zeros((top, 3), np.uint8)
    palette[FLOOR_ID] = dit_control.FLOOR_CODE
    palette[SKY_ID] = dit_control.SKY_CODE
    people = np.zeros(top, bool)
    for i, subject in enumerate(project.subjects):
        palette[subject_id(i)] = np.round(np.asarray(hex_rgb(subject.color)) * 255).astype(np.uint8)
        people[subject_id(i)] = subject.kind == "person"
    out = []
    for index, idx in enumerate(picks):
        passes = [shots.render_frame(index, int(f), ("beauty", "depth", "normal", "id")) for f in idx]
        ids = np.stack([np.minimum(p["id"], top - 1) for p in passes])
        item = {"people": people[ids]}
        if conditioning == "concat":
            c2w = request.shots[index].c2w()[idx]
            normals = np.stack([dit_control.camera_to_world_normals(p["normal"], m) for p, m in zip(passes, c2w)])
            item["channels"] = dit_control.encode(np.stack([p["depth"] for p in passes]), normals, palette[ids])
            item["shown"] = dit_control.preview(item["channels"][0])
        else:
            video = np.stack([p["beauty"] if video_pass == "beauty" else depth_to_rgb(p["depth"]) for p in passes])
            item["video"], item["shown"] = video, video[0]
        out.append(item)
    return out


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
