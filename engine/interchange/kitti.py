"""KITTI / E.T. trajectories: 12 numbers a line, camera-to-world 3x4 row-major, OpenCV axes.

These files carry no lens: importing gives the project's default focal length.
"""

from __future__ import annotations

from pathlib import Path

from engine.camera.conventions import flatten_3x4, from_opencv_world, to_opencv_world, unflatten_3x4
from engine.camera.path import CameraPath
from engine.interchange.sampled import files_in, fmt, read_float_rows, shot_name_from_file, write_per_shot
from engine.project import Project


def write(paths: list[CameraPath], out: Path, fps: float) -> None:
    def one(path: CameraPath, fh) -> None:
        for row in flatten_3x4(to_opencv_world(path.c2w)):
            fh.write(fmt(row) + "\n")

    write_per_shot(paths, out, ".txt", one)


def read(src: Path, template: Project) -> tuple[list[CameraPath], float]:
    film = template.film_back_mm()
    focal = template.shots[0].lens.focal_mm if template.shots else 35.0
    paths = []
    for f in files_in(Path(src), ".txt"):
        rows = read_float_rows(f, 12)
        paths.append(CameraPath(from_opencv_world(unflatten_3x4(rows)), focal, film, template.fps, shot_name_from_file(f)))
    return paths, template.fps
