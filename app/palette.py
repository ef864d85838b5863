"""Colours shared by every view, so shot 3 is the same colour in the planner, viewport and timeline."""

from functools import lru_cache

SHOT_COLOURS = ["#e07a5f", "#81b29a", "#f2cc8f", "#7aa6e0", "#c08ad0", "#e0e070"]
SELECTED_KEY = "#ffe14d"
BACKGROUND_3D = "#1d1f24"


def shot_colour(index: int) -> str:
    return SHOT_COLOURS[index % len(SHOT_COLOURS)]


@lru_cache(maxsize=256)
def rgba(colour: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    """'#rrggbb' -> floats in 0..1 (cached: GL views ask for the same few colours on every edit)."""
    return (int(colour[1:3], 16) / 255.0, int(colour[3:5], 16) / 255.0, int(colour[5:7], 16) / 255.0, alpha)
