"""Set pieces and locations the words name, found in the set or added to it.

"Jonas walks to the door" needs a door: the set's own if it has one (a piece of that shape, or one
whose name says it), else a library piece (``engine.greybox.library``) placed beside the people. A
location ("INT. KITCHEN") furnishes an empty set with its usual pieces; a set that already has pieces
is the location, and is left as it is.
"""

from __future__ import annotations

import numpy as np

from engine.project import Subject

# word -> library shape
PIECE_WORDS: dict[str, str] = {
    "table": "table", "desk": "table", "chair": "chair", "stool": "chair", "sofa": "sofa", "couch": "sofa",
    "bed": "bed", "counter": "counter", "bar": "counter", "door": "door", "doorway": "door", "wall": "wall",
    "window": "window wall", "stairs": "stairs", "staircase": "stairs", "car": "car", "taxi": "car",
    "lamp post": "lamp post", "streetlight": "lamp post", "tree": "tree", "crate": "crate", "crates": "crate",
    "box": "box", "water tank": "cylinder", "tank": "cylinder", "vent": "crate", "ledge": "wall",
    "parapet": "wall", "antenna": "lamp post", "pipe": "cylinder",
}  # fmt: skip
# location -> the pieces that make it (shape, offset from the people's centre, facing)
LOCATIONS: dict[str, list[tuple[str, tuple[float, float, float], float]]] = {
    "kitchen": [("counter", (0.0, 0.0, -2.2), 0.0), ("table", (0.0, 0.0, 1.6), 0.0), ("chair", (0.9, 0.0, 1.6), -90.0)],
    "corridor": [("wall", (-1.3, 0.0, 0.0), 90.0), ("wall", (1.3, 0.0, 0.0), -90.0), ("door", (1.22, 0.0, -1.5), -90.0)],
    "hallway": [("wall", (-1.3, 0.0, 0.0), 90.0), ("wall", (1.3, 0.0, 0.0), -90.0)],
    "street": [("car", (0.0, 0.0, -3.0), 90.0), ("lamp post", (3.0, 0.0, -2.0), 0.0)],
    "bedroom": [("bed", (0.0, 0.0, -2.5), 0.0), ("wall", (0.0, 0.0, -3.7), 0.0)],
    "office": [("table", (0.0, 0.0, -1.8), 0.0), ("chair", (0.0, 0.0, -2.5), 0.0), ("window wall", (0.0, 0.0, -3.5), 0.0)],
    "living room": [("sofa", (0.0, 0.0, -2.2), 0.0), ("table", (0.0, 0.0, -1.0), 0.0)],
    "stairwell": [("stairs", (0.0, 0.0, -2.5), 0.0), ("wall", (-1.2, 0.0, -2.5), 90.0)],
}
LOCATION_WORDS = list(LOCATIONS)
PIECE_COLOUR = "#8a8a80"
# Where a named piece goes when the set lacks it: around the people, 2.5 m out.
SLOTS = [(0.0, 0.0, -2.5), (2.6, 0.0, -1.2), (-2.6, 0.0, -1.2), (2.6, 0.0, 1.5), (-2.6, 0.0, 1.5), (0.0, 0.0, 3.0)]


def find_piece(subjects: list[Subject], word: str) -> Subject | None:
    """The set's piece the word names: by name first ("Stair door"), then by shape."""
    shape = PIECE_WORDS.get(word)
    pieces = [s for s in subjects if not s.is_person]
    named = [s for s in pieces if word in s.name.lower()]
    if named:
        return named[0]
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
            for shape, offset, facing in LOCATIONS[loc]:
                name = _name(f"{loc} {shape}", taken)
                taken.add(name)
                out.append(Subject(name=name, kind="set piece", shape=shape, position=tuple(float(v) for v in centre + offset), facing=facing, color=PIECE_COLOUR))
            notes.append(f"location {loc}: added {', '.join(shape for shape, _, _ in LOCATIONS[loc])}")
    used = 0
    for word in pieces:
        if find_piece(out, word) is not None:
            continue
        shape = PIECE_WORDS[word]
        offset = SLOTS[min(used, len(SLOTS) - 1)]
        used += 1
        name = _name(word, taken)
        taken.add(name)
        out.append(Subject(name=name, kind="set piece", shape=shape, position=tuple(float(v) for v in centre + offset), color=PIECE_COLOUR))
        notes.append(f"added a {shape} for '{word}' {np.linalg.norm(offset):.1f} m from the people")
    return out, notes
