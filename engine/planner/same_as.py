"""A shot said as another one with a change: "Shot two is same, but Mara and to the right", "same
as B but pan right", "12b same thing but on mara n go down instead", "Mara single, same as 2 but
pull out instead". The shot takes the referred shot's reading (size, angle, lens, moves) and what
the words after "but" change: their moves instead of its moves, or only its way ("to the right",
"go down instead"), and whoever they name."""

from __future__ import annotations

import copy
import re

from engine.planner import vocabulary as V
from engine.planner.parse import ALLOWED, DIRECTION_RX, ShotSpec, parse_shot

SAME_AS_RX = re.compile(
    r"(?i)(?<![a-z])(?:(?:the|it'?s|is|do)\s+)?same(?:\s+(?:thing|shot|move|setup|again|one))?"
    r"(?:\s+as\s+(?P<ref>(?:shot\s+|number\s+|no\.?\s*|#)?[a-z0-9]+|before|above|the\s+(?:last|previous|first|other)(?:\s+(?:one|shot))?))?"
    r"(?:\s*,?\s*(?:but|except|only)\b|(?=\s+(?:for|on|with)\s+[A-Za-z]))"  # "Third: same for Mara, from her side."
)
# "…, then same angle on jonas", "B: SAME SIZE ON JONAS": one part of the shot before, for another subject
SAME_PART_RX = re.compile(r"(?i)(?<![a-z])(?:the\s+)?same\s+(?P<part>angle|size|framing|lens|height)\b")
LETTERS = "abcdefgh"


def _referred(ref: str | None, index: int) -> int:
    """The shot ``ref`` points at, before shot ``index`` (the one just before when it says none)."""
    ref = (ref or "").lower().strip()
    ref = re.sub(r"^(?:shot|number|no\.?|#)\s*", "", ref)
    if ref.startswith("the first"):
        return 0
    if ref.isdigit() and 1 <= int(ref) <= index:
        return int(ref) - 1
    if ref in V.NUMBER_WORDS and 1 <= int(V.NUMBER_WORDS[ref]) <= index:
        return int(V.NUMBER_WORDS[ref]) - 1
    if len(ref) == 1 and ref in LETTERS and LETTERS.index(ref) < index:
        return LETTERS.index(ref)
    return index - 1


def resolve_same_as(specs: list[ShotSpec], names: list[str], fps: float = 24.0) -> list[ShotSpec]:
    """``specs`` with each "same as …, but …" shot read as the shot it refers to, changed as said."""
    out = list(specs)
    for i, spec in enumerate(specs):
        m = SAME_AS_RX.search(spec.text)
        part = SAME_PART_RX.search(spec.text)
        if part is not None and m is None and i > 0:
            _same_part(spec, out[i - 1], part.group("part").lower())
        if m is None or i == 0:
            continue
        j = _referred(m.group("ref"), i)
        base = out[j]
        before, after = spec.text[: m.start()], spec.text[m.end() :]
        change = parse_shot(after, names, fps)
        lead = parse_shot(before, names, fps) if before.strip(" ,.:;-–—") else ShotSpec(text="")
        merged = copy.deepcopy(base)
        merged.text = spec.text
        merged.clauses, merged.bank_matches, merged.warnings = [], [], []
        merged.not_understood = change.not_understood + lead.not_understood
        merged.explanation = [(m.group().strip(), f"as shot {j + 1}, changed by the words after it")]
        if change.moves:
            merged.moves, merged.static = change.moves, False
        else:
            way = next((d for rx, d in DIRECTION_RX if rx.search(after.lower())), None)
            for mv in merged.moves:
                if way and mv.family in ALLOWED and way in ALLOWED[mv.family]:
                    mv.direction = way
                    merged.explanation.append((way, f"{mv.family.replace('_', ' ')} {way} instead"))
            merged.static = merged.static or change.static
        who = change.subject or lead.subject
        if who is not None:
            merged.subject = who
            if merged.foreground == who:  # "same, but on Jonas": the reverse of an over-the-shoulder
                merged.foreground = base.subject
        merged.size = change.size or lead.size or merged.size
        merged.angles = list(dict.fromkeys(merged.angles + lead.angles + change.angles))
        merged.handheld = merged.handheld or change.handheld or lead.handheld
        merged.focal_mm = change.focal_mm or lead.focal_mm or merged.focal_mm
        merged.actions = change.actions + lead.actions
        out[i] = merged
    return out


def _same_part(spec: ShotSpec, before: ShotSpec, part: str) -> None:
    """``spec`` takes the ``part`` of the shot before that it does not say itself."""
    if part in ("angle", "framing", "height") and not spec.angles:
        spec.angles = list(before.angles)
    if part in ("size", "framing") and spec.size is None:
        spec.size = before.size
    if part == "lens" and spec.focal_mm is None:
        spec.focal_mm = before.focal_mm
    spec.explanation.append((f"same {part}", f"the {part} of the shot before"))
