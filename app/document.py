"""The open project: an ``engine.project.Project`` behind Qt signals and an undo stack.

Every user gesture is one ``QUndoStack`` command holding the project before and after it (projects
are small, immutable-by-convention pydantic models, so snapshots are cheap and undo is exact). A
drag is one step: views call :meth:`Document.begin_gesture` on press and :meth:`end_gesture` on
release; the edits in between show live and land as one command from the project before the press
to the project at the release, so undoing a drag is one change (one evaluation), not one per mouse
move. The dirty flag follows the stack's clean state.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from pydantic import ValidationError

from app.selection import Selection
from engine.camera.bake import bake_keys, key_at
from engine.camera.focus import carry_focus
from engine.camera.moves import MOVES, default_amount, move_camera, move_context, preset_of
from engine.camera.rigs.evaluate import constrain_project, key_at_channels, rig_for
from engine.camera.naming import unique_name
from engine.camera.path import CameraPath
from engine.errors import ShotlineError
from engine.project import (
    CameraKey,
    Move,
    Project,
    Shot,
    new_shot_id,
    project_from_dict,
    project_to_dict,
    save_project,
    validation_error,
)
from engine.analysis.shot_context import view_subjects
from engine.interchange.renders import find_renders
from engine.sequence import EvaluatedSequence

RENDER_FRAME_MARGIN = 1.2  # a subject partly in frame is in the render
_MOVE_DEFAULTS = {k: f.default for k, f in Move.model_fields.items() if k != "name"}


class ProjectEdit(QUndoCommand):
    """One step: the project before and after."""

    def __init__(self, document: "Document", before: Project, after: Project, text: str, applied: bool = False):
        super().__init__(text)
        self._document, self._before, self._after = document, before, after
        self._applied = applied  # a gesture's edits are already showing: the push itself changes nothing

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._document._set_project(self._after)

    def undo(self) -> None:
        self._document._set_project(self._before)


class Document(QObject):
    changed = Signal()  # anything in the project
    shotsChanged = Signal()  # shots added, removed, reordered or retimed
    shotChanged = Signal(str)  # one shot's content (id)
    selectionChanged = Signal(str, int)  # shot id ("" for none), key index (-1 for none)
    dirtyChanged = Signal(bool)
    pathChanged = Signal(object)
    rendersChanged = Signal(str)  # a shot's rendered clip arrived (id)

    def __init__(self, project: Project, path: Path | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._project = constrain_project(project)  # a file's keys shown where their rigs put them
        self._path = Path(path) if path else None
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        # The one evaluated sequence every view reads its cameras from (cached per shot by content).
        self.sequence = EvaluatedSequence()
        self.selection = Selection(project.shots[0].id if project.shots else "")
        self.selection.events.selection.connect(self.selectionChanged.emit)
        self._gesture_depth = 0
        # Rendered clips by shot id, with the shot as it was rendered (media, not an edit: not undone).
        self.renders: dict[str, tuple[Path, Shot | None, list]] = {}
        self.attach_renders()

    def _clean_changed(self, clean: bool) -> None:
        self.dirtyChanged.emit(not clean)

    def reset(self, project: Project, path: Path | None = None) -> None:
        """Open another project in this document (File > New / Open): a fresh, clean undo history."""
        self.undo_stack.clear()
        self.renders.clear()
        self.sequence.invalidate()
        self._project = constrain_project(project)
        self._path = Path(path) if path else None
        self.attach_renders()
        self.selection.select(project.shots[0].id if project.shots else "", -1)
        self.selection.frame = 0
        self.undo_stack.setClean()
        self.pathChanged.emit(self._path)
        self.shotsChanged.emit()
        self.selectionChanged.emit(self.selection.shot, -1)
        self.changed.emit()
        self.dirtyChanged.emit(False)

    # -- state ---------------------------------------------------------------------------------

    @property
    def project(self) -> Project:
        return self._project

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean()

    def shot(self, shot_id: str) -> Shot:
        for s in self._project.shots:
            if s.id == shot_id:
                return s
        raise ShotlineError(f"no shot with id {shot_id!r}", "document", "shot")

    def shot_index(self, shot_id: str) -> int:
        return [s.id for s in self._project.shots].index(shot_id)

    # -- the evaluated sequence (views read cameras only through these) -----------------------------

    def camera(self, shot: Shot | str) -> CameraPath:
        """The shot's camera on every frame, from the document's one evaluated sequence."""
        return self.sequence.shot(self._project, self.shot(shot) if isinstance(shot, str) else shot)

    def cameras(self) -> list[CameraPath]:
        return self.sequence.paths(self._project)

    def seek(self, frame: int) -> None:
        """Move the playhead (clamped to the sequence); every view follows the selection's event."""
        self.selection.frame = min(max(int(frame), 0), max(self._project.total_frames - 1, 0))

    def locate(self, frame: int | None = None) -> tuple[Shot, int]:
        """The shot under sequence frame ``frame`` (the playhead by default) and the frame in it."""
        index, local = self._project.locate(self.selection.frame if frame is None else frame)
        return self._project.shots[index], local

    # -- rendered clips --------------------------------------------------------------------------

    def set_render(self, shot_id: str, path: Path, rendered: Shot, project: Project | None = None) -> None:
        """Keep a shot's rendered clip with what it was rendered from: the shot, and the subjects
        it shows (in ``project``, the project as the job was submitted; the current one if None)."""
        project = project or self._project
        shown = [s for s in project.subjects if s.name in self._subjects_shown(project, rendered)]
        self.renders[shot_id] = (Path(path), rendered, shown)
        self.rendersChanged.emit(shot_id)

    def attach_renders(self) -> None:
        """The clips already rendered for this project (``NAME.renders/`` beside it), as they are on
        disk: opened again, a project shows its renders, stale ones marked."""
        for shot, clip in zip(self._project.shots, find_renders(self._project, self._path)):
            if clip is None:
                continue
            if clip.stale:
                self.renders[shot.id] = (clip.path, None, [])  # rendered from a shot that is gone
            else:
                self.set_render(shot.id, clip.path, shot)

    def _subjects_shown(self, project: Project, shot: Shot) -> set[str]:
        current = project is self._project and any(s is shot for s in project.shots)
        path = self.camera(shot) if current else EvaluatedSequence().shot(project, shot)  # an old snapshot: not cached
        return {s.name for s in view_subjects(project, shot, path) if s.in_frame(RENDER_FRAME_MARGIN).any()}

    def render_of(self, shot_id: str) -> tuple[Path, bool] | None:
        """The shot's rendered clip and whether it is still current: the shot unchanged since, and
        every subject it shows where and as it was."""
        if shot_id not in self.renders:
            return None
        path, rendered, shown = self.renders[shot_id]
        current = next((s for s in self._project.shots if s.id == shot_id), None)
        subjects = {s.name: s for s in self._project.subjects}
        return path, current == rendered and all(subjects.get(s.name) == s for s in shown)

    # -- selection (not an edit: never on the undo stack) ---------------------------------------

    @property
    def selected_shot(self) -> str:
        return self.selection.shot

    @property
    def selected_key(self) -> int:
        return self.selection.key

    def select(self, shot_id: str, key: int = -1) -> None:
        """Select a shot (and a key of it). The one rule: the playhead follows the selection —
        into the shot at its first frame unless it is already in it, onto the key's frame — so the
        preview, the look-through and the curves always show what is selected."""
        changed = (shot_id, key) != (self.selection.shot, self.selection.key)
        self.selection.select(shot_id, key)
        if not changed or not shot_id or not self._project.shots:
            return
        index = self.shot_index(shot_id)
        start = self._project.shot_start_frames()[index]
        shot = self._project.shots[index]
        if 0 <= key < len(shot.keys):
            self.seek(start + shot.keys[key].frame)
        elif self._project.locate(self.selection.frame)[0] != index:
            self.seek(start)

    # -- edits ---------------------------------------------------------------------------------

    def begin_gesture(self, text: str) -> None:
        """Start a gesture (a drag, a scrub of a spin box): every edit until :meth:`end_gesture` is one step."""
        if self._gesture_depth == 0:
            self._gesture = (self._project, text)
        self._gesture_depth += 1

    @property
    def in_gesture(self) -> bool:
        """A drag (or another gesture) is under way: views may draw a draft until it ends."""
        return self._gesture_depth > 0

    def end_gesture(self) -> None:
        if self._gesture_depth == 0:
            return
        self._gesture_depth -= 1
        if self._gesture_depth == 0:
            before, text = self._gesture
            if self._project is not before and self._project != before:
                self.undo_stack.push(ProjectEdit(self, before, self._project, text, applied=True))

    def edit(self, after: Project, text: str) -> None:
        """Push one step that turns the project into ``after`` (validated first: a bad edit never lands)."""
        after = self._validated(after)
        if after == self._project:
            return
        if self._gesture_depth:
            self._set_project(after)  # shown live; the gesture lands as one step when it ends
            return
        self.undo_stack.push(ProjectEdit(self, self._project, after, text))

    def _validated(self, after: Project) -> Project:
        """``after`` checked as a file load would check it, re-validating only what the edit changed.

        Edits are ``model_copy`` updates, which pydantic does not validate. Shots the edit left
        alone are the same objects as before and were valid then; a changed shot is validated on
        its own, then the project's cross-references (names, ids, look-ats). Anything else
        changed (fps, lens, subjects …) validates the whole project, like a file.
        """
        before = self._project
        project_fields = {k for k in Project.model_fields if k != "shots"}
        if any(getattr(after, k) is not getattr(before, k) and getattr(after, k) != getattr(before, k) for k in project_fields):
            return constrain_project(project_from_dict(project_to_dict(after), "edit"))
        old = {id(s) for s in before.shots}
        shots = []
        for i, shot in enumerate(after.shots):
            if id(shot) in old:
                shots.append(shot)
                continue
            try:
                shots.append(Shot.model_validate_json(shot.model_dump_json(), strict=True))
            except ValidationError as exc:
                err = validation_error(exc, "edit")
                raise ShotlineError(err.message, "edit", f"shots[{i}].{err.field}".rstrip(".")) from None
        after = after.model_copy(update={"shots": shots})
        after.check_references("edit")
        # A rig limits what a key can be: edited keys of a rigged shot land where the rig puts them.
        return constrain_project(after, {s.id for s in shots if id(s) not in old})

    def _set_project(self, project: Project) -> None:
        before = self._project
        self._project = project
        old = {s.id: s for s in before.shots}
        new = {s.id: s for s in project.shots}
        timing = [(s.id, s.duration) for s in before.shots] != [(s.id, s.duration) for s in project.shots]
        changed = [i for i, s in new.items() if old.get(i) is not s and old.get(i) != s]
        for shot_id in changed:  # before any view hears of it: a view reads the new camera, never a stale one
            self.sequence.invalidate(shot_id)
        if timing:
            self.shotsChanged.emit()
        for shot_id in changed:
            self.shotChanged.emit(shot_id)
        selected, key = self.selection.shot, self.selection.key
        if selected and selected not in new:
            self.select(project.shots[0].id if project.shots else "", -1)
        elif selected and key >= len(new[selected].keys):
            self.select(selected, -1)
        self.changed.emit()

    def _with_shot(self, shot: Shot) -> Project:
        shots = [shot if s.id == shot.id else s for s in self._project.shots]
        return self._project.model_copy(update={"shots": shots})

    def set_shot_fields(self, shot_id: str, text: str = "Edit shot", **fields) -> None:
        self.edit(self._with_shot(self.shot(shot_id).model_copy(update=fields)), text)

    def set_key(self, shot_id: str, index: int, key: CameraKey, text: str = "Move key") -> None:
        shot = self.shot(shot_id)
        keys = list(shot.keys)
        keys[index] = key
        keys.sort(key=lambda k: k.frame)
        self.edit(self._with_shot(shot.model_copy(update={"keys": keys})), text)

    def add_key(self, shot_id: str, frame: int) -> int:
        """A key at ``frame`` holding the camera as it is there. The curve is re-fitted through it, so
        frames near it can shift by a percent or two of the move (the key itself does not)."""
        shot = self.shot(shot_id)
        if shot.move is not None:  # a kept move's one key is its start: editing it moves the whole move
            return 0
        if any(k.frame == frame for k in shot.keys):
            return [k.frame for k in shot.keys].index(frame)
        key = key_at(self.camera(shot), frame)
        keys = sorted([*shot.keys, key], key=lambda k: k.frame)
        self.edit(self._with_shot(shot.model_copy(update={"keys": keys})), "Add key")
        return [k.frame for k in keys].index(frame)

    def delete_key(self, shot_id: str, index: int) -> None:
        shot = self.shot(shot_id)
        if len(shot.keys) <= 1:
            raise ShotlineError("a shot keeps at least one camera key", "document", "keys")
        keys = [k for i, k in enumerate(shot.keys) if i != index]
        self.edit(self._with_shot(shot.model_copy(update={"keys": keys})), "Delete key")

    def use_take(self, shot_id: str, index: int) -> None:
        """Switch the shot's camera to one of its recorded takes (one undo step)."""
        shot = self.shot(shot_id)
        if not 0 <= index < len(shot.takes):
            raise ShotlineError(f"shot {shot.name!r} has no take {index + 1}", "document", "takes")
        keys = [k for k in shot.takes[index].keys if k.frame < shot.duration] or shot.takes[index].keys[:1]
        new = shot.model_copy(update={"keys": keys, "path_space": "world", "pivot": None, "move": None})
        keys = carry_focus(shot, keys, lambda: EvaluatedSequence().shot(self._project, new))  # the focus stays the shot's
        self.set_shot_fields(shot_id, f"Use {shot.takes[index].name}", keys=keys, path_space="world", pivot=None, move=None)

    def insert_shot(self, shot: Shot, index: int | None = None, text: str = "Add shot") -> None:
        shots = list(self._project.shots)
        shots.insert(len(shots) if index is None else index, shot)
        self.edit(self._project.model_copy(update={"shots": shots}), text)

    def delete_shot(self, shot_id: str) -> None:
        shots = [s for s in self._project.shots if s.id != shot_id]
        self.edit(self._project.model_copy(update={"shots": shots}), "Delete shot")

    def move_shot(self, shot_id: str, index: int) -> None:
        shots = [s for s in self._project.shots if s.id != shot_id]
        shots.insert(max(0, min(index, len(shots))), self.shot(shot_id))
        self.edit(self._project.model_copy(update={"shots": shots}), "Reorder shots")

    def duplicate_shot(self, shot_id: str) -> str:
        shot = self.shot(shot_id)
        name = unique_name(f"{shot.name} copy", (s.name for s in self._project.shots))
        copy = shot.model_copy(deep=True, update={"id": new_shot_id(), "name": name})
        self.insert_shot(copy, self.shot_index(shot_id) + 1, "Duplicate shot")
        return copy.id

    def trim_shot(self, shot_id: str, duration: int) -> None:
        """Change a shot's length; keys past the new end are dropped, a key is kept at its last frame."""
        shot = self.shot(shot_id)
        duration = max(1, int(duration))
        keys = [k for k in shot.keys if k.frame < duration]
        if len(keys) < len(shot.keys) or not keys:
            end = key_at(self.camera(shot), min(duration, shot.duration) - 1)
            keys = [k for k in keys if k.frame != end.frame] + [end]
        subject_keys = [k for k in shot.subject_keys if k.frame < duration]
        self.edit(self._with_shot(shot.model_copy(update={"duration": duration, "keys": keys, "subject_keys": subject_keys})), "Trim shot")

    def split_shot(self, shot_id: str, frame: int) -> str:
        """Split at ``frame`` (in the shot). Each half keeps the original keys on its side plus a key
        at the cut taken from the camera there; the curve is re-fitted at the cut, so frames near it
        can move by a fraction of a percent of the move."""
        shot = self.shot(shot_id)
        if not 0 < frame < shot.duration:
            raise ShotlineError(f"split frame {frame} is not inside the shot (1..{shot.duration - 1})", "document", "frame")
        path = self.camera(shot)
        first = [k for k in shot.keys if k.frame < frame]
        second = [k.model_copy(update={"frame": k.frame - frame}) for k in shot.keys if k.frame >= frame]
        if not first or first[-1].frame != frame - 1:
            first.append(key_at(path, frame - 1))
        if not second or second[0].frame != 0:
            second.insert(0, key_at(path, frame).model_copy(update={"frame": 0}))
        if shot.path_space == "subject" or shot.move is not None:
            # Subject-space curves and kept moves are re-fitted per half; bake both halves to world keys instead.
            first = bake_keys(path.slice(0, frame))
            second = bake_keys(path.slice(frame, shot.duration))
        name = unique_name(shot.name, (s.name for s in self._project.shots))
        sk1 = [k for k in shot.subject_keys if k.frame < frame]
        sk2 = [k.model_copy(update={"frame": k.frame - frame}) for k in shot.subject_keys if k.frame >= frame]
        space = {"path_space": "world", "pivot": None, "move": None}  # both halves are world keys now
        a = shot.model_copy(update={"duration": frame, "keys": first, "subject_keys": sk1, **space})
        b = shot.model_copy(
            update={"id": new_shot_id(), "name": name, "duration": shot.duration - frame, "keys": second, "subject_keys": sk2, **space}
        )
        shots = []
        for s in self._project.shots:
            shots += [a, b] if s.id == shot_id else [s]
        self.edit(self._project.model_copy(update={"shots": shots}), "Split shot")
        return b.id

    def apply_move(self, shot_id: str, move: str, **params) -> None:
        """A preset from the Moves menu, kept on the shot as a move with its parameters (one step):
        it starts from the shot's camera at its first frame, about the subject the shot looks at,
        with the preset's default amount unless ``params`` say otherwise (amount, frames, start,
        easing, subject). It stays a move, editable, until :meth:`convert_move_to_keys`."""
        if move not in MOVES:
            raise ShotlineError(f"unknown move {move!r}", "document", "move")
        shot = self.shot(shot_id)
        looked = next((k.look_at for k in shot.keys if k.look_at), None)
        fields = {"subject": looked, **params}
        kept = self._valid_move(Move.model_construct(name=move, **{**_MOVE_DEFAULTS, **fields}))
        start = key_at(self.camera(shot), min(kept.start, shot.duration - 1)).model_copy(update={"frame": 0})
        base = shot.model_copy(update={"keys": [start], "path_space": "world", "pivot": None, "move": None})
        self._put_move(base, kept, f"Apply {move.replace('_', ' ')}")

    def set_move(self, shot_id: str, text: str = "Edit move", **fields) -> None:
        """Change the shot's kept move (amount, frames, start, easing, subject, name): one step; the
        cameras follow."""
        shot = self.shot(shot_id)
        if shot.move is None:
            raise ShotlineError(f"shot {shot.name!r} has no move to edit", "document", "move")
        if "name" in fields and fields["name"] != shot.move.name and "amount" not in fields:
            fields = {**fields, "amount": None}  # another preset: its own default amount, in its own unit
        self._put_move(shot, self._valid_move(shot.move.model_copy(update=fields)), text)

    def convert_move_to_keys(self, shot_id: str) -> None:
        """Dissolve the shot's kept move into ordinary keys (through ``bake_keys``): one step."""
        shot = self.shot(shot_id)
        if shot.move is None:
            return
        keys = bake_keys(self.camera(shot))
        self.set_shot_fields(shot_id, "Convert move to keys", keys=keys, path_space="world", pivot=None, move=None)

    def _valid_move(self, move: Move) -> Move:
        try:
            return Move.model_validate_json(move.model_dump_json(), strict=True)
        except ValidationError as exc:
            err = validation_error(exc, "edit")
            raise ShotlineError(err.message, "edit", f"move.{err.field}".rstrip(".")) from None

    def _put_move(self, shot: Shot, move: Move, text: str) -> None:
        if move.amount is None:
            move = move.model_copy(update={"amount": default_amount(move.name, move_context(self._project, shot, move))})
        after = shot.model_copy(update={"move": move})
        probe = self._with_shot(after)
        camera = move_camera(probe, after)  # a move that cannot run is refused here, with its reason
        if preset_of(move.name) == "follow":  # the subject's walk is the shot's (the timeline, the set read it)
            others = [k for k in shot.subject_keys if k.subject != move.subject]
            after = after.model_copy(update={"subject_keys": others + camera.subject_keys})
        self.edit(self._with_shot(after), text)

    # -- rigs ------------------------------------------------------------------------------------

    def set_rig(self, shot_id: str, kind: str | None) -> None:
        """Put the shot's camera on a new rig of ``kind`` fitted to it (None: take it off; the keys
        stay where the rig had them): one step."""
        shot = self.shot(shot_id)
        if kind is None:
            self.set_shot_fields(shot_id, "Take camera off its rig", rig=None)
            return
        rig = rig_for(kind, self._project, shot, self.camera(shot))
        update = {"rig": rig, "path_space": "world", "pivot": None}
        if kind == "steadicam" and not any(k.look_at for k in shot.keys):
            update["keys"] = [k.model_copy(update={"look_at": rig.subject}) for k in shot.keys]
        self.set_shot_fields(shot_id, f"Put camera on a {kind}", **update)

    def set_rig_fields(self, shot_id: str, text: str = "Edit rig", **fields) -> None:
        """Change the shot's rig (track, arm, lag …): one step. The keys keep their rig-space
        values (a crane key its swing and boom, a dolly key its distance along the track)."""
        shot = self.shot(shot_id)
        if shot.rig is None:
            raise ShotlineError(f"shot {shot.name!r} has no rig", "document", "rig")
        old = shot.rig
        try:
            rig = type(old).model_validate_json(old.model_copy(update=fields).model_dump_json(), strict=True)
        except ValidationError as exc:
            err = validation_error(exc, "edit")
            raise ShotlineError(err.message, "edit", f"rig.{err.field}".rstrip(".")) from None
        keys = shot.keys
        if old.kind != "steadicam":
            channels = old.channels(np.array([k.position for k in keys], float))
            keys = [key_at_channels(shot.model_copy(update={"rig": rig}), k, c) for k, c in zip(keys, channels)]
        self.set_shot_fields(shot_id, text, rig=rig, keys=keys)

    def replace_shots(self, shots: list[Shot], subjects=None, text: str = "Accept plan", prompt: str | None = None) -> None:
        """Put a planner proposal in (one step): its shots, its subjects and global prompt when given."""
        update = {"shots": shots}
        if subjects is not None:
            update["subjects"] = subjects
        if prompt is not None:
            update["prompt"] = prompt
        self.edit(self._project.model_copy(update=update), text)

    # -- files ---------------------------------------------------------------------------------

    def save(self, path: Path | None = None) -> Path:
        path = Path(path) if path else self._path
        if path is None:
            raise ShotlineError("the project has no file yet: choose where to save it", "document", "path")
        save_project(self._project, path)
        if path != self._path:
            self._path = path
            self.pathChanged.emit(path)
        self.undo_stack.setClean()
        return path

