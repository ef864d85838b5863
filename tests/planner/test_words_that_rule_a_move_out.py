"""Words that name a move without asking the camera for it: a move said so as not to make it ("no
tilt", "without panning"), a move word whose doer is a person ("Mara and Jonas circle each other"),
what a move is for ("so the skyline looms"), and a move's aim ("tilting up to hold Mara"). Measured as
the motion labels of the planned camera, as a director would see them in the viewport."""

from __future__ import annotations

import pytest

from engine.demo import build_demo_project
from engine.planner.plan import plan_text
from engine.planner.score import observed_moves

SET = build_demo_project().model_copy(update={"shots": []})


def _moves(text: str) -> list[list[str]]:
    return observed_moves(plan_text(text, SET).to_project(SET))


def _read(text: str, words: str) -> str:
    """What the plan says it made of ``words`` (the explanation's choice)."""
    plan = plan_text(text, SET)
    return next(choice for said, choice in plan.shots[0].explanation if said.lower() == words.lower())


@pytest.mark.parametrize("text, moves, negated", [
    ("Lower the camera straight down, no tilt.", ["pedestal_down"], "no tilt"),
    ("Pan left without tilting.", ["pan_left"], "without tilting"),
    ("A push in on Jonas, not a zoom.", ["push_in"], "not a zoom"),
    ("Truck right along the ledge rather than a pan.", ["truck_right"], "rather than a pan"),
    ("Close-up of Mara. Don't zoom.", ["static"], "Don't zoom"),
    ("Boom up over the crates, no pan.", ["pedestal_up"], "no pan"),
    ("Mid shot of Mara, no push.", ["static"], "no push"),
    ("Wide of the roof, no zooms, no reframing.", ["static"], "no zooms"),
])  # fmt: skip
def test_a_move_said_with_no_or_without_is_not_made_and_is_listed_as_read(text, moves, negated):
    assert _moves(text) == [moves]
    assert _read(text, negated).startswith("not a move")
    assert not plan_text(text, SET).not_understood


@pytest.mark.parametrize("text", [
    "Jonas sinks to his knees by the water tank. We don't move.",
    "Mara and Jonas circle each other; camera on sticks.",
    "The camera never moves while Jonas paces.",
    "Wide on the roof, no camera move.",
    "We stay put as Mara walks to the stair door.",
    "Extreme wide of the roof, both of them tiny. Camera locked.",
    "Cowboy on Jonas; the frame stays put while the wind whips his coat.",
    "Jonas storms off - smash cut to the skyline, dead still.",
])  # fmt: skip
def test_the_camera_said_not_to_move_stays_still_whatever_the_people_do(text):
    plan = plan_text(text, SET)
    assert all(moves == ["static"] for moves in _moves(text))
    assert not plan.shots[-1].spec.warnings


@pytest.mark.parametrize("text, who", [
    ("Mara and Jonas circle each other.", "Mara and Jonas circle"),
    ("Jonas backs away from Mara.", "Jonas backs away"),
    ("She drops behind the parapet, static wide.", "She drops"),
])  # fmt: skip
def test_a_move_word_whose_doer_is_a_person_is_what_they_do_not_a_camera_move(text, who):
    assert _moves(text) == [["static"]]
    assert _read(text, who) == "what they do, not the camera"


def test_a_tripod_turns_without_contradicting_the_words_that_plant_it():
    plan = plan_text("Camera stays planted; swivel left off the crates onto Mara.", SET)
    assert _moves("Camera stays planted; swivel left off the crates onto Mara.") == [["pan_left"]]
    assert not plan.shots[0].spec.warnings
    # a locked-off frame does not pan: that is still a contradiction, planned as the pan
    assert any("contradicts" in w for w in plan_text("Locked off, pan left.", SET).shots[0].spec.warnings)


@pytest.mark.parametrize("text, moves", [
    ("Mara dollies in on Jonas? No: the camera dollies in on Jonas.", ["push_in"]),
    ("Technocrane drops down onto Mara.", ["crane_down"]),
    ("A curved track around Jonas, to the right.", ["arc_right"]),
    ("Handheld, chase Mara across the roof.", ["follow"]),
    ("Bring the camera down to Jonas's eye line.", ["pedestal_down"]),
])  # fmt: skip
def test_more_camera_words_the_grammar_reads(text, moves):
    assert _moves(text)[-1] == moves


