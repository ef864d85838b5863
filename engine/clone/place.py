"""A solved shot into the project's set: scale, placement, lens in mm, and a few keys.

The reference's first camera is stood where its shot size puts it from the chosen subject (the
frame holds the subject at that size: ``engine.camera.framing``), level, looking at the point of
the body that size aims at; the cloned motion follows from there. Monocular footage has no scale:
the scene's depth at the centre of the first frame is taken to be the subject's distance, so a
push that halves the distance to what the reference looked at halves the distance to the subject.
"""

from __future__ import annotations

import numpy as np

from engine.camera.bake import bake_keys, path_length
from engine.camera.conventions import look_at_rotation
from engine.camera.framing import PERSON_SIZES, distance_for_size, shot_size  # noqa: F401 - PERSON_SIZES for callers
from engine.camera.path import CameraPath
from engine.project import MAX_FOCAL_MM, MIN_FOCAL_MM, CameraKey, Project, Subject

DEFAULT_SIZE = "MS"  # what the camera stands at when the reference does not say: a medium shot
DEFAULT_SUBJECT = Subject(name="Subject", position=(0.0, 0.0, 0.0), height=1.75)
ROT_TOL_DEG = 0.5
POS_TOL_FRACTION = 0.02  # of the path's length


def subject_for(project: Project, name: str | None) -> Subject:
    """The named subject, else the project's first, else the stated default (added by the caller)."""
    if name is not None:
        return project.subject(name)
    return project.subjects[0] if project.subjects else DEFAULT_SUBJECT


def place(rel_c2w: np.ndarray, focal_mm: np.ndarray, depth0: float | None, subject: Subject, film_back_mm, size: str = DEFAULT_SIZE, fps: float = 24.0, name: str = "") -> CameraPath:
    """World cameras of one shot from its relative cameras (frame 0 = identity, OpenGL axes)."""
    spec = shot_size(size)
    distance = distance_for_size(size, subject.height, float(focal_mm[0]), film_back_mm[1])
    aim = np.asarray(subject.position, float) + [0.0, spec.aim * subject.height, 0.0]
    eye = aim + [0.0, 0.0, distance]  # in front of the subject (+Z), level with the aim point
    first = np.eye(4)
    first[:3, :3] = look_at_rotation(eye, aim).as_matrix()
    first[:3, 3] = eye
    rel = np.array(rel_c2w, float)
    scale = distance / depth0 if depth0 and depth0 > 0 else 0.0
    rel[:, :3, 3] *= scale
    return CameraPath(first @ rel, np.clip(focal_mm, MIN_FOCAL_MM, MAX_FOCAL_MM), film_back_mm, fps, name)


def keys_for(path: CameraPath) -> list[CameraKey]:
    """The few keys that hold the dense track within 0.5 degrees and 2 % of its length."""
    tol = max(POS_TOL_FRACTION * path_length(path.positions), 0.005)
    return bake_keys(path, rot_tol_deg=ROT_TOL_DEG, pos_tol_m=tol)
