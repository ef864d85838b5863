"""Shot lists as crews say and send them: counts with words before their colon ("Need two pickups
from the roof day:"), a "then" list that names framings and moves in turn, a cut said in passing
("cut in to"), a reset for the next setup, "other plan:", an editor's codes, a start size said after
its move, a screenplay's camera direction after the action it answers. Measured as the shots and
motion labels a director would see on the timeline."""

from __future__ import annotations

import pytest

from engine.demo import build_demo_project
from engine.planner.parse import split_shots
from engine.planner.plan import plan_text
from engine.planner.score import observed_moves

SET = build_demo_project().model_copy(update={"shots": []})
NAMES = ["Mara", "Jonas"]


def _moves(text: str) -> list[list[str]]:
    return observed_moves(plan_text(text, SET).to_project(SET))


@pytest.mark.parametrize("text, shots", [
    ("Need two pickups from the roof day: a slow zoom in on Mara, and an insert of Jonas's hand on the crates.", 2),
    ("Cover it in three: a wide, then a close-up of Mara, then a close-up of Jonas.", 3),
    ("Two setups here: a boom down onto Jonas, and a follow on Mara to the tank.", 2),
    ("Let's shoot this in two: a pan left to the door, then a locked MCU on Jonas.", 2),
])  # fmt: skip
def test_a_count_with_words_before_its_colon_gives_that_many_shots(text, shots):
    assert len(split_shots(text, NAMES)[1]) == shots


def test_a_scene_number_before_pickups_is_no_count():
    assert _moves("SC 44 PICKUPS — A: MCU JONAS, STATIC. B: SAME SIZE ON MARA, STATIC. C: WIDE, SLOW PUSH IN.") == [["static"], ["static"], ["push_in"]]


@pytest.mark.parametrize("text, moves", [
    ("get jonas from a low angle first, then same angle on mara, then a pan left across the skyline", [["static"], ["static"], ["pan_left"]]),
    ("Let's do the OTS over Jonas onto Mara, then the reverse of that, and then push into Jonas's close-up.", [["static"], ["static"], ["push_in"]]),
    ("Open on a wide of the roof, then cut in to a close-up of Mara, then pull back from Jonas until he's small.", [["static"], ["static"], ["pull_out"]]),
    ("We'll get the push in on Jonas first, then reset for the wide.", [["push_in"], ["static"]]),
    ("first we pan right along the crates, then uh cut, and then a close up of jonas, nothing moving, and then the last one we orbit round mara to the left", [["pan_right"], ["static"], ["arc_left"]]),
    ("Start wide, then push in to a close-up on Mara.", [["push_in"]]),
    ("Close on Jonas, then pan to Mara.", [["pan_left"]]),  # one shot that turns to her, the short way on this set
])  # fmt: skip
def test_a_then_list_of_framings_and_moves_splits_where_a_new_shot_starts(text, moves):
    assert _moves(text) == moves


def test_the_same_angle_on_another_takes_the_angle_of_the_shot_before():
    plan = plan_text("get jonas from a low angle first, then same angle on mara", SET)
    assert [s.spec.angles for s in plan.shots] == [["low"], ["low"]]
    assert [s.subject for s in plan.shots] == ["Jonas", "Mara"]


def test_another_plan_with_a_colon_is_another_shot():
    text = "First plan: the camera goes around Jonas to the right. After, other plan: camera stay fix and Mara walks to him."
    assert _moves(text) == [["arc_right"], ["static"]]


def test_a_start_size_said_after_the_move_is_that_shot_s():
    plan = plan_text("Slow creep in on Jonas while he thinks. Start on a medium.", SET)
    assert len(plan.shots) == 1 and plan.shots[0].spec.size == "MS"


def test_an_editor_s_codes_counting_in_tens_are_shots():
    text = "Reel 2 review: 210 - pan left is fine. 220 - swap the zoom for a push in. 230 - hold, static wide."
    assert _moves(text) == [["pan_left"], ["push_in"], ["static"]]


