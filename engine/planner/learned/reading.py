"""The rules' reading of a shot, said back in the words the learned planner was trained on.

The trajectory model learnt camera language from generated phrasings (``phrasings.PHRASES``, the
phrase bank's among them); a director's own wording ("Ease back off Mara", "no tilt", "Two shots:
first …, then …") reaches it as MiniLM tokens it may never have met. The rules planner already reads
that wording, shot by shot, into moves, directions, speeds and sizes; this module writes that
reading as the training data would have said it ("Close-up of Mara, slowly push in on Mara, then pan
left."), so the model is asked in words it knows and adds what the rules cannot: motion learnt from
the data, moves on the music's beats, the set around the camera. The planner's ``text`` setting
chooses between these words and the director's own.
"""

from __future__ import annotations

from engine.planner.learned import phrasings
from engine.planner.plan import merge_together, move_groups, move_preset

# The sizes the training data says; the others by their nearest.
SIZE_OF = {"ECU": "CU", "CU": "CU", "INSERT": "CU", "MCU": "MCU", "MS": "MS", "MLS": "FS", "FS": "FS", "WS": "WS", "EWS": "WS"}
SPEED_WORD = {"slow": "slowly", "fast": "fast", "normal": "", None: ""}


def move_words(preset: str, name: str) -> str:
    """A move preset in its plain trained wording: each list's first phrasing ("push in on Mara")."""
    return phrasings.PHRASES[preset][0].format(name=name)


def reading(planned, music: bool = False) -> str | None:
    """The trained words for a planned shot (``plan.PlannedShot``), or None when it has a move the
    model does not make (a follow keeps the rules' path anyway). ``music``: the shot has music under
    it, which training always paired with words of the music ("on the beat")."""
    spec, name = planned.spec, planned.subject
    size = phrasings.SIZE_WORDS.get(SIZE_OF.get(planned.shot.size or "", ""), "")
    framing = f"{size[0].upper()}{size[1:]} of {name}" if size else name
    groups = [merge_together(g, []) if len(g) > 1 else g for g in move_groups(spec.moves)]
    said: list[str] = []
    for group in groups:
        parts = []
        for move in group:
            preset = move_preset(move)
            if preset not in phrasings.PHRASES or preset == "static":
                return None
            speed = move.speed or ("fast" if move.family == "whip_pan" else None)
            parts.append(" ".join(w for w in (SPEED_WORD[speed], move_words(preset, name)) if w))
        said.append(" and ".join(parts))
    if not said:
        text = f"{framing}, {move_words('static', name)}."
    else:
        text = f"{framing}, {said[0]}."
        for words in said[1:]:
            text = phrasings.compound(text, words[0].upper() + words[1:] + ".")
    if music and said:
        text = f"{text.rstrip('.')} {phrasings.MUSIC_WORDS[0]}."
    # the angle as training said it beside a start camera at that angle (the rules' framing has it)
    angle = next((a for a in spec.angles if a in phrasings.ANGLE_WORDS), None)
    return f"{text.rstrip('.')}, {phrasings.ANGLE_WORDS[angle][0]}." if angle else text
