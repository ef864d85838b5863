"""Ways a director asks for each move preset, for the learned planner's text-trajectory pairs.

Every list is split by position: every ``TEST_EVERY``-th phrasing, counting from the second, never
reaches training (each list's first, the move's plain name, "tilt up", is trained on), and the test
split is written only with them (and with templates training never sees), so the test F1 is on
wording the model did not learn from. ``{name}`` is the shot's subject.
"""

from __future__ import annotations

import re

import numpy as np

TEST_EVERY = 4

PHRASES: dict[str, list[str]] = {
    "static": ["static shot", "locked-off frame", "hold on {name}", "the camera does not move", "tripod shot, no movement",
               "keep the frame still", "fixed camera", "a still frame on {name}"],
    "pan_left": ["pan left", "the camera pans to the left", "swing the lens left", "pan left across the set", "turn the camera left",
                 "a pan to the left past {name}", "sweep left", "panning left"],
    "pan_right": ["pan right", "the camera pans to the right", "swing the lens right", "pan right across the set", "turn the camera right",
                  "a pan to the right past {name}", "sweep right", "panning right"],
    "tilt_up": ["tilt up", "the camera tilts upward", "tilt up from {name}", "angle the lens up", "tilt up to the sky",
                "a tilt upwards", "pitch the camera up", "tilting up"],
    "tilt_down": ["tilt down", "the camera tilts downward", "tilt down to {name}", "angle the lens down", "tilt down to the floor",
                  "a tilt downwards", "pitch the camera down", "tilting down"],
    "roll_left": ["roll left", "the frame rolls to the left", "rotate the horizon left", "roll the camera counterclockwise",
                  "a barrel roll to the left", "tip the frame left", "canting left", "rolling left"],
    "roll_right": ["roll right", "the frame rolls to the right", "rotate the horizon right", "roll the camera clockwise",
                   "a barrel roll to the right", "tip the frame right", "canting right", "rolling right"],
    "push_in": ["push in on {name}", "dolly in", "move in toward {name}", "track in", "the camera pushes in", "creep in on {name}",
                "dolly forward to {name}", "push toward {name}", "glide in", "close in on {name}"],
    "pull_out": ["pull out from {name}", "dolly out", "move back from {name}", "track out", "the camera pulls back", "back away from {name}",
                 "dolly backward", "retreat from {name}", "pull back to reveal the set", "widen by dollying back"],
    "truck_left": ["truck left", "crab left", "slide left", "the camera moves sideways to the left", "track left alongside {name}",
                   "dolly left", "drift left", "shift the camera left"],
    "truck_right": ["truck right", "crab right", "slide right", "the camera moves sideways to the right", "track right alongside {name}",
                    "dolly right", "drift right", "shift the camera right"],
    "pedestal_up": ["pedestal up", "raise the camera", "the camera rises straight up", "lift the camera level", "ped up",
                    "elevate the camera without tilting", "move the camera up", "rise up"],
    "pedestal_down": ["pedestal down", "lower the camera", "the camera sinks straight down", "drop the camera level", "ped down",
                      "bring the camera down without tilting", "move the camera down", "descend"],
    "crane_up": ["crane up over {name}", "a jib arm rising over {name}", "jib up", "the camera cranes up looking down at {name}", "rise on the crane",
                 "crane up and tilt down", "a crane shot rising above {name}", "lift up on the jib"],
    "crane_down": ["crane down to {name}", "a jib arm lowering to {name}", "jib down", "the camera cranes down onto {name}", "descend on the crane",
                   "crane down and tilt up", "a crane shot dropping to {name}", "lower the jib"],
    "arc_left": ["arc left around {name}", "orbit left around {name}", "circle {name} to the left", "the camera arcs left",
                 "orbit clockwise around {name}", "move round {name} to the left", "a half circle left around {name}", "swing around {name} left",
                 # no direction said: the rules planner's reading, to the left
                 "orbit around {name}", "circle round {name}", "the camera circles {name}", "go around {name}"],
    "arc_right": ["arc right around {name}", "orbit right around {name}", "circle {name} to the right", "the camera arcs right",
                  "orbit counterclockwise around {name}", "move round {name} to the right", "a half circle right around {name}", "swing around {name} right"],
    "zoom_in": ["zoom in on {name}", "zoom in", "punch in", "the lens zooms in", "tighten the zoom on {name}", "push the zoom in",
                "a slow zoom in", "zoom closer to {name}"],
    "zoom_out": ["zoom out from {name}", "zoom out", "pull the zoom out", "the lens zooms out", "widen the zoom", "zoom back",
                 "a zoom out to the set", "zoom away from {name}"],
    "dolly_zoom_in": ["dolly zoom on {name}", "vertigo effect on {name}", "push in while zooming out", "a trombone shot",
                      "dolly in and zoom out", "the Hitchcock zoom", "contra-zoom toward {name}", "vertigo shot"],
    "dolly_zoom_out": ["reverse dolly zoom on {name}", "pull out while zooming in", "dolly out and zoom in", "reverse vertigo effect",
                       "a reverse trombone shot", "contra-zoom away from {name}", "zoom in as the camera pulls back", "inverse vertigo"],
}  # fmt: skip
# (a boom is the pedestal's word here, a jib the crane's: the rules planner's vocabulary)


