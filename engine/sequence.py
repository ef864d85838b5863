"""The evaluated sequence: every shot's per-frame camera, cached by what it depends on.

This is the ONE place cameras are evaluated. Views, exporters, renderers, the planner and the
render request read their cameras here; an edit to one shot re-evaluates that shot once, the
first time anyone asks, and every other reader gets the same arrays.

A shot's camera depends on the shot (keys, lens, duration, path space, pivot, subject keys, rig,
kept move), on the subjects it aims at, pivots around, pulls focus to, follows on a Steadicam or
moves about, and on the project's fps and film back. The cache key is exactly that, as text, so an
unchanged shot is found again even when the document hands out a fresh copy of the project after
every edit.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

import numpy as np

from engine.camera.interpolate import evaluate_shot, subject_positions
from engine.camera.path import CameraPath
from engine.project import Project, Shot

# Planner proposals come and go with their own ids, and a file may hold very long shots: the cache
# keeps the most recently read shots up to this many frames (136 bytes a frame: ~270 MB).
MAX_CACHED_FRAMES = 2_000_000


def shot_dependencies(project: Project, shot: Shot) -> str:
    """Everything the shot's cameras are computed from, as one comparable string."""
    names = {k.look_at for k in shot.keys if k.look_at} | {k.focus_subject for k in shot.keys if k.focus_subject}
    if shot.pivot:
        names.add(shot.pivot)
    for name in (getattr(shot.rig, "subject", None), shot.move and shot.move.subject):  # a Steadicam's, a move's
        if name:
            names.add(name)
    subjects = [project.subject(n).model_dump(mode="json") for n in sorted(names)]
    # Subject keys of other subjects move nobody the camera follows; they still ride along in the
    # shot's own dump, which is what the shot is (cheap, and never wrong).
    return json.dumps(
        [shot.model_dump(mode="json"), subjects, project.fps, project.film_back_mm()],
        separators=(",", ":"),
    )


class EvaluatedSequence:
    """Per-shot cameras of a project, evaluated on demand and kept while their inputs hold.

    ``evaluations`` counts the shots actually evaluated (tests and benchmarks read it).
    """

    def __init__(self, max_frames: int = MAX_CACHED_FRAMES):
        # exports run in a worker thread while the views read the same cache
        self._lock = threading.RLock()
        self._paths: OrderedDict[str, tuple[str, CameraPath]] = OrderedDict()
        self._max_frames = max_frames
        self._frames = 0
        self.evaluations = 0

    def shot(self, project: Project, shot: Shot) -> CameraPath:
        """The camera on every frame of ``shot`` (read-only arrays: share, don't modify)."""
        deps = shot_dependencies(project, shot)
        with self._lock:
            hit = self._paths.get(shot.id)
            if hit is not None and hit[0] == deps:
                self._paths.move_to_end(shot.id)
                return hit[1]
        path = evaluate_shot(project, shot)  # outside the lock: another thread's hit need not wait
        path.c2w.setflags(write=False)
        path.focal_mm.setflags(write=False)
        if path.focus_m is not None:
            path.focus_m.setflags(write=False)
            path.t_stop.setflags(write=False)
        with self._lock:
            self.evaluations += 1
            self.invalidate(shot.id)
            self._paths[shot.id] = (deps, path)
            self._frames += len(path)
            while self._frames > self._max_frames and len(self._paths) > 1:
                self._frames -= len(self._paths.popitem(last=False)[1][1])
        return path

    def paths(self, project: Project) -> list[CameraPath]:
        """Every shot's camera, in shot order."""
        return [self.shot(project, s) for s in project.shots]

    def subject_positions(self, project: Project, shot: Shot, name: str) -> np.ndarray:
        """Where subject ``name`` stands on every frame of ``shot`` (cheap: linear in its keys)."""
        return subject_positions(project, shot, name, np.arange(shot.duration, dtype=float))

    def invalidate(self, shot_id: str | None = None) -> None:
        """Forget one shot (or all): the next read evaluates it again."""
        with self._lock:
            if shot_id is None:
                self._paths.clear()
                self._frames = 0
            elif (gone := self._paths.pop(shot_id, None)) is not None:
                self._frames -= len(gone[1])


# A process-wide sequence for code with no document of its own (command line, engine, planner).
# The app's document owns its own, so that a view never sees another project's cache.
shared = EvaluatedSequence()
