"""Between a Project and per-frame camera samples, for formats that store every frame."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from engine import sequence
from engine.atomic import atomic_directory, atomic_write
from engine.camera.bake import bake_keys
from engine.camera.naming import slug
from engine.camera.path import CameraPath
from engine.errors import ShotlineError
from engine.project import MAX_COORD_M, MAX_FOCAL_MM, MIN_FOCAL_MM, Project, Shot, new_shot_id


def project_from_paths(
    paths: list[CameraPath], fps: float, name: str = "Imported", template: Project | None = None
) -> Project:
    """A project with one shot per path and a linear key on every frame: lossless at whole frames."""
    base = template or Project()
    shots = []
    for i, path in enumerate(paths):
        label = path.name or f"shot {i + 1}"
        path.validate(label)
        pos = path.positions
        # Conversions (FOV <-> focal) can land a hair outside the lens range a file stored exactly.
        focal = np.where(np.abs(path.focal_mm - MIN_FOCAL_MM) < 1e-9, MIN_FOCAL_MM, path.focal_mm)
        bad = np.flatnonzero((focal < MIN_FOCAL_MM) | (focal > MAX_FOCAL_MM))
        if len(bad):
            raise ShotlineError(
                f"focal length {focal[bad[0]]:.4g} mm is outside {MIN_FOCAL_MM:g}..{MAX_FOCAL_MM:g} mm", label, f"frame {bad[0]}"
            )
        bad = np.flatnonzero(np.abs(pos).max(axis=1) > MAX_COORD_M)
        if len(bad):
            raise ShotlineError("camera position is farther than 1000 km from the origin", label, f"frame {bad[0]}")
        path.focal_mm = focal
        keys = bake_keys(path, every=1, interp="linear")  # a key on every frame: lossless
        shots.append(Shot(id=new_shot_id(), name=path.name or f"Shot {i + 1}", duration=len(path), keys=keys))
    return base.model_copy(update={"name": name, "fps": float(fps), "shots": shots})


def project_paths(project: Project) -> list[CameraPath]:
    if not project.shots:
        raise ShotlineError("the project has no shots to export", project.name, "shots")
    return [p.validate(p.name) for p in sequence.shared.paths(project)]


def shot_file_names(paths: list[CameraPath], suffix: str) -> list[str]:
    return [f"shot_{i + 1:02d}_{slug(p.name)}{suffix}" for i, p in enumerate(paths)]


def files_in(path: Path, suffix: str) -> list[Path]:
    """The per-shot files of a multi-shot export folder, in shot order, or the one file."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix == suffix and not p.name.startswith("."))
        if not files:
            raise ShotlineError(f"no {suffix} files in this folder", path)
        return files
    if not path.exists():
        raise ShotlineError("no such file", path)
    return [path]


def shot_name_from_file(path: Path) -> str:
    m = re.match(r"shot_\d+_(.*)$", path.stem)
    return (m.group(1) if m else path.stem).replace("_", " ")


def write_per_shot(paths: list[CameraPath], out: Path, suffix: str, write_one, binary: bool = False) -> None:
    """One file for a one-shot project; a folder of per-shot files otherwise. Atomic either way.

    ``write_one(path, file_handle)`` writes one shot's text.
    """
    out = Path(out)
    if len(paths) == 1 and out.suffix == suffix:
        with atomic_write(out, "wb" if binary else "w") as fh:
            write_one(paths[0], fh)
        return
    if out.suffix == suffix:
        raise ShotlineError(
            f"this project has {len(paths)} shots: give a folder, one {suffix} file per shot is written", out
        )
    with atomic_directory(out) as tmp:
        for path, name in zip(paths, shot_file_names(paths, suffix)):
            with open(tmp / name, "wb") if binary else open(tmp / name, "w", encoding="utf-8", newline="") as fh:
                write_one(path, fh)


def read_float_rows(path: Path, width: int | tuple[int, ...], skip: int = 0) -> np.ndarray:
    """Whitespace-separated numeric rows; errors name the file and the line."""
    widths = (width,) if isinstance(width, int) else width
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ShotlineError(f"cannot read ({exc})", path) from None
    for n, line in enumerate(lines[skip:], start=skip + 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split()
        if len(parts) not in widths:
            raise ShotlineError(f"expected {' or '.join(map(str, widths))} numbers, found {len(parts)}", path, f"line {n}")
        try:
            values = [float(x) for x in parts]
        except ValueError:
            raise ShotlineError("not a number", path, f"line {n}") from None
        if not np.all(np.isfinite(values)):
            raise ShotlineError("NaN or infinite value", path, f"line {n}")
        rows.append(values)
    if not rows:
        raise ShotlineError("no camera rows", path)
    return np.array(rows, dtype=float)


def fmt(values) -> str:
    """Numbers as text that reads back bit-for-bit."""
    return " ".join(repr(float(v)) for v in values)