def _bank_phrasings() -> dict[str, list[str]]:
    """The rules planner's phrase bank, by the preset each phrasing means.

    Several hundred ways of saying a move where the lists above have eight to twelve: words the model
    would otherwise meet first on a director's page. A whip pan is a fast pan and a crash zoom a fast
    zoom; follows, handheld, focus and angles are not presets the model moves."""
    from engine.planner.phrase_bank import BANK

    alias = {"whip_pan_left": "pan_left", "whip_pan_right": "pan_right", "crash_zoom_in": "zoom_in", "crash_zoom_out": "zoom_out"}
    out: dict[str, list[str]] = {}
    for words, move in BANK:
        out.setdefault(alias.get(move, move), []).append(words)
    return out


# The bank's phrasings follow each preset's own, so the own lists keep their split positions.
for _move, _words in _bank_phrasings().items():
    if _move in PHRASES:
        PHRASES[_move] = list(dict.fromkeys(PHRASES[_move] + _words))

# Phrasings that say their own speed ("a slow push", "whip pan left") are used only at that speed,
# without speed words of their own: "slowly a whip pan" would teach a contradiction.
_SPEED_OF = {"slow": re.compile(r"\bslow(ly)?\b|\bcreep|\binch\b|\bease\b|\bgently\b"),
             "fast": re.compile(r"\b(whip|swish|snap|crash|flick|blur|sudden|violent|quick|punch)\b")}


def speed_of(words: str) -> str | None:
    """The speed a phrasing says itself, or None."""
    return next((speed for speed, rx in _SPEED_OF.items() if rx.search(words)), None)


# A shot the words only frame (no camera words at all) is a locked-off camera: the rules planner's
# reading, and what a director means by "Close-up of Mara.". Without these, the model only ever
# saw "static" said outright and moved the camera on bare framings.
BARE_FRAMINGS = ["{Size} of {name}.", "{name} in {size}.", "{Size} on {name}.", "{Size}: {name} looks off.",
                 "{name} waits. {Size}.", "A {size} of {name} listening.", "{Abbr} {name}.", "{name}, {size}.",
                 "We see {name} in a {size}.", "{Size} of {name}, who turns to look.", "{name} stands in {size}.",
                 "{Size}. {name} thinks it over.", "Frame {name} in a {size}.", "{name} in the {size}, waiting."]  # fmt: skip

SPEED_WORDS = {
    "slow": ["slowly", "slow", "gently", "gradually", "very slowly", "lazily"],
    "normal": ["", "", "steadily", "smoothly"],
    "fast": ["fast", "quickly", "rapidly", "briskly", "swiftly", "suddenly"],
}
SIZE_WORDS = {"CU": "close-up", "MCU": "medium close-up", "MS": "medium shot", "FS": "full shot", "WS": "wide shot"}
MUSIC_WORDS = ["on the beat", "to the music", "in time with the track", "cut to the rhythm", ""]

TRAIN_TEMPLATES = ["{size} of {name}, {speed} {move}.", "{speed} {move}.", "{move}, {speed}.", "{size}, {move}."]
TEST_TEMPLATES = ["On {name}: {move} {speed}.", "We open on a {size}; {speed} {move}."]


def split_of(items: list[str], test: bool) -> list[str]:
    return [p for i, p in enumerate(items) if (i % TEST_EVERY == 1) == test]


