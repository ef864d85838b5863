"""The backends this engine offers, by name."""

from __future__ import annotations

from engine.render.backend import Backend
from engine.render.grid_backend import GridBackend


def default_backends(device: str) -> dict[str, Backend]:
    backends: dict[str, Backend] = {"grid": GridBackend()}
    return backends
