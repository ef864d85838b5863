"""The reference clip beside the preview: which frame of which clip a sequence frame shows.

A cloned shot keeps a ``ReferenceClip`` (the file's path and the clip's time at the shot's first
frame, never a copy of the video). ``reference_at`` maps the playhead to that clip's time;
``ReferenceFrames`` decodes a clip once at a small size and hands out the frame at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.clone.video import Video, read_video
from engine.project import Project

REFERENCE_WIDTH = 320  # what the preview shows it at, at most
CLIPS_KEPT = 3


@dataclass(frozen=True)
class ReferenceTime:
    path: Path
    time_s: float
    fps: float


def reference_at(project: Project, frame: int, base_dir: Path | None = None) -> ReferenceTime | None:
    """The clip and time the sequence frame ``frame`` corresponds to, or None (no reference)."""
    if not project.shots:
        return None
    shot, local = project.locate(frame)
    ref = project.shots[shot].reference
    if ref is None:
        return None
    path = Path(ref.path)
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    return ReferenceTime(path, ref.time_at(local), ref.fps)


class ReferenceFrames:
    """Clips decoded at ``width`` (the last few kept); ``frame(ref)`` is the frame at ``ref.time_s``."""

    def __init__(self, width: int = REFERENCE_WIDTH):
        self.width = width
        self._clips: dict[Path, Video] = {}

    def video(self, path: Path) -> Video:
        key = Path(path)
        if key not in self._clips:
            self._clips[key] = read_video(key, width=self.width)
            while len(self._clips) > CLIPS_KEPT:
                self._clips.pop(next(iter(self._clips)))
        return self._clips[key]

    def frame(self, ref: ReferenceTime) -> np.ndarray | None:
        """RGB frame of the clip at the time, None when the time is outside the clip; a missing or
        unreadable file raises ShotlineError naming it."""
        video = self.video(ref.path)
        index = round(ref.time_s * video.fps) - video.start_frame
        if not 0 <= index < len(video.frames):
            return None
        return video.frames[index]