def phrase(move: str, speed: str, size: str, name: str, rng: np.random.Generator, test: bool = False, music: bool = False) -> str:
    """One wording of ``move`` at ``speed`` for a shot of ``name``; the split's phrasings only."""
    options = [p for p in split_of(PHRASES[move], test) if speed_of(p) in (None, speed)] or split_of(PHRASES[move], test)
    move_words = str(rng.choice(options)).format(name=name)
    speed_words = str(rng.choice(SPEED_WORDS[speed])) if move != "static" and speed_of(move_words) is None else ""
    template = str(rng.choice(TEST_TEMPLATES if test else TRAIN_TEMPLATES))
    text = template.format(size=SIZE_WORDS[size], name=name, speed=speed_words, move=move_words)
    if music:
        text = text.rstrip(".") + " " + str(rng.choice(MUSIC_WORDS)) + "."
    text = " ".join(text.replace(" ,", ",").replace(" .", ".").replace(" ;", ";").replace(" :", ":").replace(",.", ".").split())
    return text[0].upper() + text[1:]


# Words that describe a shot but ask for no camera move: its angle, lens, focus, shake, the cut into
# it, what the people do. Directors put them beside the move ("Low angle on Jonas, slow push") or
# alone ("Reverse on Mara."); a model that met them only in the rules' grey-box never learnt that
# they leave the camera where it is, and read "looking down on Mara" as a tilt down. The angle
# words are said only when the shot's start camera is at that angle.
ANGLE_WORDS = {
    "low": ["low angle", "from a low angle", "looking up at {name}", "low-angle view of {name}", "shot from below",
            "a worm's-eye view", "up at {name} from low down", "low and looking up"],
    "high": ["high angle", "from a high angle", "looking down on {name}", "high-angle view of {name}", "shot from above",
             "a bird's-eye view", "down on {name} from up high", "high and looking down"],
}  # fmt: skip
STILL_WORDS = ["cut to {name}", "reverse on {name}", "smash cut to {name}", "a reverse angle", "insert", "match cut to {name}",
               "handheld", "on a long lens", "shallow focus", "wide-angle lens", "rack focus to {name}", "eye level",
               "{name} turns away", "a Dutch angle", "{name} sits down", "in profile", "telephoto", "hand-held and nervous",
               "{name} looks off", "deep focus", "{name} stands up", "at shoulder height", "anamorphic", "{name} runs past",
               "over the shoulder", "a two-shot", "{name} paces", "soft focus", "a tight frame", "{name} crouches",
               "hip level", "shaky", "pull focus to {name}", "documentary style", "from knee height", "at night"]  # fmt: skip
CUT_WORDS = ("cut to", "reverse on", "smash cut", "match cut", "insert", "a reverse angle")


def with_still_words(text: str, name: str, angle: str, rng: np.random.Generator, test: bool = False, share: float = 0.35) -> str:
    """``text`` with, in ``share`` of the calls, a clause that asks for no move before or after it:
    the start camera's ``angle`` ("low", "high") in words when it has one, else any other still words."""
    if rng.random() >= share:
        return text
    pool = ANGLE_WORDS.get(angle) if angle and rng.random() < 0.6 else None
    words = str(rng.choice(split_of(pool or STILL_WORDS, test))).format(name=name)
    if rng.random() < 0.5 or words.startswith(CUT_WORDS):  # a cut comes before the shot it cuts to
        out = f"{words}, {text[0].lower()}{text[1:]}" if not text[:2].isupper() else f"{words}, {text}"
    else:
        out = f"{text.rstrip('.')}, {words}."
    return out[0].upper() + out[1:]


def bare_framing(size: str, name: str, rng: np.random.Generator, test: bool = False) -> str:
    """Words that only frame ``name`` at ``size``, with no camera words (a static shot)."""
    words = SIZE_WORDS[size]
    text = str(rng.choice(split_of(BARE_FRAMINGS, test))).format(Size=words[0].upper() + words[1:], size=words, name=name, Abbr=size)  # the codes are the crew's abbreviations
    return text[0].upper() + text[1:]


def compound(first: str, second: str) -> str:
    """Two moves in one shot, in order."""
    return f"{first.rstrip('.')}, then {second[0].lower()}{second[1:]}"
