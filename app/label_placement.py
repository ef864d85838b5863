"""Where names go on a picture so that no two overlap: the one placement rule of every labelled
view (the 3D viewport's label layer, the planner's map from above).

A label names a point. In priority order, each tries a few places near its point (just above it,
then stacked further up, then below); the first place inside the bounds that overlaps no label
already placed is taken, and a label that fits nowhere is left out, so what is shown always reads.
Pixels, y down; no Qt or GL here, so callers measure the text with whatever draws it.
"""

from __future__ import annotations

from dataclasses import dataclass

Box = tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass(frozen=True)
class Wanted:
    x: float  # the point it names
    y: float
    width: float  # of its text, in pixels
    centred: bool = True  # centred over the point, or starting at it


def text_box(width: float, x: float, y_bottom: float, line_h: float, centred: bool) -> Box:
    x0 = x - width / 2 if centred else x
    return (x0, y_bottom - line_h, x0 + width, y_bottom)


def overlaps(a: Box, b: Box, gap: float) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def place(wanted: list[Wanted], bounds: Box, line_h: float, gap: float) -> list[tuple[int, Box]]:
    """(index into ``wanted``, box) of each label that found a place, in the order given (the
    caller's priority order)."""
    x_lo, y_lo, x_hi, y_hi = bounds
    tries = (-gap, -gap - line_h, -gap - 2 * line_h, line_h + gap, 2 * line_h + gap)
    placed: list[tuple[int, Box]] = []
    for i, w in enumerate(wanted):
        for dy in tries:
            box = text_box(w.width, w.x, w.y + dy, line_h, w.centred)
            inside = box[0] >= x_lo and box[1] >= y_lo and box[2] <= x_hi and box[3] <= y_hi
            if inside and not any(overlaps(box, other, gap) for _, other in placed):
                placed.append((i, box))
                break
    return placed
