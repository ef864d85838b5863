"""Scenes as sections of the sequence: consecutive shots that carry the same scene.

A shot's scene is its ``scene:`` tag ("scene:3 INT. ROOF - NIGHT"), which screenplay import writes
and Edit > Set Scene changes. The tag lives on the shot, so a scene survives reordering and
trimming; a section is a run of neighbouring shots with the same scene, so a scene cut in two by
the edit shows as two sections (as an editor would see it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from engine.errors import ShotlineError
from engine.project import Project, Shot

SCENE_TAG = "scene:"
MAX_TAG = 64  # a shot's tag length (engine/project.py)


@dataclass(frozen=True)
class Section:
    scene: str  # "3 INT. ROOF - NIGHT"
    first: int  # index of the section's first shot
    last: int  # index of its last shot (inclusive)
    start: int  # first sequence frame
    end: int  # one past its last sequence frame

    @property
    def number(self) -> str:
        return self.scene.split(" ", 1)[0]

    @property
    def heading(self) -> str:
        parts = self.scene.split(" ", 1)
        return parts[1] if len(parts) > 1 else ""


def scene_of(shot: Shot) -> str:
    for tag in shot.tags:
        if tag.lower().startswith(SCENE_TAG):
            return tag[len(SCENE_TAG) :].strip()
    return ""


def sections(project: Project) -> list[Section]:
    """The sequence's scene sections in order; shots with no scene belong to none."""
    out: list[Section] = []
    frame = 0
    run: tuple[str, int, int] | None = None  # scene, first shot, start frame
    for i, shot in enumerate(project.shots):
        scene = scene_of(shot)
        if run is not None and scene != run[0]:
            out.append(Section(run[0], run[1], i - 1, run[2], frame))
            run = None
        if scene and run is None:
            run = (scene, i, frame)
        frame += shot.duration
    if run is not None:
        out.append(Section(run[0], run[1], len(project.shots) - 1, run[2], frame))
    return out


def scene_tag(scene: str) -> str:
    return f"{SCENE_TAG}{scene.strip()}"[:MAX_TAG]


def with_scene(shot: Shot, scene: str) -> Shot:
    """``shot`` in ``scene`` (an empty scene takes it out of any)."""
    tags = [t for t in shot.tags if not t.lower().startswith(SCENE_TAG)]
    if scene.strip():
        tags.insert(0, scene_tag(scene))
    return shot.model_copy(update={"tags": tags})


def set_scene(project: Project, shot_ids: Iterable[str], scene: str) -> Project:
    """The project with the named shots moved into ``scene``."""
    ids = set(shot_ids)
    unknown = ids - {s.id for s in project.shots}
    if unknown:
        raise ShotlineError(f"no shot {sorted(unknown)[0]!r}", project.name, "shots")
    if len(scene) > MAX_TAG - len(SCENE_TAG):
        raise ShotlineError(f"a scene is at most {MAX_TAG - len(SCENE_TAG)} characters", project.name, "scene")
    shots = [with_scene(s, scene) if s.id in ids else s for s in project.shots]
    return project.model_copy(update={"shots": shots})
