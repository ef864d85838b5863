"""Cut on beat: re-time shots so that each cut lands on the nearest beat, keeping every move's shape.

A re-timed shot's keys (camera and subject) move in proportion to the new length, so the move is the
same move played faster or slower: a key a third of the way in stays a third of the way in.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

from engine.errors import ShotlineError
from engine.project import Project, Shot


def scale_frame(frame: int, old_duration: int, new_duration: int) -> int:
    if old_duration <= 1:
        return 0
    return int(round(frame * (new_duration - 1) / (old_duration - 1)))


def retime_shot(shot: Shot, duration: int) -> Shot:
    """The shot lasting ``duration`` frames, its keys scaled in time (first and last keys stay at the
    ends they were on). Keys that would land on one frame are kept apart, one frame each."""
    if duration < len(shot.keys):
        raise ShotlineError(f"{duration} frames cannot hold the shot's {len(shot.keys)} keys", shot.name, "duration")
    if duration == shot.duration:
        return shot
    frames = [scale_frame(k.frame, shot.duration, duration) for k in shot.keys]
    for i in range(1, len(frames)):  # keep keys strictly increasing …
        frames[i] = max(frames[i], frames[i - 1] + 1)
    for i in range(len(frames) - 1, -1, -1):  # … and inside the shot
        frames[i] = min(frames[i], duration - 1 - (len(frames) - 1 - i))
    keys = [k.model_copy(update={"frame": f}) for k, f in zip(shot.keys, frames)]
    subject_keys = {}
    for sk in shot.subject_keys:
        f = min(scale_frame(sk.frame, shot.duration, duration), duration - 1)
        subject_keys[(sk.subject, f)] = sk.model_copy(update={"frame": f})  # a collision keeps the later key
    return shot.model_copy(update={"duration": duration, "keys": keys, "subject_keys": list(subject_keys.values())})


def beat_frames(beats_s: Iterable[float], fps: float) -> np.ndarray:
    """Beat times as the sequence frames nearest to them (a cut can only fall on a frame)."""
    b = np.asarray(list(beats_s), float)
    return np.unique(np.round(b[b >= 0] * fps).astype(np.int64))


def cut_on_beat(project: Project, shot_ids: Iterable[str], beats_s: Iterable[float]) -> tuple[Project, list[str]]:
    """Re-time the shots ``shot_ids`` so that the cut at each one's end lands on the beat nearest to
    it; returns the new project and a note for each shot that could not be moved (no beat after its
    start that leaves it room for its keys). Shots not selected keep their length and move along."""
    wanted = set(shot_ids)
    beats = beat_frames(beats_s, project.fps)
    shots, notes, start = [], [], 0
    for shot in project.shots:
        if shot.id in wanted:
            room = beats[beats - start >= max(1, len(shot.keys))]
            if room.size == 0:
                notes.append(f"{shot.name}: no beat after frame {start + len(shot.keys)}; left as it was")
            else:
                end = start + shot.duration
                target = int(room[np.abs(room - end).argmin()])
                shot = retime_shot(shot, target - start)
        shots.append(shot)
        start += shot.duration
    return project.model_copy(update={"shots": shots}), notes
