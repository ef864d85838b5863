"""Who is in frame, from the id pass: the share of the frame each person covers, occlusion included.

The analysis's own test (is a point of the subject inside the frame?) cannot see that a wall hides
someone, or that only a shoulder is in. This renders the id pass small (it is only counted) on the
frames asked for and returns, per person, the fraction of the frame their pixels cover.
"""

from __future__ import annotations

import numpy as np

from engine.camera.path import CameraPath
from engine.greybox.scene import subject_id
from engine.greybox.shots import GreyboxShots
from engine.project import Project, Shot

COUNT_WIDTH = 160  # pixels across: enough for a shoulder at the frame's edge to count
MIN_SHARE = 0.002  # of the frame: less than this is a stray sliver, not someone in the shot


def frame_shares(project: Project, shot: Shot, path: CameraPath, frames) -> dict[int, dict[str, float]]:
    """{frame: {person name: share of the frame's pixels}} for ``frames`` of ``shot``."""
    index = project.shots.index(shot)
    size = project.frame_size(COUNT_WIDTH)
    shots = GreyboxShots(project, [path], size, [index])
    people = [(subject_id(i), s.name) for i, s in enumerate(project.subjects) if s.is_person]
    out = {}
    for f in frames:
        ids = shots.render_frame(0, int(f), ("id",))["id"]
        counts = np.bincount(ids.ravel(), minlength=max((i for i, _ in people), default=0) + 1)
        out[int(f)] = {name: float(counts[i]) / ids.size for i, name in people}
    return out
