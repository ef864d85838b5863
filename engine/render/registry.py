"""The backends this engine offers, by name."""

from __future__ import annotations

from engine.render.backend import Backend
from engine.render.dit_backend import DitBackend
from engine.render.greybox_backend import GreyboxBackend
from engine.render.grid_backend import GridBackend


def default_backends(device: str, model_dirs=None, context_parallel: int = 1, group=None) -> dict[str, Backend]:
    """The grid and the grey-box always (the grey-box says why when there is no OpenGL); the DiT
    with the models found (it says why it cannot render without one), split over ``group``'s
    processes with ``context_parallel`` > 1 (the grid and grey-box run on rank 0 alone)."""
    return {"grid": GridBackend(), "greybox": GreyboxBackend(), "dit": DitBackend(device, model_dirs, context_parallel=context_parallel, group=group)}
