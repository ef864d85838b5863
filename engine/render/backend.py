"""What a render backend is to the engine: something that turns a request into frames, shot by shot.

A backend yields ``(shot index, frames)`` as each shot is finished (the multi-shot model may render
the sequence in one pass and yield them together at the end; the grid yields one at a time). While
it works it reports progress through the context and calls :meth:`RenderContext.check` at least
once a step, which is where a cancel takes effect.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from engine.render.request import RenderRequest


class JobCancelled(Exception):
    """Raised inside a backend at its next step once the job was cancelled."""


@dataclass
class RenderContext:
    device: str
    is_cancelled: Callable[[], bool]
    on_progress: Callable[[int, int, int, np.ndarray | None], None]  # shot, step, steps, preview frame
    # Where a backend may write files beside the MP4s (the grey-box passes) and how it lists them.
    output_dir: Path | None = None
    on_file: Callable[[str], None] | None = None
    # A resumed job: shots before this one are already rendered. A backend that renders shot by
    # shot skips them; one that renders the sequence at once may yield them again (they are dropped).
    first_shot: int = 0
    # A farm worker makes some of the shots (``engine/server/farm.py``): a backend that renders
    # shot by shot skips the others; None makes every shot from ``first_shot`` on.
    only: frozenset[int] | None = None

    def wants(self, index: int) -> bool:
        """Whether this render should make shot ``index``."""
        return index >= self.first_shot and (self.only is None or index in self.only)

    def check(self) -> None:
        if self.is_cancelled():
            raise JobCancelled()

    def progress(self, shot: int, step: int, steps: int, preview: np.ndarray | None = None) -> None:
        self.on_progress(shot, step, steps, preview)


class Backend(ABC):
    name: str
    description: str

    problems: list[str] = []  # model folders this backend found but refused, each with the reason
    # Whether each shot can be made on its own (a farm then renders a job's shots in parallel);
    # a multi-shot model needs them together (holistic) or in order (autoregressive).
    independent_shots: bool = False

    @abstractmethod
    def models(self) -> list[str]:
        """The model names this backend offers (the first is its default)."""

    def not_ready(self) -> str | None:
        """Why this backend cannot take a job now (no model installed …), or None."""
        return None

    def refusal(self, request: RenderRequest) -> list[dict] | None:
        """Problems with this request for this backend as 422 entries (``loc``, ``msg``, ``type``), or None."""
        return None

    @abstractmethod
    def render(self, request: RenderRequest, ctx: RenderContext) -> Iterator[tuple[int, np.ndarray]]:
        """Yield (shot index, frames as (N, H, W, 3) uint8 RGB) for every shot of the request."""
