"""The phrase bank: camera language as directors write it, each phrasing with the move it means.

A clause the grammar's rules do not understand is embedded with MiniLM (:mod:`engine.planner.encoder`)
and matched to its nearest phrasing here by cosine similarity; above ``THRESHOLD`` it takes that
phrasing's move (its direction from the clause's own words where it says one). Every match is listed
with its similarity in the shot's explanation. The bank's embeddings are bundled in
``assets/planner/phrase_bank.npz`` (``python -m engine.planner.phrase_bank`` rewrites it), so planning
embeds only the clauses, never the bank; a test checks the file matches the bank.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from engine.errors import ShotlineError

THRESHOLD = 0.62  # cosine similarity; tuned on the development set only
CACHE = Path(__file__).resolve().parents[2] / "assets" / "planner" / "phrase_bank.npz"

SIDES = {"left": ("left", "to the left", "screen left"), "right": ("right", "to the right", "screen right")}
VERTICAL = {"up": ("up", "upward", "higher"), "down": ("down", "downward", "lower")}

# move -> phrasings; "{d}" takes each of the direction's wordings.
_LATERAL = [
    "drift {d}", "we drift {d}", "the camera drifts {d}", "glide {d}", "a slow glide {d}", "float {d}",
    "slide {d}", "crab {d}", "truck {d}", "track {d}", "tracking {d}", "strafe {d}", "sidestep {d}",
    "travel {d}", "move sideways {d}", "dolly {d}", "shift {d}", "skate {d}", "a lateral move {d}",
    "the camera slides {d} along the wall", "we drift {d} with him", "we glide {d} with her",
]
_IN = [
    "push in", "push in slowly", "dolly in", "track in", "move in", "move in closer", "creep in", "creep forward",
    "creeps toward", "the lens creeps toward her", "glide in", "glides forward", "glide forward", "drift in",
    "a slow drift in", "float in", "ease in", "inch toward him", "inch closer", "edge closer", "close in on",
    "travel in", "push forward", "go in closer", "steadicam moves in", "the camera approaches", "approach her",
    "a slow push", "push toward his face", "dolly forward", "push past her toward him", "close the distance",
]
_OUT = [
    "pull out", "pull back", "dolly out", "dolly back", "track out", "track back", "back away", "backs away",
    "retreat", "the camera retreats", "widen out", "move back", "move away", "pull away", "drift back",
    "glide backward", "float back", "ease back", "withdraw", "the camera recedes", "back off", "travel back",
    "pull back to reveal", "reverse dolly", "walk backward ahead of her",
]
_PED_UP = [
    "pedestal up", "boom up", "raise the camera", "the camera rises", "rise up", "rising", "float up",
    "drift up", "lift up", "the camera lifts", "elevate the camera", "go up", "climb up", "ascend",
    "rise to reveal", "the lens floats upward", "boom up over him",
]
_PED_DOWN = [
    "pedestal down", "boom down", "lower the camera", "the camera sinks", "sink down", "drop down",
    "the camera drops", "descend", "float down", "drift down", "go down", "come down", "settle lower",
    "drop to her level", "lower to his eye line", "boom the camera down",
]
_CRANE_UP = [
    "crane up", "jib up", "a crane shot rising", "a jib shot rising over her", "rise on a crane",
    "soar up", "the camera soars up and away", "sweep up above them", "crane up to reveal the city",
    "crane up and tilt down", "rise and look down on him", "lift high above them",
]
_CRANE_DOWN = [
    "crane down", "jib down", "swoop down", "the camera swoops down onto her", "drop from a bird's-eye view",
    "drops from above", "descend from high above", "come down on a crane", "jib down onto them",
    "crane down and tilt up", "lower from overhead", "fall from the sky down to him",
]
_ARC = [
    "arc {d}", "orbit {d}", "circle {d}", "swing round {d}", "swing around {d}", "wheel around {d}",
    "revolve {d}", "move around her {d}", "go around him {d}", "travel around them {d}", "rotate around him {d}",
]
_ARC_PLAIN = ["orbit", "circle around her", "swing round him", "swing around them", "a 360 around her", "revolve around him", "circle the two of them", "wheel around"]
_PAN = [
    "pan {d}", "swivel {d}", "turn the camera {d}", "sweep {d}", "look {d}", "pivot {d}", "rotate {d} on the spot",
    "pan {d} to follow him", "pan {d} with her", "turn {d} to find him", "sweep the lens across the view {d}", "swing the lens {d}",
    "turn to the {d}",
]
_WHIP = ["whip pan {d}", "swish pan {d}", "snap pan {d}", "a quick whip {d}", "whip {d}", "flick {d}", "a blur pan {d}"]
_TILT_UP = ["tilt up", "pan up", "look up", "tip up", "tilt up to the sky", "crane the lens up", "tilt up from his feet to his face", "look up from her shoes", "angle up"]
_TILT_DOWN = ["tilt down", "pan down", "look down", "tip down", "tilt down to the street", "tilt down onto her hands", "angle down", "drop the lens down"]
_ZOOM_IN = ["zoom in", "zoom into her", "punch in", "push the zoom", "tighten the zoom", "zoom slowly into him", "optical push", "magnify"]
_ZOOM_OUT = ["zoom out", "zoom back out", "widen the zoom", "loosen the zoom", "pull the zoom back", "unzoom"]
_CRASH = ["snap zoom", "crash zoom", "a snap zoom into her face", "crash zoom on him", "a sudden zoom", "a violent zoom in", "whip zoom", "a zoom punch"]
_CRASH_OUT = ["snap zoom out", "crash zoom out", "a sudden zoom out"]
_DOLLY_ZOOM = ["dolly zoom", "vertigo effect", "vertigo shot", "zolly", "contra zoom", "trombone shot", "dolly in while zooming out", "push in and zoom out together"]
_DOLLY_ZOOM_OUT = ["reverse dolly zoom", "pull back while zooming in", "dolly out and zoom in"]
_ROLL = ["roll {d}", "barrel roll {d}", "rotate the frame {d}", "the frame rolls {d}", "spin the horizon {d}", "cant the camera {d}"]
_FOLLOW = [
    "follow him", "follow her", "tracking shot", "a tracking shot of her walking", "track with him", "walk with her",
    "keep pace with him", "steadicam follows her", "steadicam shot following him", "stay with her as she walks",
    "move with him", "we track with her", "trail behind him", "shadow her", "chase him", "go with her as she crosses",
    "lead her as she walks", "tag along", "follow from behind", "stay right behind him as he walks",
    "stay on her back", "stick with him", "walk right next to him",
]
_STATIC = [
    "static", "locked off", "lock off", "the camera does not move", "fixed frame", "hold the frame", "hold on her",
    "on sticks", "on a tripod", "no camera movement", "nothing moves", "still frame", "the camera stays put",
    "keep the camera still", "a held shot", "rest on him", "settle on her", "land on him", "the camera is planted",
    "camera frozen", "the frame is frozen", "the camera doesn't budge",
]
_HANDHELD = [
    "handheld", "hand-held", "shaky cam", "shaky", "jittery", "wobbly camera", "documentary style", "run and gun",
    "on the shoulder", "shoulder-mounted", "nervous camera", "unsteady", "the camera shakes", "verite",
]
_FOCUS = ["rack focus", "pull focus", "focus pull", "shift focus", "rack to him", "change focus to her", "throw focus", "split focus", "the focus racks"]
_OVERHEAD = ["bird's-eye view", "birds eye", "overhead", "top shot", "straight down from above", "god's-eye view", "top-down", "directly above"]
_WORMS = ["worm's-eye view", "worms eye", "from the floor looking up", "ground level", "from the ground", "from down low on the ground"]


def _expand(templates: list[str], words: tuple[str, ...]) -> list[str]:
    out = []
    for t in templates:
        out += [t.format(d=w) for w in words] if "{d}" in t else [t]
    return out


def _build() -> list[tuple[str, str]]:
    bank: list[tuple[str, str]] = []

    def add(phrases, move):
        bank.extend((p, move) for p in phrases)

    for side, words in SIDES.items():
        add(_expand(_LATERAL, words), f"truck_{side}")
        add(_expand(_ARC, words), f"arc_{side}")
        add(_expand(_PAN, words), f"pan_{side}")
        add(_expand(_WHIP, words), f"whip_pan_{side}")
        add(_expand(_ROLL, words), f"roll_{side}")
    add(_IN, "push_in")
    add(_OUT, "pull_out")
    add(_PED_UP, "pedestal_up")
    add(_PED_DOWN, "pedestal_down")
    add(_CRANE_UP, "crane_up")
    add(_CRANE_DOWN, "crane_down")
    add(_ARC_PLAIN, "arc_left")
    add(_TILT_UP, "tilt_up")
    add(_TILT_DOWN, "tilt_down")
    add(_ZOOM_IN, "zoom_in")
    add(_ZOOM_OUT, "zoom_out")
    add(_CRASH, "crash_zoom_in")
    add(_CRASH_OUT, "crash_zoom_out")
    add(_DOLLY_ZOOM, "dolly_zoom_in")
    add(_DOLLY_ZOOM_OUT, "dolly_zoom_out")
    add(_FOLLOW, "follow")
    add(_STATIC, "static")
    add(_HANDHELD, "handheld")
    add(_FOCUS, "rack_focus")
    add(_OVERHEAD, "overhead")
    add(_WORMS, "worm's eye")
    return list(dict.fromkeys(bank))


BANK: list[tuple[str, str]] = _build()
PHRASES = [p for p, _ in BANK]


@dataclass(frozen=True)
class Meaning:
    """What a bank move does to a shot: a camera move (family, direction, speed), or a modifier."""

    kind: str  # move | static | handheld | focus | angle
    family: str | None = None
    direction: str | None = None
    speed: str | None = None
    angle: str | None = None


def meaning(move: str) -> Meaning:
    if move == "static":
        return Meaning("static")
    if move == "handheld":
        return Meaning("handheld")
    if move == "rack_focus":
        return Meaning("focus")
    if move in ("overhead", "worm's eye"):
        return Meaning("angle", angle=move)
    if move.startswith("crash_zoom_"):
        return Meaning("move", "zoom", move.rsplit("_", 1)[1], "fast")
    if move.startswith("whip_pan_"):
        return Meaning("move", "whip_pan", move.rsplit("_", 1)[1], "fast")
    if move.startswith("dolly_zoom_"):
        return Meaning("move", "dolly_zoom", move.rsplit("_", 1)[1])
    if move == "follow":
        return Meaning("move", "follow")
    family, direction = {"push_in": ("dolly", "in"), "pull_out": ("dolly", "out")}.get(move, tuple(move.rsplit("_", 1)))
    return Meaning("move", family, direction)


def bank_digest() -> str:
    return hashlib.sha256("\n".join(f"{p}\t{m}" for p, m in BANK).encode()).hexdigest()


@dataclass(frozen=True)
class Match:
    clause: str
    phrase: str
    move: str
    similarity: float


@lru_cache(maxsize=1)
def bank_embeddings() -> np.ndarray:
    """(len(BANK), 384) from the bundled file; it must be of this very bank."""
    if not CACHE.exists():
        raise ShotlineError("the phrase bank's embeddings are missing: python -m engine.planner.phrase_bank", str(CACHE), "embeddings")
    data = np.load(CACHE, allow_pickle=False)
    if str(data["digest"]) != bank_digest():
        raise ShotlineError("the phrase bank changed since its embeddings were written: python -m engine.planner.phrase_bank", str(CACHE), "digest")
    return data["embeddings"].astype(np.float32)


def match(clauses: list[str], threshold: float = THRESHOLD) -> list[Match | None]:
    """The nearest bank phrasing of each clause, or None below ``threshold``."""
    if not clauses:
        return []
    from engine.planner.encoder import shared

    sims = shared().encode(clauses) @ bank_embeddings().T
    out: list[Match | None] = []
    for clause, row in zip(clauses, sims):
        i = int(np.argmax(row))
        out.append(Match(clause, BANK[i][0], BANK[i][1], float(row[i])) if row[i] >= threshold else None)
    return out


def write_cache(path: Path = CACHE) -> None:
    from engine.atomic import atomic_write
    from engine.planner.encoder import shared

    emb = shared().encode(PHRASES).astype(np.float16)  # half precision: similarities to 1e-3, half the file
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path, "wb", encoding=None) as f:
        np.savez_compressed(f, embeddings=emb, digest=np.array(bank_digest()), phrases=np.array(PHRASES))


if __name__ == "__main__":
    write_cache()
    print(f"{len(BANK)} phrasings -> {CACHE}")
