"""A screenplay planned: every scene a section of the sequence (its shots tagged ``scene:N HEADING``),
every character a subject, every shot heading and action beat a shot through the rules planner.

Inside a scene a shot heading ("CLOSE ON MARA") starts a shot and the action under it is its
description; action before any heading is one shot per paragraph; a scene with neither gets one
master shot of whoever speaks in it. Dialogue moves no camera; its speakers are the scene's people.
"""

from __future__ import annotations

import re

from engine.errors import ShotlineError
from engine.interchange.screenplay import Scene, Script
from engine.camera.naming import unique_name
from engine.sections import SCENE_TAG
from engine.planner.plan import DEFAULT_SUBJECT_HEIGHT, plan_text
from engine.project import Project, Subject

COLOURS = ["#d0603a", "#3a78d0", "#5aa050", "#c0a030", "#9050b0", "#30a0a0", "#c05080", "#808080"]
MAX_TAG = 64


def cast(names: list[str], known: list[Subject]) -> list[Subject]:
    """The project's subjects plus one per character it lacks: the first two face each other
    1.8 m apart (as the planner places two people), the rest in rows behind them."""
    subjects = list(known)
    have = {s.name.lower() for s in subjects}
    for name in names:
        if name.lower() in have:
            continue
        i = len(subjects)
        if i < 2:
            pos = (-0.9 if i == 0 else 0.9, 0.0, 0.0)
        else:
            row, col = divmod(i - 2, 3)
            pos = ((col - 1) * 1.8, 0.0, -1.5 * (row + 1))
        subjects.append(Subject(name=name[:200], position=pos, height=DEFAULT_SUBJECT_HEIGHT, color=COLOURS[i % len(COLOURS)]))
        have.add(name.lower())
    return subjects


def _names_as_written(text: str, names: list[str]) -> str:
    """'JONAS stands' -> 'Jonas stands': the planner finds people by their names."""
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(rf"(?<![A-Za-z]){re.escape(name)}(?![a-z])", name, text, flags=re.I)
    return text


def _heading_words(heading: str, names: list[str]) -> str:
    words = heading.strip().rstrip(".:").replace(" - ", ", ")
    words = words[:1].upper() + words[1:].lower()
    return _names_as_written(words, names)


def _for_planner(text: str) -> str:
    """What the planner reads of a shot: without the parentheses ('MARA (30s, soaked)' would read
    as thirty seconds)."""
    return re.sub(r"\s+", " ", re.sub(r"\([^)]*\)", "", text)).replace(" .", ".").replace(" ,", ",").strip()


def scene_shot_texts(scene: Scene, names: list[str]) -> list[str]:
    shots: list[str] = []
    headed = False  # is the last shot one a heading started (so action below it belongs to it)?
    for e in scene.elements:
        if e.kind == "shot":
            shots.append(_heading_words(e.text, names) + ".")
            headed = True
        elif e.kind == "action":
            text = _names_as_written(e.text, names)
            if headed:
                shots[-1] += " " + text
            else:
                shots.append(text)
    if not shots:
        people = scene.speakers or names[:2]
        shots.append("Wide shot of " + " and ".join(people) + "." if people else "Wide shot.")
    return shots


def _renamed_subjects(shot, alias: dict[str, str]):
    keys = [k.model_copy(update={"look_at": alias.get(k.look_at, k.look_at)}) for k in shot.keys]
    subject_keys = [k.model_copy(update={"subject": alias.get(k.subject, k.subject)}) for k in shot.subject_keys]
    return shot.model_copy(update={"keys": keys, "subject_keys": subject_keys, "pivot": alias.get(shot.pivot, shot.pivot)})


def scene_tag(scene: Scene) -> str:
    return f"{SCENE_TAG}{scene.number} {scene.heading}".strip()[:MAX_TAG]


def plan_script(script: Script, project: Project | None = None, scene: str | None = None) -> tuple[Project, list[str]]:
    """The project with the script's shots (replacing any it had) and its warnings."""
    base = project or Project()
    scenes = script.scenes
    if scene is not None:
        scenes = [s for s in scenes if s.number == str(scene)]
        if not scenes:
            raise ShotlineError(f"no scene {scene} (the script numbers {', '.join(s.number for s in script.scenes)})", script.source, "--scene")
    names = script.characters
    subjects = cast(names, list(base.subjects))
    work = base.model_copy(update={"subjects": subjects, "shots": [], "prompt": base.prompt or script.title, "name": base.name if project else script.title[:200]})
    shots, warnings = [], []
    taken: set[str] = set()
    for sc in scenes:
        texts = scene_shot_texts(sc, [s.name for s in subjects])
        # "Shot N:" markers keep the planner to our split (a heading and the action under it are one shot).
        text = "\n".join(f"Shot {i + 1}: {_for_planner(t)}" for i, t in enumerate(texts))
        plan = plan_text(text, work)
        alias = {}
        for found in plan.subjects:  # a name the action introduces joins the set for later scenes …
            if any(found.name == s.name for s in work.subjects):
                continue
            whole = next((s.name for s in work.subjects if found.name in s.name.split(" ")), None)
            if whole:  # … unless it is part of a character's name ("Ruiz" of "Detective Ruiz")
                alias[found.name] = whole
            else:
                work = work.model_copy(update={"subjects": [*work.subjects, found]})
        for p, original in zip(plan.shots, texts):
            name = unique_name(p.shot.name, taken)
            taken.add(name)
            tags = [scene_tag(sc)] + [t for t in p.shot.tags if not t.startswith(SCENE_TAG)]
            shot = _renamed_subjects(p.shot, alias) if alias else p.shot
            shots.append(shot.model_copy(update={"name": name, "tags": tags[:64], "prompt": original}))
        warnings += [f"scene {sc.number}: {w}" for w in plan.warnings]
    return work.model_copy(update={"shots": shots}), warnings
