"""Storyboard PDF (reportlab): a title page, then a panel per shot.

Each panel: the shot's first, middle and last frame (from the animatic's frame sources: camera grid,
grey-box, or the engine's render), its number and name, duration, lens, size and angle, the move in
words, the prompt, and an overhead diagram of the camera path and the subjects (seen from +Y:
x to the right, +z down the page).
Layouts: ``2x3`` (2 rows of 3 panels, landscape), ``3x4`` (3 rows of 4) and ``1`` (one per page).
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Sequence

import numpy as np

from engine.atomic import atomic_write
from engine.camera.interpolate import subject_positions
from engine.camera.path import CameraPath
from engine.errors import ShotlineError
from engine.interchange.shot_facts import SIZE_WORDS, ShotFacts, shot_facts
from engine.progress import Progress, report
from engine.project import Project
from engine.sequence import shared as shared_sequence

LAYOUTS = {"2x3": (2, 3), "3x4": (3, 4), "1": (1, 1)}  # rows, columns
# The app's shot colours (app/palette.py) in the same order, darkened to read on white paper.
PAPER_COLOURS = ("#c0563a", "#4f8a70", "#b8902f", "#4a77b8", "#8e5aa0", "#9a9a20")
MARGIN = 28.0
GAP = 12.0


def still_frames(
    project: Project, paths: list[CameraPath], source: str, size: tuple[int, int], project_path, progress: Progress | None = None
) -> list[list[np.ndarray]]:
    """Per shot, its first, middle and last frame from the named frame source (``progress`` counts shots)."""
    from engine.interchange.animatic import SOURCES

    if source not in SOURCES:
        raise ShotlineError(f"unknown pass {source!r}; choose from {', '.join(SOURCES)}", "", "--pass")
    if source == "grid":  # random access: render just the three frames
        from engine.grid.sequence import GridOptions, GridRenderer

        renderer = GridRenderer(paths, GridOptions(size=size, transition_frames=0))
        stills = []
        for s, p in enumerate(paths):
            stills.append([renderer.render_frame(s, f) for f in _picks(len(p))])
            report(progress, s + 1, len(paths))
        return stills
    shots = SOURCES[source](project, paths, size, Path(project_path) if project_path else None)
    out = []
    for s, sf in enumerate(shots):
        want = _picks(len(paths[s]))
        kept = {}
        for f, image in enumerate(sf.frames()):
            if f in want:
                kept[f] = image
            if f >= want[-1]:
                break
        out.append([kept[f] for f in want])
        report(progress, s + 1, len(paths))
    return out


def _picks(n: int) -> list[int]:
    return sorted({0, (n - 1) // 2, n - 1})


def _image(array: np.ndarray):
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    return ImageReader(Image.fromarray(np.ascontiguousarray(array)))


def _styles(scale: float):
    from reportlab.lib.styles import ParagraphStyle

    body = ParagraphStyle("body", fontName="Helvetica", fontSize=7.5 * scale, leading=9.2 * scale)
    return {
        "head": ParagraphStyle("head", parent=body, fontName="Helvetica-Bold", fontSize=9.5 * scale, leading=11.5 * scale),
        "facts": ParagraphStyle("facts", parent=body, textColor="#333333"),
        "move": ParagraphStyle("move", parent=body, fontName="Helvetica-Oblique"),
        "prompt": ParagraphStyle("prompt", parent=body, textColor="#444444"),
    }


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def draw_overhead(c, project: Project, facts: ShotFacts, x: float, y: float, w: float, h: float, colour: str) -> None:
    """The camera path seen from above, its direction at start and end, and where the subjects stand."""
    path = facts.path
    pos = path.positions[:, [0, 2]]
    mid = len(path) // 2
    subjects = [(s, subject_positions(project, facts.shot, s.name, [mid])[0][[0, 2]]) for s in project.subjects]
    pts = np.vstack([pos] + [p[None] for _, p in subjects]) if subjects else pos
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    span = max(float((hi - lo).max()), 1.0) * 1.25
    centre = (lo + hi) / 2
    scale = min(w, h) / span

    def to_page(p):
        return x + w / 2 + (p[0] - centre[0]) * scale, y + h / 2 - (p[1] - centre[1]) * scale

    c.saveState()
    c.setStrokeColor("#bbbbbb")
    c.setLineWidth(0.4)
    c.rect(x, y, w, h)
    # a metre grid, faint, so distances read
    c.setStrokeColor("#eeeeee")
    for gx in np.arange(np.floor(centre[0] - span / 2), centre[0] + span / 2 + 1):
        px = to_page((gx, 0))[0]
        if x < px < x + w:
            c.line(px, y, px, y + h)
    for gz in np.arange(np.floor(centre[1] - span / 2), centre[1] + span / 2 + 1):
        py = to_page((0, gz))[1]
        if y < py < y + h:
            c.line(x, py, x + w, py)
    for n, (subject, p) in enumerate(subjects):
        px, py = to_page(p)
        person = getattr(subject, "kind", "person") == "person"  # set pieces arrive with the grey-box set
        c.setFillColor(subject.color if person else "#c8c8c8")
        c.setStrokeColor("#333333" if person else "#999999")
        r = float(np.clip(0.25 * scale, 2.5, 4.5))  # a person's shoulders, legible at any zoom
        if person:
            c.circle(px, py, r, fill=1, stroke=1)
        else:
            c.rect(px - r, py - r, 2 * r, 2 * r, fill=1, stroke=1)
        c.setFillColor("#222222" if person else "#888888")
        c.setFont("Helvetica", 5.5 if person else 4.5)
        # people often stand close: alternate labels above and below so two names do not overprint
        c.drawString(px + r + 1.5, py + r - 1 if n % 2 == 0 else py - r - 4, subject.name[:12])
    c.setStrokeColor(colour)
    c.setLineWidth(1.2)
    page = [to_page(p) for p in pos]
    if len(page) > 1:
        p = c.beginPath()
        p.moveTo(*page[0])
        for q in page[1:]:
            p.lineTo(*q)
        c.drawPath(p, stroke=1, fill=0)
    # the camera at the start (hollow) and the end (filled), each with its view direction
    for f, filled in ((0, 0), (len(path) - 1, 1)):
        px, py = page[f]
        fwd = -path.c2w[f, :3, 2][[0, 2]]
        n = np.linalg.norm(fwd)
        c.setFillColor(colour)
        c.circle(px, py, 2.2, fill=filled, stroke=1)
        if n > 1e-6:
            d = fwd / n * min(w, h) * 0.12
            c.line(px, py, px + d[0], py - d[1])
    c.restoreState()


def draw_panel(c, project: Project, facts: ShotFacts, stills: Sequence[np.ndarray], x: float, y: float, w: float, h: float, scale: float) -> None:
    from reportlab.platypus import Paragraph

    styles = _styles(scale)
    colour = PAPER_COLOURS[(facts.number - 1) % len(PAPER_COLOURS)]
    top = y + h
    c.setStrokeColor(colour)
    c.setLineWidth(1.5)
    c.line(x, top, x + w, top)
    head = Paragraph(f"SHOT {facts.number} &nbsp; {_esc(facts.shot.name)}", styles["head"])
    _, hh = head.wrap(w, 40)
    head.drawOn(c, x, top - hh - 2)
    cursor = top - hh - 5
    # three frames in a row at the delivery aspect
    fw = (w - 2 * 3) / 3
    fh = fw / project.aspect
    for k, image in enumerate(stills[:3]):
        fx = x + k * (fw + 3)
        c.drawImage(_image(image), fx, cursor - fh, fw, fh)
        c.setFont("Helvetica", 5 * scale)
        c.setFillColor("#666666")
        c.drawString(fx, cursor - fh - 6 * scale, ("first", "middle", "last")[k] if len(stills) == 3 else "")
    cursor -= fh + 8 * scale
    diagram = min(w * (0.42 if len(stills) else 0.34), cursor - y, 260)
    text_x, text_w = x + diagram + 6, w - diagram - 6
    if diagram > 20:
        draw_overhead(c, project, facts, x, cursor - diagram, diagram, diagram, colour)
    size = SIZE_WORDS.get(facts.size, facts.size)
    lines = [
        Paragraph(_esc(f"{facts.duration} ({facts.shot.duration} f) | {facts.lens} | {size} | {facts.angle}"), styles["facts"]),
        Paragraph(_esc(facts.move[:1].upper() + facts.move[1:]), styles["move"]),
    ]
    if facts.scene:
        lines.insert(0, Paragraph(_esc(f"Scene {facts.scene}"), styles["facts"]))
    if facts.subjects:
        lines.append(Paragraph(_esc("In frame: " + ", ".join(facts.subjects)), styles["facts"]))
    if facts.shot.prompt.strip():
        lines.append(Paragraph(_esc(facts.shot.prompt.strip()), styles["prompt"]))
    bottom = y if diagram > 20 else y
    for para in lines:
        _, ph = para.wrap(text_w if diagram > 20 else w, 400)
        if cursor - ph < bottom:
            break  # what does not fit is cut at a whole paragraph, never drawn over the next panel
        para.drawOn(c, text_x if diagram > 20 else x, cursor - ph)
        cursor -= ph + 2


def write_storyboard(
    project: Project,
    out: str | Path,
    layout: str = "2x3",
    source: str = "grid",
    project_path: str | Path | None = None,
    progress: Progress | None = None,
) -> int:
    """Write the PDF; returns its page count (title page included). ``progress`` counts the
    shots whose stills are made (the slow part); cancelling leaves no PDF."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    if layout not in LAYOUTS:
        raise ShotlineError(f"unknown layout {layout!r}; choose from {', '.join(LAYOUTS)}", "", "--layout")
    if not project.shots:
        raise ShotlineError("the project has no shots for a storyboard", project_path or project.name, "shots")
    rows, cols = LAYOUTS[layout]
    page_w, page_h = landscape(A4)
    panel_w = (page_w - 2 * MARGIN - (cols - 1) * GAP) / cols
    panel_h = (page_h - 2 * MARGIN - 16 - (rows - 1) * GAP) / rows
    scale = {1: 1.6, 3: 1.1, 4: 0.85}[cols]
    paths = shared_sequence.paths(project)
    facts = shot_facts(project, paths)
    px = int(min(panel_w / 3 * 3, 640))  # three pixels per point: sharp when printed
    stills = still_frames(project, paths, source, project.frame_size(max(px, 96)), project_path, progress)
    pages = 0
    with atomic_write(out, "wb") as fh:
        c = canvas.Canvas(fh, pagesize=(page_w, page_h), pageCompression=1)
        c.setTitle(f"{project.name}: storyboard")
        c.setCreator("Shotline")
        _title_page(c, project, facts, page_w, page_h)
        pages += 1
        per_page = rows * cols
        for start in range(0, len(facts), per_page):
            c.showPage()
            pages += 1
            c.setFont("Helvetica", 7)
            c.setFillColor("#777777")
            c.drawString(MARGIN, page_h - MARGIN + 8, f"{project.name}: storyboard")
            c.drawRightString(page_w - MARGIN, page_h - MARGIN + 8, f"page {pages}")
            for k, f in enumerate(facts[start : start + per_page]):
                r, col = divmod(k, cols)
                x = MARGIN + col * (panel_w + GAP)
                y = page_h - MARGIN - 16 - (r + 1) * panel_h - r * GAP
                draw_panel(c, project, f, stills[f.number - 1], x, y, panel_w, panel_h, scale)
        c.save()
    return pages


def _title_page(c, project: Project, facts: list[ShotFacts], w: float, h: float) -> None:
    total = project.total_frames
    c.setFont("Helvetica-Bold", 28)
    c.drawString(MARGIN * 2, h * 0.62, project.name)
    c.setFont("Helvetica", 12)
    c.setFillColor("#444444")
    lines = [
        "Storyboard",
        f"{len(facts)} shots, {total / project.fps:.1f} s ({total} frames at {project.fps:g} fps), {project.aspect:g}:1",
        "Subjects: " + (", ".join(s.name for s in project.subjects) or "none"),
        f"Printed {_dt.date.today().isoformat()} by Shotline",
    ]
    for i, line in enumerate(lines):
        c.drawString(MARGIN * 2, h * 0.62 - 28 - i * 18, line)
    if project.prompt.strip():
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.platypus import Paragraph

        para = Paragraph(_esc(project.prompt.strip()), ParagraphStyle("p", fontName="Helvetica-Oblique", fontSize=11, leading=14))
        _, ph = para.wrap(w - 4 * MARGIN, h * 0.3)
        para.drawOn(c, MARGIN * 2, h * 0.62 - 28 - len(lines) * 18 - 10 - ph)
