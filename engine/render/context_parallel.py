"""Within-shot parallelism for long shots: diffusers' context parallelism (Ulysses) across GPUs.

A long shot is one long token sequence; with Ulysses context parallelism each of N GPUs holds the
whole model and 1/N of the tokens, and before attention the GPUs trade tokens for heads
(all-to-all), so each attends over the whole sequence with 1/N of the heads. Hence N must divide
the model's head count (12 for Wan2.1-T2V-1.3B and VACE-1.3B, 40 for 14B, 4 for the bundled
model). The processes form a ``torch.distributed`` group of N, one process a GPU; diffusers'
``ContextParallelConfig`` and ``enable_parallelism`` do the rest (our multi-shot transformer
splits its own per-token inputs: ``MultiShotTransformer._context_parallel``).

The engine option is ``shotline-engine --context-parallel N``: the engine starts the N-1 other
processes itself and runs every dit render on all of them (``cp_group.py``); :func:`check_degree`
is what it validates (at start, against every model found, before any job is taken).
"""

from __future__ import annotations

from engine.errors import ShotlineError

FLAG = "--context-parallel"


def check_degree(degree: int, heads: int, gpus: int, model: str = "the model") -> None:
    """Refuse a Ulysses degree that cannot split ``heads`` attention heads over ``gpus`` GPUs."""
    if isinstance(degree, bool) or not isinstance(degree, int):
        raise ShotlineError(f"must be a whole number of GPUs, got {degree!r}", "", FLAG)
    if degree < 1:
        raise ShotlineError(f"must be at least 1 (1 is off), got {degree}", "", FLAG)
    if degree == 1:
        return
    if heads % degree:
        fits = [d for d in range(2, heads + 1) if heads % d == 0]
        raise ShotlineError(f"{degree} does not divide the {heads} attention heads of {model}; use one of {', '.join(map(str, fits)) or 'none (1 only)'}", "", FLAG)
    if degree > gpus:
        raise ShotlineError(f"{degree} GPUs asked for and {gpus} {'is' if gpus == 1 else 'are'} visible; one process a GPU", "", FLAG)


def heads_of(config: dict) -> int:
    """The attention heads of a transformer from its ``config.json``."""
    return int(config["num_attention_heads"])


def enable(transformer, degree: int, device: str = "cuda"):
    """Split ``transformer``'s attention across the ``degree`` processes of the current
    ``torch.distributed`` group (Ulysses); every process calls this with the same model and then
    runs the same forward passes. A degree of 1 leaves the model as it is. ``device`` "cpu" (a
    gloo group, for tests) needs no GPU per process."""
    if degree == 1:
        return transformer
    import contextlib
    from unittest import mock

    import torch
    import torch.distributed as dist

    if not dist.is_initialized() or dist.get_world_size() != degree:
        group = dist.get_world_size() if dist.is_initialized() else 0
        raise ShotlineError(f"needs {degree} processes in a torch.distributed group (torchrun --nproc-per-node {degree}); this process is in {group or 'none'}", "", FLAG)
    gpus = degree if device == "cpu" else torch.cuda.device_count()
    check_degree(degree, heads_of(transformer.config), gpus, type(transformer).__name__)
    from diffusers import ContextParallelConfig

    # Our multi-shot transformer splits its own per-token inputs (models/dit/transformer.py), in
    # shares that differ by one where the tokens do not divide (Ulysses "anything": the all-to-all
    # takes uneven shares); a plain diffusers model keeps its class's plan and even shares.
    ours = hasattr(transformer, "_context_parallel")
    config = ContextParallelConfig(ulysses_degree=degree, ulysses_anything=ours)
    plan = {} if ours else None
    # diffusers 0.42 places each process on accelerator rank % count, which is 0 on a CPU-only torch.
    cpu_only = torch.accelerator.device_count() == 0
    with mock.patch.object(torch.accelerator, "device_count", lambda: 1) if cpu_only else contextlib.nullcontext():
        transformer.enable_parallelism(config=config, cp_plan=plan)
    return transformer
