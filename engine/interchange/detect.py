"""Open any camera file Shotline reads, guessing the format from its name and first line."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.errors import ShotlineError
from engine.interchange.formats import FORMATS, import_project
from engine.project import Project, load_project

SUFFIXES = {
    ".usd": "usd", ".usda": "usd", ".usdc": "usd", ".otio": "otio", ".json": "nerfstudio",
    ".chan": "chan", ".csv": "csv",
}  # fmt: skip


def _guess_file(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    if suffix == ".npy":
        try:
            shape = np.load(path, mmap_mode="r", allow_pickle=False).shape
        except (OSError, ValueError) as exc:
            raise ShotlineError(f"cannot read ({exc})", path) from None
        return {12: "npy12", 9: "npy9"}.get(shape[-1] if shape else 0)
    if suffix == ".txt":
        try:
            with open(path, encoding="utf-8") as fh:
                first = fh.readline()
        except (OSError, UnicodeDecodeError) as exc:
            raise ShotlineError(f"cannot read ({exc})", path) from None
        # RealEstate10K starts with the video's URL; KITTI with 12 numbers.
        return "kitti" if len(first.split()) == 12 else "re10k"
    return None


def guess_format(path: str | Path) -> str:
    """The format name of a camera file or of a folder of per-shot files."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        kinds = {k for k in (_guess_file(f) for f in files) if k}
        if len(kinds) == 1:
            return kinds.pop()
        raise ShotlineError(
            "cannot tell the camera format of this folder" + (f" (it mixes {', '.join(sorted(kinds))})" if kinds else ""),
            path,
            "--format",
        )
    if not path.exists():
        raise ShotlineError("no such file", path)
    kind = _guess_file(path)
    if kind is None:
        raise ShotlineError(f"cannot tell the camera format from the name; give --format ({', '.join(FORMATS)})", path, "--format")
    return kind


def open_cameras(path: str | Path, fmt: str | None = None, template: Project | None = None) -> Project:
    """A project from a .shotline file or from any camera format (guessed unless ``fmt`` is given)."""
    path = Path(path)
    if fmt is None and path.suffix.lower() == ".shotline":
        return load_project(path)
    return import_project(path, fmt or guess_format(path), template)
