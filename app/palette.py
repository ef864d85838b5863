"""Colours shared by every view, so shot 3 is the same colour in the planner, viewport and timeline."""

SHOT_COLOURS = ["#e07a5f", "#81b29a", "#f2cc8f", "#7aa6e0", "#c08ad0", "#e0e070"]
SELECTED_KEY = "#ffe14d"
BACKGROUND_3D = "#1d1f24"


def shot_colour(index: int) -> str:
    return SHOT_COLOURS[index % len(SHOT_COLOURS)]
