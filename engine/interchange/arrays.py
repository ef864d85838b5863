"""NumPy pose arrays for learning code, one ``.npy`` per shot.

``npy12``: (N,12) camera-to-world 3x4 row-major, OpenCV camera and world axes (ShotVerse).
``npy9``: (N,9) the patent's normalised state (seed 003): quaternion (x, y, z, w) and translation
relative to the first frame with the farthest camera at distance 1, then focal / film width and
focal / film height. npy9 keeps the motion's shape, not where the camera stood or the set's scale:
it reads back as a path starting at the origin.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.camera.conventions import (
    flatten_3x4,
    from_opencv_world,
    opencv_to_opengl,
    opengl_to_opencv,
    to_opencv_world,
    unflatten_3x4,
)
from engine.camera.normalize import from_state9, to_state9
from engine.camera.path import CameraPath
from engine.errors import ShotlineError
from engine.interchange.sampled import files_in, shot_name_from_file, write_per_shot
from engine.project import Project


def _load(f: Path, width: int) -> np.ndarray:
    try:
        arr = np.load(f, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise ShotlineError(f"not a NumPy array file ({exc})", f) from None
    if arr.ndim != 2 or arr.shape[1] != width or len(arr) == 0:
        raise ShotlineError(f"expected an (N,{width}) array, found {arr.shape}", f)
    if not np.issubdtype(arr.dtype, np.number) or not np.all(np.isfinite(arr)):
        raise ShotlineError("holds non-finite or non-numeric values", f)
    return arr.astype(float)


def write12(paths: list[CameraPath], out: Path, fps: float) -> None:
    write_per_shot(paths, out, ".npy", lambda p, fh: np.save(fh, flatten_3x4(to_opencv_world(p.c2w))), binary=True)


def read12(src: Path, template: Project) -> tuple[list[CameraPath], float]:
    film = template.film_back_mm()
    paths = []
    for f in files_in(Path(src), ".npy"):
        c2w = from_opencv_world(unflatten_3x4(_load(f, 12)))
        paths.append(CameraPath(c2w, 35.0, film, template.fps, shot_name_from_file(f)))
    return paths, template.fps


def write9(paths: list[CameraPath], out: Path, fps: float) -> None:
    def one(p: CameraPath, fh) -> None:
        np.save(fh, to_state9(opengl_to_opencv(p.c2w), p.focal_mm, p.film_back_mm))

    write_per_shot(paths, out, ".npy", one, binary=True)


def read9(src: Path, template: Project) -> tuple[list[CameraPath], float]:
    film = template.film_back_mm()
    paths = []
    for f in files_in(Path(src), ".npy"):
        state = _load(f, 9)
        norms = np.linalg.norm(state[:, :4], axis=1)
        if np.any(np.abs(norms - 1.0) > 1e-3):
            raise ShotlineError(f"row {int(np.argmax(np.abs(norms - 1)))} has a non-unit quaternion", f)
        c2w, focal = from_state9(state, film)
        paths.append(CameraPath(opencv_to_opengl(c2w), focal, film, template.fps, shot_name_from_file(f)))
    return paths, template.fps
