"""The trajectory DiT to ONNX (torch's exporter) and back through onnxruntime on the CPU.

The graph takes the model's twelve inputs by name with a dynamic batch (shots x guidance passes
stacked in one call) and a dynamic number of text tokens; its output ``x0`` is the predicted clean segment at the model's knots (B, 21, 9 at stride 4).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import torch

from engine.atomic import atomic_path

INPUTS = ("x", "sigma", "reference", "reference_mask", "text", "text_mask", "audio", "layout", "layout_mask", "keep", "segment", "segments")
OPSET = 17


def example_inputs(model, batch: int = 2, tokens: int = 12, subjects: int = 4) -> dict[str, torch.Tensor]:
    cfg = model.cfg
    f, k = cfg.frames, cfg.knots
    g = torch.Generator().manual_seed(0)
    return {
        "x": torch.randn(batch, k, 9, generator=g),
        "sigma": torch.rand(batch, generator=g),
        "reference": torch.randn(batch, k, 9, generator=g),
        "reference_mask": (torch.arange(k)[None].expand(batch, k) < 3).float(),
        "text": torch.randn(batch, tokens, cfg.text_dim, generator=g),
        "text_mask": (torch.arange(tokens)[None].expand(batch, tokens) < tokens - 2).float(),
        "audio": torch.randn(batch, f, cfg.audio_dim, generator=g),
        "layout": torch.randn(batch, subjects, cfg.layout_dim, generator=g),
        "layout_mask": torch.ones(batch, subjects),
        "keep": torch.ones(batch, 3),
        "segment": torch.zeros(batch, dtype=torch.long),
        "segments": torch.ones(batch, dtype=torch.long) * 2,
    }


def export_onnx(model, path: Path) -> Path:
    model = model.eval()
    inputs = example_inputs(model)
    dynamic = {name: {0: "batch"} for name in INPUTS}
    dynamic["text"] = {0: "batch", 1: "tokens"}
    dynamic["text_mask"] = {0: "batch", 1: "tokens"}
    dynamic["layout"] = {0: "batch", 1: "subjects"}
    dynamic["layout_mask"] = {0: "batch", 1: "subjects"}
    dynamic["x0"] = {0: "batch"}
    path = Path(path)
    with atomic_path(path) as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation notice
        torch.onnx.export(
            model, tuple(inputs[n] for n in INPUTS), str(tmp), input_names=list(INPUTS), output_names=["x0"],
            dynamic_axes=dynamic, opset_version=OPSET, dynamo=False,
        )  # fmt: skip
    return path


class OnnxFlow:
    """The exported model as a function of numpy inputs, on onnxruntime's CPU provider."""

    def __init__(self, path: Path, threads: int = 1):  # one thread: 2 cut the wall time by a tenth and doubled the CPU (spinning)
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])

    def __call__(self, **inputs: np.ndarray) -> np.ndarray:
        feed = {k: (v.astype(np.int64) if k in ("segment", "segments") else v.astype(np.float32)) for k, v in inputs.items()}
        return self.session.run(["x0"], feed)[0]


class TorchFlow:
    """The torch module behind the same interface (tests, and before an export exists)."""

    def __init__(self, model):
        self.model = model.eval()

    @torch.no_grad()
    def __call__(self, **inputs: np.ndarray) -> np.ndarray:
        t = {k: torch.from_numpy(np.asarray(v, np.int64 if k in ("segment", "segments") else np.float32)) for k, v in inputs.items()}
        return self.model(**t).numpy()