def test_a_camera_word_after_a_name_in_a_shot_list_is_the_camera_s():
    assert _moves("sc 4 list: 4A ws master static / 4B mcu jonas dolly in / 4C mcu mara dolly out") == [["static"], ["push_in"], ["pull_out"]]


def test_a_camera_direction_after_the_action_it_answers_continues_the_shot():
    text = (
        "EXT. ROOFTOP - DAY\n\nWe CRANE DOWN from the sky to JONAS at the ledge.\n\nMARA (O.S.)\nJonas!\n\n"
        "He turns. The CAMERA PANS RIGHT to find Mara at the crates.\n\nCUT TO:\n\nCLOSE ON MARA."
    )
    assert _moves(text) == [["crane_down", "pan_right"], ["static"]]


def test_bits_numbered_in_words_are_shots():
    assert _moves("Bit one: Mara dances and the camera spins around her, going right. Bit two: camera on the floor looking up, and Jonas steps over it.") == [["arc_right"], ["static"]]


def test_spoken_ordinals_after_a_first_shot_start_shots():
    text = "Here's the order. First the crane shot: we start high and come down to Mara at the crates. Then we strip the crane and do Jonas's single on sticks. Third, a pedestal up on the antenna, lens level. Last, handheld, we go with Mara as she walks to the door."
    assert _moves(text) == [["crane_down"], ["static"], ["pedestal_up"], ["follow"]]


def test_a_note_that_the_move_is_one_take_is_of_the_shot_before():
    assert _moves("The one where we pull back from Jonas and then boom up over the crates. I need that full move uncut.") == [["pull_out", "pedestal_up"]]


def test_a_screenplay_s_action_lines_without_blank_lines_are_no_shots():
    text = "EXT. ROOFTOP - NIGHT\nJonas leans on the ledge. Mara watches from the door.\nCAMERA CRANES DOWN from the antenna to find JONAS.\nCUT TO:\nCLOSE ON MARA. She doesn't move."
    assert _moves(text) == [["crane_down"], ["static"]]


def test_a_static_hold_on_someone_then_a_move_to_another_are_two_shots():
    text = "Mara sits on the crates. We hold a wide static on her. Jonas comes out of the door; the camera pans left to take him in."
    assert _moves(text) == [["static"], ["pan_left"]]


def test_a_pronoun_after_a_pan_is_whom_the_pan_landed_on():
    plan = plan_text("we start on Mara, slow pan right over to Jonas, and then cut to a close-up of him, no movement", SET)
    assert [s.subject for s in plan.shots] == ["Mara", "Jonas"]


@pytest.mark.parametrize("text, moves", [
    ("Could we pick up: a clean close-up of Mara, no movement; a reverse on Jonas over her shoulder, also static; and something to get out on - a crane up off both of them.", [["static"], ["static"], ["crane_up"]]),
    ("list for tomorrow. one - wide on the roof, static. two - uh, Jonas's close-up, and we roll left. three, Mara close-up, same roll but to the right. and four, er, a zoom out from the tank.", [["static"], ["roll_left"], ["roll_right"], ["zoom_out"]]),
    ("For the opening I want two quick ones: an arc left around Mara, and a dutch on Jonas that doesn't move.", [["arc_left"], ["static"]]),
    ("Plan: after lunch we're on the crane for the opener, descending onto Mara. Then we strike it and go to dolly for the push on Jonas. Last up: handheld two-shot, nothing moving.", [["crane_down"], ["push_in"], ["static"]]),
    ("First shot: general plan of roof, camera stand. Second: camera go closer to Mara, on rails. Third: same for Jonas, from his side.", [["static"], ["push_in"], ["push_in"]]),
])  # fmt: skip
def test_lists_of_set_15_s_kinds(text, moves):
    assert _moves(text) == moves


def test_a_screenplay_s_action_line_joins_the_camera_direction_after_it():
    text = "EXT. ROOFTOP - NIGHT\nJonas stands at the ledge. Mara watches from the door.\nCLOSE ON JONAS - he doesn't turn.\nANGLE ON MARA - she looks away."
    assert _moves(text) == [["static"], ["static"]]


