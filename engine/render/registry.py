"""The backends this engine offers, by name."""

from __future__ import annotations

from engine.render.backend import Backend
from engine.render.dit_backend import DitBackend
from engine.render.grid_backend import GridBackend


def default_backends(device: str, model_dirs=None) -> dict[str, Backend]:
    """The grid always; the DiT with the models found (it says why it cannot render without one)."""
    return {"grid": GridBackend(), "dit": DitBackend(device, model_dirs)}
