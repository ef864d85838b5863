"""RealEstate10K camera text: a URL line, then per frame
``timestamp_us fx fy cx cy 0 0`` + world-to-camera 3x4 row-major, OpenCV camera and world axes,
intrinsics normalised by image width / height. One file per shot.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.camera.conventions import from_opencv_world, invert_poses, to_opencv_world, unflatten_3x4
from engine.camera.path import CameraPath
from engine.interchange.sampled import files_in, fmt, read_float_rows, shot_name_from_file, write_per_shot
from engine.project import Project


def write(paths: list[CameraPath], out: Path, fps: float) -> None:
    def one(path: CameraPath, fh) -> None:
        film_w, film_h = path.film_back_mm
        fh.write(f"shotline://{path.name or 'shot'}\n")
        w2c = invert_poses(to_opencv_world(path.c2w))
        for f, (m, focal) in enumerate(zip(w2c, path.focal_mm)):
            stamp = int(round(f / fps * 1e6))
            fh.write(f"{stamp} {fmt([focal / film_w, focal / film_h, 0.5, 0.5, 0.0, 0.0])} {fmt(m[:3, :4].reshape(-1))}\n")

    write_per_shot(paths, out, ".txt", one)


def read(src: Path, template: Project) -> tuple[list[CameraPath], float]:
    film = template.film_back_mm()
    paths, fps = [], template.fps
    for f in files_in(Path(src), ".txt"):
        rows = read_float_rows(f, 19, skip=1)
        c2w = from_opencv_world(invert_poses(unflatten_3x4(rows[:, 7:19])))
        if len(rows) > 1:
            fps = float(round(1e6 / np.median(np.diff(rows[:, 0])), 3))
        paths.append(CameraPath(c2w, rows[:, 1] * film[0], film, fps, shot_name_from_file(f)))
    return paths, fps
