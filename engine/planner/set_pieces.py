"""Set pieces and locations the words name, found in the set or added to it.

"Jonas walks to the door" needs a door: the set's own if it has one (a piece of that shape, or one
whose name says it), else a library piece (``engine.greybox.library``) placed beside the people. A
location ("INT. KITCHEN") furnishes an empty set with its usual pieces; a set that already has pieces
is the location, and is left as it is.
"""

from __future__ import annotations

from typing import get_args

import numpy as np

from engine.project import ShapeName, Subject

# word -> library shape
PIECE_WORDS: dict[str, str] = {
    "table": "table", "desk": "table", "chair": "chair", "stool": "chair", "sofa": "sofa", "couch": "sofa",
    "bed": "bed", "counter": "counter", "bar": "counter", "door": "door", "doorway": "door", "wall": "wall",
    "window": "window wall", "stairs": "stairs", "staircase": "stairs", "car": "car", "taxi": "car",
    "lamp post": "lamp post", "streetlight": "lamp post", "tree": "tree", "crate": "crate", "crates": "crate",
    "box": "box", "water tank": "cylinder", "water tower": "cylinder", "tank": "cylinder", "vent": "crate", "ledge": "wall",
    "parapet": "wall", "antenna": "lamp post", "pipe": "cylinder", "fridge": "box", "cabinet": "box",
    "housing": "box", "shed": "box", "pillar": "cylinder", "column": "cylinder", "fence": "wall",
    "railing": "wall", "bench": "sofa", "sink": "counter",
}  # fmt: skip
# words before a piece word that are not part of its name ("the other door")
NOT_QUALIFIERS = {"and", "or", "then", "with", "to", "the", "a", "an", "other", "same", "far", "near", "nearest", "next", "first", "last", "whole", "entire", "big", "old", "top", "base"}
# location -> the pieces that make it (piece word, offset from the people's centre, facing)
LOCATIONS: dict[str, list[tuple[str, tuple[float, float, float], float]]] = {
    "kitchen": [("counter", (0.0, 0.0, -2.2), 0.0), ("table", (0.0, 0.0, 1.6), 0.0), ("chair", (0.9, 0.0, 1.6), -90.0)],
    "corridor": [("wall", (-1.3, 0.0, 0.0), 90.0), ("wall", (1.3, 0.0, 0.0), -90.0), ("door", (1.22, 0.0, -1.5), -90.0)],
    "hallway": [("wall", (-1.3, 0.0, 0.0), 90.0), ("wall", (1.3, 0.0, 0.0), -90.0)],
    "street": [("car", (0.0, 0.0, -3.0), 90.0), ("lamp post", (3.0, 0.0, -2.0), 0.0)],
    "bedroom": [("bed", (0.0, 0.0, -2.5), 0.0), ("wall", (0.0, 0.0, -3.7), 0.0)],
    "office": [("table", (0.0, 0.0, -1.8), 0.0), ("chair", (0.0, 0.0, -2.5), 0.0), ("window wall", (0.0, 0.0, -3.5), 0.0)],
    "living room": [("sofa", (0.0, 0.0, -2.2), 0.0), ("table", (0.0, 0.0, -1.0), 0.0)],
    "stairwell": [("stairs", (0.0, 0.0, -2.5), 0.0), ("wall", (-1.2, 0.0, -2.5), 90.0)],
    "rooftop": [("ledge", (0.0, 0.0, -4.0), 0.0), ("water tank", (3.0, 0.0, -2.5), 0.0)],
}
LOCATIONS["roof"] = LOCATIONS["rooftop"]
LOCATION_WORDS = list(LOCATIONS)
PIECE_COLOUR = "#8a8a80"
# Where a named piece goes when the set lacks it: around the people, 2.5 m out.
SLOTS = [(0.0, 0.0, -2.5), (2.6, 0.0, -1.2), (-2.6, 0.0, -1.2), (2.6, 0.0, 1.5), (-2.6, 0.0, 1.5), (0.0, 0.0, 3.0)]


def piece_shape(phrase: str) -> str | None:
    """The library shape of a piece word or of a qualified one ("stair door": a door, "the whole
    water tower": a water tower), from the longest piece phrase it ends with."""
    words = phrase.split() if phrase else []
    return next((PIECE_WORDS[" ".join(words[k:])] for k in range(len(words)) if " ".join(words[k:]) in PIECE_WORDS), None)


def piece_phrase(words: str) -> str | None:
    """The piece that one or two words after a preposition name, with its qualifier: "stair door",
    "left ledge", "vent pipe" (a pipe, not the vent), "water tank", "door" (of "door and"); None when
    they name no piece."""
    if words in PIECE_WORDS:
        return words
    w = words.split()
    if len(w) == 2 and w[1] in PIECE_WORDS:
        return words if w[0] not in NOT_QUALIFIERS else w[1]
    return w[0] if w and w[0] in PIECE_WORDS else None


def find_piece(subjects: list[Subject], word: str) -> Subject | None:
    """The set's piece the words name: by its whole name first ("stair door": Stair door), then by
    the piece word's name ("ledge": the first ledge), then by shape."""
    pieces = [s for s in subjects if not s.is_person]
    for key in dict.fromkeys((word, word.split()[-1])):
        named = [s for s in pieces if key in s.name.lower()]
        if named:
            return named[0]
    shape = piece_shape(word)
    return next((s for s in pieces if s.shape == shape), None)


def _centre(subjects: list[Subject]) -> np.ndarray:
    people = [np.asarray(s.position, float) for s in subjects if s.is_person]
    return np.mean(people, axis=0) if people else np.zeros(3)


def _name(word: str, taken: set[str]) -> str:
    base = word.capitalize()
    name, k = base, 2
    while name in taken:
        name, k = f"{base} {k}", k + 1
    return name


def furnish(subjects: list[Subject], pieces: list[str], locations: list[str]) -> tuple[list[Subject], list[str]]:
    """The subjects with every named piece present, and notes saying what was added."""
    out = list(subjects)
    notes: list[str] = []
    centre = _centre(out)
    taken = {s.name for s in out}
    if locations and not any(not s.is_person for s in out):
        for loc in locations:
            for word, offset, facing in LOCATIONS[loc]:
                name = _name(f"{loc} {word}", taken)
                taken.add(name)
                shape = word if word in get_args(ShapeName) else piece_shape(word)  # a "ledge" is built as a wall, a "water tank" as a cylinder
                out.append(Subject(name=name, kind="set piece", shape=shape, position=tuple(float(v) for v in centre + offset), facing=facing, color=PIECE_COLOUR))
            notes.append(f"location {loc}: added {', '.join(shape for shape, _, _ in LOCATIONS[loc])}")
    used = 0
    for word in pieces:
        if find_piece(out, word) is not None:
            continue
        shape = piece_shape(word)
        if shape is None:  # words the parser took for a piece that name no shape of the library
            notes.append(f"'{word}' names no set piece of the library: nothing added")
            continue
        offset = SLOTS[min(used, len(SLOTS) - 1)]
        used += 1
        name = _name(word, taken)
        taken.add(name)
        out.append(Subject(name=name, kind="set piece", shape=shape, position=tuple(float(v) for v in centre + offset), color=PIECE_COLOUR))
        notes.append(f"added a {shape} for '{word}' {np.linalg.norm(offset):.1f} m from the people")
    return out, notes