def test_the_same_words_said_of_the_camera_still_move_it():
    assert _moves("We circle Mara and Jonas.") == [["arc_left"]]
    assert _moves("The camera backs away from Mara.") == [["pull_out"]]
    assert _moves("We drop down to Mara.")[0][0] in ("pedestal_down", "crane_down")


def test_what_a_move_is_for_is_not_asked_of_the_phrase_bank():
    # "so the skyline looms behind him" read as a pan across the skyline before
    moves = _moves("Pull back while zooming in on Jonas, so the skyline looms behind him.")
    assert moves == [["dolly_zoom_out"]]


@pytest.mark.parametrize("text, moves", [
    ("Track out slowly, leaving Jonas small against the skyline.", ["pull_out"]),
    ("Crab left, opening up the skyline behind Mara.", ["truck_left"]),
    ("Close-up of Mara on a long lens, the skyline melting behind her.", ["static"]),
    ("Slow roll to the right on Mara, the horizon tipping as she steps onto the ledge.", ["roll_right"]),
])  # fmt: skip
def test_what_a_move_leaves_in_the_frame_is_not_a_second_move(text, moves):
    assert _moves(text) == [moves]


def test_the_rig_a_move_is_made_on_is_not_a_second_move():
    assert _moves("Lower the camera vertically on the pedestal.") == [["pedestal_down"]]
    assert _moves("Descend on the jib.") == [["crane_down"]]


def test_a_participle_after_a_comma_happens_with_the_move_and_aiming_it_is_not_a_hold():
    # a fall that tilts up to keep Mara framed is a crane down, and "to hold Mara" is its aim
    text = "Descend on the jib, tilting up to hold Mara."
    assert _moves(text) == [["crane_down"]]
    plan = plan_text(text, SET)
    assert not plan.shots[0].spec.static and not plan.shots[0].spec.warnings
    assert _moves("Crane up over the crates, tilting down to keep Jonas in frame.") == [["crane_up"]]
    # a hold put in order after a move is still a hold
    assert plan_text("Pan left, then hold on Jonas.", SET).shots[0].spec.holds[1] > 0


@pytest.mark.parametrize("text, moves", [
    ("Dolly zoom on Mara, the camera moving in as the lens widens.", ["dolly_zoom_in"]),
    ("Dolly zoom on Mara, pulling out as the lens zooms in.", ["dolly_zoom_out"]),
    ("Vertigo shot on Jonas: we track back while the zoom pushes in.", ["dolly_zoom_out"]),
    ("Pull the dolly back while the zoom goes in on Mara. Classic Vertigo.", ["dolly_zoom_out"]),
])  # fmt: skip
def test_the_push_and_zoom_said_beside_a_dolly_zoom_say_its_way_and_are_not_moves_of_their_own(text, moves):
    assert _moves(text) == [moves]


def test_a_move_after_a_dolly_zoom_in_order_stays_a_move():
    assert _moves("Dolly zoom on Mara, then zoom out.") == [["dolly_zoom_in", "zoom_out"]]


@pytest.mark.parametrize("text, moves", [
    ("Ease in on Jonas until his face fills the frame.", ["push_in"]),
    ("Ease back off Mara.", ["pull_out"]),
    ("Tip the camera down onto the crates.", ["tilt_down"]),
    ("Slowly dutch clockwise on Jonas.", ["roll_right"]),
    ("We go with Jonas as he runs for the crates.", ["follow"]),
])  # fmt: skip
def test_plain_camera_words_the_grammar_reads(text, moves):
    assert _moves(text) == [moves]


def test_a_dutch_angle_held_is_an_angle_not_a_roll():
    plan = plan_text("Dutch angle on Jonas, static.", SET)
    assert plan.shots[0].spec.angles == ["dutch"]
    assert _moves("Dutch angle on Jonas, static.") == [["static"]]
