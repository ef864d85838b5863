"""Nuke ``.chan``: ``frame tx ty tz rx ry rz vfov`` per line, one file per shot.

Nuke cameras are Y-up with the OpenGL camera, like Shotline. Rotations are Nuke's default ZXY
order in degrees (rotate about Z, then X, then Y: R = Ry Rx Rz); the last column is the vertical
field of view in degrees over the film back's height. Frames count from 1.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation

from engine.camera.conventions import pose_matrix
from engine.camera.lens import focal_from_fov, vertical_fov_deg
from engine.camera.path import CameraPath
from engine.interchange.sampled import files_in, fmt, read_float_rows, shot_name_from_file, write_per_shot
from engine.project import Project


def write(paths: list[CameraPath], out: Path, fps: float) -> None:
    def one(path: CameraPath, fh) -> None:
        zxy = Rotation.from_matrix(path.c2w[:, :3, :3]).as_euler("zxy", degrees=True)  # rz, rx, ry
        vfov = vertical_fov_deg(path.focal_mm, path.film_back_mm)
        for f in range(len(path)):
            rz, rx, ry = zxy[f]
            fh.write(f"{f + 1} {fmt([*path.c2w[f, :3, 3], rx, ry, rz, vfov[f]])}\n")

    write_per_shot(paths, out, ".chan", one)


def read(src: Path, template: Project) -> tuple[list[CameraPath], float]:
    film = template.film_back_mm()
    paths = []
    for f in files_in(Path(src), ".chan"):
        rows = read_float_rows(f, (7, 8))
        rot = Rotation.from_euler("zxy", rows[:, [6, 4, 5]], degrees=True)
        focal = focal_from_fov(rows[:, 7], film[1]) if rows.shape[1] == 8 else np.full(len(rows), 35.0)
        paths.append(CameraPath(pose_matrix(rows[:, 1:4], rot.as_quat()), focal, film, template.fps, shot_name_from_file(f)))
    return paths, template.fps
