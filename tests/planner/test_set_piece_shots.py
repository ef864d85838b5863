"""Shots of a set piece: an insert, a point of view, a push in on the water tank. The camera frames
the piece (all of it, near the middle of the frame), not the person the shot before was about."""

from __future__ import annotations

import re

import numpy as np
import pytest

from engine.demo import build_demo_project
from engine.planner.place import piece_size
from engine.planner.plan import plan_text
from engine.planner.score import observed_moves
from tests.planner.screen import screen_x, screen_xy


@pytest.fixture(scope="module")
def rooftop():
    return build_demo_project().model_copy(update={"shots": []})


def _planned(rooftop, text):
    plan = plan_text(text, rooftop)
    return plan, plan.to_project(rooftop)


def _outline(piece):
    """The middle of a piece's top and bottom edges and of its left and right sides, as it stands."""
    w, h, _ = piece_size(piece)
    at = np.asarray(piece.position, float)
    return np.array([at + [0.0, h, 0.0], at, at + [0.0, 0.5 * h, 0.0]])


@pytest.mark.parametrize(
    "text, lo, hi",
    [("Insert of the water tank.", 1.3, 2.0), ("Close on the water tank.", 1.3, 1.9), ("Push in on the water tank.", 0.6, 1.3), ("Wide shot of the water tank.", 0.1, 0.6)],
)
def test_a_shot_of_a_set_piece_frames_the_whole_piece_in_the_middle(rooftop, text, lo, hi):
    """An insert or a close-up fills the frame's height with the tank, a medium shot (where a push
    starts) half of it, a wide shows it in the set; always all of it, near the middle."""
    plan, project = _planned(rooftop, text)
    shot = plan.shots[0]
    assert shot.subject == "Water tank", [s.subject for s in plan.shots]
    assert "Water tank" in shot.shot.name
    tank = project.subject("Water tank")
    top, bottom, middle = screen_xy(project, shot.shot, _outline(tank))[0]
    assert abs(middle[0]) < 0.15 and abs(middle[1]) < 0.25, middle
    assert -1.0 <= bottom[1] and top[1] <= 1.0, (top, bottom)
    assert lo < top[1] - bottom[1] < hi, top[1] - bottom[1]  # of the frame's height of 2


def test_a_push_in_on_a_set_piece_is_read_back_as_a_push_in(rooftop):
    plan, project = _planned(rooftop, "Push in on the water tank.")
    assert observed_moves(project) == [["push_in"]]


@pytest.mark.parametrize(
    "text, looker, seen",
    [("Mara looks at the water tank. POV: the water tank.", "Mara", "Water tank"), ("Jonas looks at the vent pipe. POV.", "Jonas", "Vent pipe"),
     ("Jonas looks at the water tank. POV.", "Jonas", "Water tank"), ("Jonas looks at Mara. POV.", "Jonas", "Mara"),
     ("Jonas looks at Mara by the water tank. POV.", "Jonas", "Mara"), ("Mara stares at Jonas. Her POV.", "Mara", "Jonas")],
)  # fmt: skip
def test_a_point_of_view_looks_from_the_lookers_eyes_at_what_they_look_at(rooftop, text, looker, seen):
    plan, project = _planned(rooftop, text)
    shot = plan.shots[0]
    assert shot.subject == seen
    person = project.subject(looker)
    eye = project.shots[0].keys[0].position
    assert np.hypot(eye[0] - person.position[0], eye[2] - person.position[2]) < 0.3  # at their head
    assert abs(eye[1] - 0.93 * person.height) < 0.15
    if seen not in ("Mara", "Jonas"):
        middle = screen_xy(project, shot.shot, _outline(project.subject(seen)))[0, 2]
        assert np.all(np.abs(middle) < 0.2), middle
    assert any(f"from {looker}'s eyes" in note for _, note in shot.explanation)


def test_describe_reads_a_held_shot_of_a_piece_as_an_insert_of_it_at_eye_level(rooftop):
    from engine.analysis.describe import describe_project

    _, project = _planned(rooftop, "Close-up of Mara. Insert of the water tank. Close on the crates, high angle.")
    text = describe_project(project).text
    assert re.search(r"Insert of Water tank[^:]*, eye level: static", text), text
    assert re.search(r"Close-up of Crates[^:]*, high angle: static", text), text
    assert "Mara to Water tank" in text, text


def test_after_an_insert_close_on_her_is_the_person_before_it(rooftop):
    plan, project = _planned(rooftop, "Close-up of Mara. Insert of the water tank. Close on her again.")
    assert [s.subject for s in plan.shots] == ["Mara", "Water tank", "Mara"]
    x, _ = screen_x(project, project.shots[2], "Mara")
    assert abs(x[0]) < 0.3


@pytest.mark.parametrize("text", ["Mara walks to the water tank.", "Close-up of Mara by the water tank.", "Jonas sits on the ledge. Medium shot."])
def test_someone_doing_something_with_a_piece_keeps_the_shot_on_them(rooftop, text):
    plan, _ = _planned(rooftop, text)
    assert plan.shots[0].subject in ("Mara", "Jonas"), plan.shots[0].subject


def test_a_point_of_view_of_a_person_by_a_piece_is_of_the_person(rooftop):
    plan, _ = _planned(rooftop, "Jonas's POV of Mara by the water tank.")
    assert plan.shots[0].subject == "Mara"
