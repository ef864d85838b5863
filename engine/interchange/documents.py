"""What ``shotline export`` writes besides cameras: documents for the crew and cuts for the editor.

Unlike the camera formats (formats.py) these go one way, and some need the project's file (to find
``NAME.renders/`` and audio beside it) and options (layout, frame source, media)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from engine.project import Project


@dataclass(frozen=True)
class Document:
    name: str
    description: str
    suffix: str
    # (project, output, project file or None, options) -> a line saying what was written;
    # options["progress"], where given, is an engine.progress callback (it may raise Cancelled)
    write: Callable[[Project, Path, "Path | None", dict], str]


def _storyboard(project, out, project_path, options) -> str:
    from engine.interchange.storyboard import write_storyboard

    pages = write_storyboard(project, out, options.get("layout") or "2x3", options.get("source") or "grid", project_path, options.get("progress"))
    return f"{pages} pages, {len(project.shots)} panels"


def _shotlist_csv(project, out, project_path, options) -> str:
    from engine.interchange.shotlist import write_csv

    return f"{write_csv(project, out, project_path)} shots"


def _shotlist_pdf(project, out, project_path, options) -> str:
    from engine.interchange.shotlist import write_pdf

    return f"{write_pdf(project, out, project_path)} pages"


def _cut(fmt: str):
    def write(project, out, project_path, options) -> str:
        from engine.interchange.editorial import write_cut

        folder = write_cut(project, fmt, out, project_path, options.get("source") or "grid", options.get("size"), options.get("progress"))
        return f"{len(project.shots)} clips, media in {folder}"

    return write


DOCUMENTS: dict[str, Document] = {
    "storyboard": Document("storyboard", "storyboard PDF: title page, panels with frames, words and an overhead diagram", ".pdf", _storyboard),
    "shotlist-csv": Document("shotlist-csv", "shot list CSV: scene, shot, size, angle, move, lens, duration, subjects, description", ".csv", _shotlist_csv),
    "shotlist-pdf": Document("shotlist-pdf", "shot list as a PDF table", ".pdf", _shotlist_pdf),
    "edl": Document("edl", "CMX 3600 EDL, a clip per shot in OUT_media/ (OpenTimelineIO's adapter)", ".edl", _cut("edl")),
    "fcp7xml": Document("fcp7xml", "Final Cut Pro 7 XML (xmeml), media in OUT_media/", ".xml", _cut("fcp7xml")),
    "fcpxml": Document("fcpxml", "Final Cut Pro X XML, media in OUT_media/", ".fcpxml", _cut("fcpxml")),
}
CUT_FORMATS = ("edl", "fcp7xml", "fcpxml")
