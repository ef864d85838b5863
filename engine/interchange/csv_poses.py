"""The CSV of poses every tool can read (DESIGN.md): one row per frame of every shot.

Columns ``shot,frame,time_s,x,y,z,qx,qy,qz,qw,focal_mm,sensor_width_mm,sensor_height_mm``;
world +Y up, camera-to-world, OpenGL camera axes. ``shot`` is the shot's name, ``frame`` counts
from 0 within the shot and ``time_s`` from the start of the sequence; the sensor columns hold
the film back the delivery aspect uses.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from engine.atomic import atomic_write
from engine.camera.conventions import pose_components, pose_matrix
from engine.camera.path import CameraPath
from engine.errors import ShotlineError
from engine.project import Project

COLUMNS = ["shot", "frame", "time_s", "x", "y", "z", "qx", "qy", "qz", "qw", "focal_mm", "sensor_width_mm", "sensor_height_mm"]


CHUNK_ROWS = 10_000  # rows formatted at once: memory stays a chunk, whatever the sequence's length


def write(paths: list[CameraPath], out: Path, fps: float) -> None:
    with atomic_write(out) as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COLUMNS)
        start = 0
        for path in paths:
            for lo in range(0, len(path), CHUNK_ROWS):
                hi = min(lo + CHUNK_ROWS, len(path))
                pos, quat = pose_components(path.c2w[lo:hi])
                w.writerows(
                    [path.name, lo + f, *(repr(float(v)) for v in ((start + lo + f) / fps, *pos[f], *quat[f], path.focal_mm[lo + f], *path.film_back_mm))]
                    for f in range(hi - lo)
                )
            start += len(path)


def read(src: Path, template: Project) -> tuple[list[CameraPath], float]:
    try:
        text = Path(src).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ShotlineError("no such file", src) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ShotlineError(f"cannot read ({exc})", src) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ShotlineError(f"missing column(s) {', '.join(missing)}", src, "header")
    # Rows belong to the shot their ``shot`` column names, whatever order the file is in (tools write
    # shot by shot, or frame by frame across shots); shots play in the order of their first frame's time.
    groups: dict[str, dict[int, tuple[int, list[float]]]] = {}
    for n, row in enumerate(reader, start=2):
        try:
            nums = [float(row[c]) for c in COLUMNS[1:]]
        except (TypeError, ValueError):
            raise ShotlineError("a value is not a number", src, f"line {n}") from None
        if not np.all(np.isfinite(nums)):
            raise ShotlineError("NaN or infinite value", src, f"line {n}")
        if nums[0] != int(nums[0]) or nums[0] < 0:
            raise ShotlineError(f"frame {row['frame']} is not a whole number of frames", src, f"line {n}")
        name, frame = row["shot"] or "", int(nums[0])
        rows = groups.setdefault(name, {})
        if frame in rows:
            raise ShotlineError(f"shot {name!r} has frame {frame} twice (also on line {rows[frame][0]})", src, f"line {n}")
        rows[frame] = (n, nums)
    if not groups:
        raise ShotlineError("no camera rows", src)
    shots = []
    for name, rows in groups.items():
        frames = sorted(rows)
        for f, g in zip(frames, frames[1:]):
            if g != f + 1:
                raise ShotlineError(f"shot {name!r} jumps from frame {f} to {g}", src, f"line {rows[g][0]}")
        shots.append((name, np.array([rows[f][1] for f in frames])))
    shots.sort(key=lambda item: item[1][0, 1])  # stable: equal start times keep the file's order
    paths, fps = [], template.fps
    steps = np.concatenate([np.diff(a[:, 1]) for _, a in shots])
    if len(steps) and np.all(steps > 0):
        fps = float(round(1.0 / np.median(steps), 3))
    for name, a in shots:
        norms = np.linalg.norm(a[:, 5:9], axis=1)
        if np.any(np.abs(norms - 1.0) > 1e-3):
            raise ShotlineError("quaternion (qx, qy, qz, qw) is not unit length", src, f"shot {name!r}")
        c2w = pose_matrix(a[:, 2:5], a[:, 5:9])
        paths.append(CameraPath(c2w.reshape(-1, 4, 4), a[:, 9], (a[0, 10], a[0, 11]), fps, name))
    return paths, fps