@pytest.mark.parametrize("text, moves", [
    ("I'm missing a clean single of Jonas. Just a locked-off MCU at eye level, no moves.", [["static"]]),
    ("I want Mara's close-up from below. We look up at her, she's in charge now. Camera doesn't move.", [["static"]]),
    ("Tk 1 NG (boom in shot). Tk 2 print. Next setup: slider move left past the crates, Jonas soft in the back.", [["truck_left"]]),
    ("Tk 4 was nice but the pan drifted. Tk 5 pls: pan right from the tank to Mara, constant speed.", [["pan_right"]]),
    ("Continuity: Jonas's collar up from 14B onward. 14C = slow dolly in on him to a CU.", [["push_in"]]),
    ("2U-14  tilt dn antenna tip → crates, no talent", [["tilt_down"]]),
    ("3 setups: 1 pan left on mara 2 ecu jonas eyes static 3 pull out to wide", [["pan_left"], ["static"], ["pull_out"]]),
    ("ok for fri: a) arc left on jonas b) wide static", [["arc_left"], ["static"]]),
    ("Open by rising straight up over the vent on a pedestal to find them, cut to Jonas in close-up, still, and end on a slow zoom out from Mara.", [["pedestal_up"], ["static"], ["zoom_out"]]),
    ("First, the camera is lying on the ground and looks up to Jonas, no moving. After, the camera walks together with Mara to the door.", [["static"], ["follow"]]),
    ("For the ending I'd like three options: a tilt up from the gravel to Mara; a separate push in on the skylight; and a static wide for safety.", [["tilt_up"], ["push_in"], ["static"]]),
    ("It should feel final. 1. A slow pull out from Jonas. 2. Cut hard to a static overhead of him alone.", [["pull_out"], ["static"]]),
    ("1. Wide of the roof, static.\n2. Push in on Jonas.\n3. Reverse on Mara, OTS.", [["static"], ["push_in"], ["static"]]),
])  # fmt: skip
def test_set_16_s_kinds_of_notes_and_lists(text, moves):
    assert _moves(text) == moves


def test_a_duration_in_beats_is_no_count_of_shots():
    assert len(split_shots("Shot 1: Rapid tilt down, two beats.\nShot 2: Slowly zoom out.", NAMES)[1]) == 2


@pytest.mark.parametrize("text, moves", [
    ("Three passes. Pass one: come in toward Jonas at the ledge, low and quick. Pass two: circle the building to the right. Pass three: hover and tip the gimbal down to the roof.", [["push_in"], ["arc_right"], ["tilt_down"]]),
    ("Run 1: on the tripod, locked, MLS of Jonas. Run 2: back on the gimbal, running alongside Mara as she sprints for the door.", [["static"], ["follow"]]),
    ("Cut 1: Jonas, full size, camera no move. Cut 2: camera come close to Mara face, slowly.", [["static"], ["push_in"]]),
    ("sh310: locked wide on both of them. sh320: pedestal up to crate height, lens level.", [["static"], ["pedestal_up"]]),
    ("...and here the camera kind of rises. Straight up, lens level, from the crates to above the vent. Yeah.", [["pedestal_up"]]),
    ("okay so first shot, Mara comes out and we're handheld right behind her, going with her to the ledge. um, second one, nice and wide, still. and then a close one on Jonas, just pushing in.", [["follow"], ["static"], ["push_in"]]),
])  # fmt: skip
def test_set_17_s_passes_runs_cuts_and_codes(text, moves):
    assert _moves(text) == moves


def test_a_numbered_list_inside_one_line_from_its_start_gives_a_shot_per_number():
    text = "1. We follow Jonas to the door, then tilt up to the antenna. 2. Crane down to Mara while pushing in. 3. Push in on Jonas."
    head, shots = split_shots(text, NAMES)
    assert head == "" and shots == ["We follow Jonas to the door, then tilt up to the antenna.", "Crane down to Mara while pushing in.", "Push in on Jonas."]
