"""Storyboard PDF and shot list: pages, panels, columns, and a look at a page."""

from __future__ import annotations

import csv
import shutil
import subprocess

import numpy as np
import pytest

from engine.sections import set_scene
from engine.demo import build_demo_project
from engine.errors import ShotlineError
from engine.interchange.shotlist import write_csv, write_pdf
from engine.interchange.storyboard import write_storyboard
from engine.project import Project

needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm, pdftotext, pdfinfo) not installed")


def seven_shots() -> Project:
    demo = build_demo_project()
    shots = [s.model_copy(update={"id": f"{s.id}-{k}", "name": f"{s.name} {k}"}) for k in range(2) for s in demo.shots][:7]
    return demo.model_copy(update={"shots": shots})


def pdf_pages(path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def page_text(path, page: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-"], capture_output=True, text=True, check=True).stdout


@needs_poppler
@pytest.mark.parametrize("layout,per_page", [("2x3", 6), ("3x4", 12), ("1", 1)])
def test_storyboard_has_a_title_page_and_the_right_panels_per_page(tmp_path, layout, per_page):
    project = seven_shots()
    out = tmp_path / "board.pdf"
    pages = write_storyboard(project, out, layout)
    expected_pages = 1 + -(-7 // per_page)
    assert pages == expected_pages == pdf_pages(out)
    assert "Storyboard" in page_text(out, 1) and project.name in page_text(out, 1)
    counts = [page_text(out, p).count("SHOT ") for p in range(2, expected_pages + 1)]
    assert counts == [min(per_page, 7 - i * per_page) for i in range(expected_pages - 1)]
    text = "".join(page_text(out, p) for p in range(2, expected_pages + 1))
    for i, shot in enumerate(project.shots):
        assert f"SHOT {i + 1}" in text and shot.name in text


@needs_poppler
def test_a_storyboard_page_shows_three_frames_per_panel_and_the_words(tmp_path):
    import cv2

    project = build_demo_project()
    out = tmp_path / "board.pdf"
    write_storyboard(project, out, "2x3")
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "2", "-l", "2", str(out), str(tmp_path / "page")], check=True)
    image = cv2.imread(str(next(tmp_path.glob("page*.png"))))
    h, w = image.shape[:2]
    # The camera-grid frames are dark rectangles on white paper: find them in the first panel row.
    dark = (image.mean(axis=2) < 200).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(dark)
    frames = [s for s in stats[1:] if s[2] > w * 0.05 and s[3] > h * 0.03 and s[1] < h * 0.5 and s[4] > 0.8 * s[2] * s[3]]
    assert len(frames) == 9  # shots 1-3 in the first row, first / middle / last each
    text = page_text(out, 2)
    assert "Slow crane down" in text and "24 mm" in text and "Mara" in text
    assert "Wide establishing shot" in text  # the prompt


def test_shot_list_csv_has_the_columns_and_a_row_per_shot(tmp_path):
    project = set_scene(set_scene(build_demo_project(), ["ots_mara"], "2 EXT. ROOFTOP - DUSK"), ["establish"], "")
    out = tmp_path / "shots.csv"
    assert write_csv(project, out) == 4
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["scene", "shot", "size", "angle", "move", "lens", "duration", "subjects", "description"]
    assert [r["shot"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[0]["move"] == "slow crane down" and rows[0]["lens"] == "24 mm" and rows[0]["duration"] == "5.00 s"
    assert rows[0]["subjects"] == "Mara, Jonas" and rows[3]["size"] == "CU"
    assert rows[1]["scene"] == "2 EXT. ROOFTOP - DUSK" and rows[0]["scene"] == ""
    assert rows[3]["description"].startswith("Slow push in")


@needs_poppler
def test_shot_list_pdf_repeats_its_header_over_pages(tmp_path):
    demo = build_demo_project()
    shots = [s.model_copy(update={"id": f"s{k}", "name": f"Shot {k}"}) for k in range(60) for s in demo.shots[:1]]
    out = tmp_path / "shots.pdf"
    pages = write_pdf(demo.model_copy(update={"shots": shots}), out)
    assert pages == pdf_pages(out) >= 2
    for p in (1, pages):
        assert "Description" in page_text(out, p)
    import re

    assert re.search(r"^.*\s60\s+wide", page_text(out, pages), re.M)  # the last shot's row (after its scene), on the last page


def test_empty_project_is_a_one_line_error_and_nothing_is_written(tmp_path):
    for write in (write_storyboard, write_csv, write_pdf):
        with pytest.raises(ShotlineError, match="no shots"):
            write(Project(), tmp_path / "x.pdf")
    assert list(tmp_path.iterdir()) == []


def test_cli_exports_storyboard_and_shot_lists(tmp_path, capsys):
    from engine.cli import main
    from engine.project import save_project

    save_project(build_demo_project(), tmp_path / "demo.shotline")
    assert main(["export", str(tmp_path / "demo.shotline"), "--format", "storyboard", "--layout", "1", "-o", str(tmp_path / "b.pdf")]) == 0
    assert "5 pages, 4 panels" in capsys.readouterr().out
    assert main(["export", str(tmp_path / "demo.shotline"), "--format", "shotlist-csv", "-o", str(tmp_path / "s.csv")]) == 0
    assert (tmp_path / "s.csv").read_text().startswith("scene,shot,size")
    assert main(["export", str(tmp_path / "demo.shotline"), "--format", "csv", "--layout", "1", "-o", str(tmp_path / "c.csv")]) == 2
