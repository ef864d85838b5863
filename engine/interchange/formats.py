"""The export / import formats by name: what ``shotline export`` and ``shotline import`` offer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from engine.errors import ShotlineError
from engine.interchange import arrays, chan, csv_poses, kitti, nerfstudio, otio_timeline, re10k, usd
from engine.interchange.sampled import project_from_paths, project_paths
from engine.project import Project


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    suffix: str
    write: Callable[[Project, Path], None]
    read: Callable[[Path, Project], Project]


def _sampled(writer, reader):
    """Writer / reader of a per-frame format, lifted to whole projects."""

    def write(project: Project, out: Path) -> None:
        writer(project_paths(project), Path(out), project.fps)

    def read(src: Path, template: Project) -> Project:
        paths, fps = reader(Path(src), template)
        return project_from_paths(paths, fps, name=Path(src).stem, template=template)

    return write, read


def _usd_write(project: Project, out: Path) -> None:
    usd.write(project_paths(project), Path(out), project.fps, project_name=project.name)


FORMATS: dict[str, Format] = {
    "usd": Format("usd", "USD stage, one UsdGeom.Camera per shot", ".usda", _usd_write, _sampled(None, usd.read)[1]),
    "otio": Format("otio", "OpenTimelineIO timeline, lossless", ".otio", lambda p, o: otio_timeline.write(p, Path(o)), otio_timeline.read),
    "nerfstudio": Format("nerfstudio", "nerfstudio camera_path.json", ".json", *_sampled(nerfstudio.write, nerfstudio.read)),
    "re10k": Format("re10k", "RealEstate10K camera txt (folder for several shots)", ".txt", *_sampled(re10k.write, re10k.read)),
    "kitti": Format("kitti", "KITTI / E.T. 12 numbers per line (no lens)", ".txt", *_sampled(kitti.write, kitti.read)),
    "chan": Format("chan", "Nuke .chan (folder for several shots)", ".chan", *_sampled(chan.write, chan.read)),
    "csv": Format("csv", "CSV of poses, every shot in one file", ".csv", *_sampled(csv_poses.write, csv_poses.read)),
    "npy12": Format("npy12", "(N,12) camera-to-world 3x4, OpenCV axes", ".npy", *_sampled(arrays.write12, arrays.read12)),
    "npy9": Format("npy9", "(N,9) normalised quaternion + translation + focal", ".npy", *_sampled(arrays.write9, arrays.read9)),
}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise ShotlineError(f"unknown format {name!r}; choose from {', '.join(FORMATS)}", "", "--format") from None


def export_project(project: Project, name: str, out: str | Path) -> None:
    get_format(name).write(project, Path(out))


def import_project(src: str | Path, name: str, template: Project | None = None) -> Project:
    return get_format(name).read(Path(src), template or Project())
