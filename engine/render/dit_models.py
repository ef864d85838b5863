"""Where the ``dit`` backend finds models: the bundled default under ``assets/models/`` and any
folder the user names (``shotline-engine --model-dir DIR``, or ``SHOTLINE_MODEL_DIRS``).

A model folder is a diffusers-style folder: ``transformer/`` (config.json + *.safetensors) and
either ``shotline.json`` (the small pixel-space model with the MiniLM text encoder) or Wan2.1's
``text_encoder/``, ``tokenizer/`` and ``vae/``. Weights load only from .safetensors (or .onnx):
a folder holding pickled weights (.bin, .pt, .pth, .ckpt, .pkl) is refused, since unpickling runs code,
and so is a ``.safetensors`` file that is not one (a pickle renamed, a truncated download): its
header is read when the folder is scanned, not when a job first loads it.
"""

from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from engine.errors import ShotlineError

ASSETS_MODELS = Path(__file__).resolve().parents[2] / "assets" / "models"
PICKLED = {".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle"}
MAX_SAFETENSORS_HEADER = 100 * 1024 * 1024  # the format's own limit on its JSON header


def safetensors_problem(path: Path) -> str | None:
    """Why ``path`` is not a safetensors file, or None. The format is an 8-byte little-endian
    header length, then that many bytes of a JSON object, then the tensors' bytes."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(8)
            if len(head) < 8:
                return "shorter than a safetensors header"
            (n,) = struct.unpack("<Q", head)
            if n > MAX_SAFETENSORS_HEADER or 8 + n > size:
                return "not a safetensors file (its header length is impossible; a pickle renamed?)"
            header = json.loads(fh.read(n).decode("utf-8"))
    except OSError as exc:
        return f"cannot read ({exc.strerror})"
    except (UnicodeDecodeError, ValueError):
        return "not a safetensors file (its header is not JSON)"
    if not isinstance(header, dict):
        return "not a safetensors file (its header is not a JSON object)"
    end = max((int(t["data_offsets"][1]) for k, t in header.items() if k != "__metadata__" and isinstance(t, dict) and "data_offsets" in t), default=0)
    if 8 + n + end > size:
        return f"truncated ({size} bytes; its header describes {8 + n + end})"
    return None


@dataclass(frozen=True)
class DitModel:
    name: str
    path: Path
    kind: str  # "shotline" (pixel space, MiniLM), "wan" (Wan2.1-T2V: UMT5 + Wan VAE) or "wan-vace" (Wan2.1-VACE)


def inspect_model(path: Path) -> DitModel:
    """Check a model folder and say what it is; a clear refusal names the file at fault."""
    path = Path(path)
    if not (path / "transformer" / "config.json").is_file():
        raise ShotlineError(f"{path}: not a model folder (no transformer/config.json)", "dit", "model")
    pickled = sorted(p for p in path.rglob("*") if p.suffix.lower() in PICKLED)
    if pickled:
        raise ShotlineError(f"{pickled[0]}: pickled weights are not loaded (they can run code); convert them to .safetensors", "dit", "model")
    if not any((path / "transformer").glob("*.safetensors")):
        raise ShotlineError(f"{path / 'transformer'}: no .safetensors weights", "dit", "model")
    for weights in sorted(path.rglob("*.safetensors")):
        problem = safetensors_problem(weights)
        if problem:
            raise ShotlineError(f"{weights}: {problem}", "dit", "model")
    if (path / "shotline.json").is_file():
        try:
            json.loads((path / "shotline.json").read_text())
        except (OSError, ValueError) as exc:
            raise ShotlineError(f"{path / 'shotline.json'}: {exc}", "dit", "model") from exc
        return DitModel(path.name, path, "shotline")
    if all((path / sub).is_dir() for sub in ("text_encoder", "tokenizer", "vae")):
        try:
            config = json.loads((path / "transformer" / "config.json").read_text())
        except (OSError, ValueError) as exc:
            raise ShotlineError(f"{path / 'transformer' / 'config.json'}: {exc}", "dit", "model") from exc
        vace = config.get("_class_name") == "WanVACETransformer3DModel" or "vace_layers" in config
        return DitModel(path.name, path, "wan-vace" if vace else "wan")
    raise ShotlineError(f"{path}: neither shotline.json nor Wan's text_encoder/, tokenizer/ and vae/", "dit", "model")


def discover(extra: list[Path] | None = None) -> tuple[list[DitModel], list[str]]:
    """Every usable model (bundled first) and, for folders that are not, why."""
    candidates = sorted(p for p in ASSETS_MODELS.iterdir() if p.is_dir()) if ASSETS_MODELS.is_dir() else []
    candidates = [p for p in candidates if not (p / "planner.onnx").is_file()]  # the learned camera planner's, not a video model
    env = [Path(p) for p in os.environ.get("SHOTLINE_MODEL_DIRS", "").split(os.pathsep) if p]
    candidates += [Path(p) for p in (extra or [])] + env
    models, problems = [], []
    for path in candidates:
        try:
            models.append(inspect_model(path))
        except ShotlineError as exc:
            problems.append(str(exc))
    return models, problems
