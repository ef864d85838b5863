"""Blocking edits as a director makes them in the viewport: move a subject, turn it, key it.

One rule for where an edit goes: when the shot under the playhead has subject keys for the subject
(it moves during the shot), the edit goes into its key at the playhead's frame — added if there is
none, holding where the subject is at that frame, so only what was dragged changes; otherwise the
subject's own place or facing changes (the set as it stands, in every shot without keys for it).
Pure functions of the project (the app's undo stack keeps the before and after).
"""

from __future__ import annotations

import numpy as np

from engine.greybox.blocking import subject_track
from engine.project import Project, SubjectKey


def _keys_of(project: Project, shot_index: int | None, name: str) -> list[SubjectKey]:
    if shot_index is None or not 0 <= shot_index < len(project.shots):
        return []
    return [k for k in project.shots[shot_index].subject_keys if k.subject == name]


def state_at(project: Project, shot_index: int | None, name: str, frame: int) -> tuple[np.ndarray, float]:
    """Where subject ``name`` stands (3,) and which way it faces (degrees) at ``frame`` of the shot."""
    subject = project.subject(name)
    shot = project.shots[shot_index] if shot_index is not None and 0 <= shot_index < len(project.shots) else None
    if shot is None:
        return np.asarray(subject.position, float), float(subject.facing)
    frame = int(np.clip(frame, 0, shot.duration - 1))
    track = subject_track(project, shot, subject, np.arange(shot.duration))
    return track.positions[frame].copy(), float(track.facing[frame])


def key_subject(project: Project, shot_index: int, name: str, frame: int, position=None, facing: float | None = None) -> Project:
    """The project with a key of ``name`` at ``frame`` of shot ``shot_index`` (replacing one there):
    by default where the subject is and faces at that frame (keying alone changes nothing you see);
    ``position``/``facing`` override. Facing is stored only when asked for or when the subject's
    other keys give one (a walking person without facing keys faces where they go)."""
    shot = project.shots[shot_index]
    frame = int(np.clip(frame, 0, shot.duration - 1))
    here, heading = state_at(project, shot_index, name, frame)
    keys = _keys_of(project, shot_index, name)
    old = next((k for k in keys if k.frame == frame), None)
    if position is None:
        position = old.position if old is not None else here
    if facing is None and (old is not None and old.facing is not None or any(k.facing is not None for k in keys)):
        facing = old.facing if old is not None and old.facing is not None else heading
    key = SubjectKey(
        subject=name,
        frame=frame,
        position=tuple(float(v) for v in position),
        facing=None if facing is None else float((facing + 180.0) % 360.0 - 180.0),
        pose=old.pose if old is not None else None,
    )
    others = [k for k in shot.subject_keys if not (k.subject == name and k.frame == frame)]
    updated = sorted([*others, key], key=lambda k: (k.subject, k.frame))
    shots = list(project.shots)
    shots[shot_index] = shot.model_copy(update={"subject_keys": updated})
    return project.model_copy(update={"shots": shots})


def place_subject(project: Project, shot_index: int | None, name: str, frame: int, position=None, facing: float | None = None) -> Project:
    """The project with ``name`` moved to ``position`` and/or turned to ``facing``, by the rule above."""
    if _keys_of(project, shot_index, name):
        return key_subject(project, shot_index, name, frame, position, facing)
    project.subject(name)  # an unknown name is a KeyError here, not a silent no-op
    update = {}
    if position is not None:
        update["position"] = tuple(float(v) for v in position)
    if facing is not None:
        update["facing"] = float((facing + 180.0) % 360.0 - 180.0)
    subjects = [s.model_copy(update=update) if s.name == name else s for s in project.subjects]
    return project.model_copy(update={"subjects": subjects})


def facing_towards(origin, point) -> float:
    """The facing (degrees: 0 faces +Z, 90 faces +X) from ``origin`` towards ``point`` on the ground."""
    d = np.asarray(point, float) - np.asarray(origin, float)
    return float(np.rad2deg(np.arctan2(d[0], d[2])))
