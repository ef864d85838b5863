"""A training run's state in one .safetensors file: model, EMA, the optimiser's moments, the step and
the run's configuration (metadata; no pickle), written atomically so a killed run keeps its last
whole checkpoint. Both trainers (the video DiT, engine/train/train_dit.py, and the learned planner,
engine/planner/learned/train.py) resume through it."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import torch

from engine.atomic import atomic_path


def save_checkpoint(path: Path, model: torch.nn.Module, ema: dict[str, torch.Tensor], opt: torch.optim.Optimizer, step: int, config: str, extra: dict[str, str] | None = None) -> None:
    """The run's state in one safetensors file; ``extra`` goes into its metadata beside the step and
    configuration (what a resumed run must keep, such as its data normalisation)."""
    from safetensors.torch import save_file

    tensors = {f"model.{k}": v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    tensors.update({f"ema.{k}": v.cpu().contiguous() for k, v in ema.items()})
    names = {id(p): n for n, p in model.named_parameters()}
    for group in opt.param_groups:
        for p in group["params"]:
            for key, value in opt.state.get(p, {}).items():
                tensors[f"opt.{names[id(p)]}.{key}"] = torch.as_tensor(value).detach().cpu().reshape(-1) if key == "step" else value.detach().cpu().contiguous()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        save_file(tensors, str(tmp), metadata={**(extra or {}), "step": str(step), "config": config})


def load_checkpoint(
    path: Path, model: torch.nn.Module, opt: torch.optim.Optimizer, check: Callable[[dict], None] | None = None, device: str = "cpu"
) -> tuple[dict[str, torch.Tensor], int]:
    """Restore ``model`` and ``opt`` in place; returns (EMA weights, step). ``check(metadata)`` may
    refuse the file (another configuration) before any tensor is read."""
    from safetensors import safe_open

    with safe_open(str(path), "pt") as fh:
        meta = fh.metadata()
        if check is not None:
            check(meta)
        tensors = {k: fh.get_tensor(k) for k in fh.keys()}
    model.load_state_dict({k[6:]: v for k, v in tensors.items() if k.startswith("model.")})
    ema = {k[4:]: v.to(device) for k, v in tensors.items() if k.startswith("ema.")}
    for name, p in model.named_parameters():
        state = {key.rsplit(".", 1)[1]: v for key, v in tensors.items() if key.startswith(f"opt.{name}.") and key.count(".") == name.count(".") + 2}
        if state:
            state["step"] = state["step"].reshape(())
            opt.state[p] = {k: v.to(device) for k, v in state.items()}
    return ema, int(meta["step"])
