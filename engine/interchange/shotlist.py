"""The shot list, as CSV (for spreadsheets and scheduling tools) and as a PDF table (reportlab).

Columns: scene, shot, size, angle, move, lens, duration, subjects, description (see shot_facts)."""

from __future__ import annotations

import csv
from pathlib import Path

from engine.atomic import atomic_write
from engine.errors import ShotlineError
from engine.interchange.shot_facts import COLUMNS, SIZE_WORDS, shot_facts
from engine.project import Project


def _facts(project: Project, source):
    if not project.shots:
        raise ShotlineError("the project has no shots for a shot list", source or project.name, "shots")
    return shot_facts(project)


def write_csv(project: Project, out: str | Path, project_path=None) -> int:
    """One row per shot under a header row; returns the number of shots."""
    rows = [f.row() for f in _facts(project, project_path)]
    with atomic_write(out, "w") as fh:  # newline="" inside: the csv module writes \r\n itself
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def write_pdf(project: Project, out: str | Path, project_path=None) -> int:
    """A landscape table, its header repeated on every page; returns the page count."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    facts = _facts(project, project_path)
    cell = ParagraphStyle("cell", fontName="Helvetica", fontSize=8, leading=9.6)
    head = ParagraphStyle("head", parent=cell, fontName="Helvetica-Bold", textColor=colors.white)
    title = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=15, leading=19)

    def p(text: str, style=cell) -> Paragraph:
        return Paragraph(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), style)

    data = [[p(c.capitalize(), head) for c in COLUMNS]]
    for f in facts:
        row = f.row()
        row["size"] = SIZE_WORDS.get(row["size"], row["size"])
        data.append([p(row[c]) for c in COLUMNS])
    page = landscape(A4)
    widths = [0.09, 0.04, 0.09, 0.10, 0.16, 0.07, 0.07, 0.10, 0.28]
    usable = page[0] - 56
    table = Table(data, colWidths=[w * usable for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#333333")),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f2f2")]),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#bbbbbb")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    total = project.total_frames
    pages = []

    def count(canvas, doc):
        pages.append(canvas.getPageNumber())
        canvas.setFont("Helvetica", 7)
        canvas.drawRightString(page[0] - 28, 16, f"{project.name}: shot list, page {canvas.getPageNumber()}")

    with atomic_write(out, "wb") as fh:
        doc = SimpleDocTemplate(fh, pagesize=page, leftMargin=28, rightMargin=28, topMargin=28, bottomMargin=28, title=f"{project.name}: shot list", creator="Shotline")
        story = [p(f"{project.name}: shot list", title), p(f"{len(facts)} shots, {total / project.fps:.1f} s at {project.fps:g} fps"), Spacer(1, 8), table]
        doc.build(story, onFirstPage=count, onLaterPages=count)
    return len(pages)
