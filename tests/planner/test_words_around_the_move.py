"""Words beside a move that are not a move, and moves said in parts: the light's own notes, "right"
that says how close, the circle an orbit goes in, a crane's own tilt and its rise said again, the
moves that come after a follow. Measured as the motion labels a director would see on the timeline,
each in other words than the blind set that showed the kind."""

from __future__ import annotations

import pytest

from engine.demo import build_demo_project
from engine.planner.plan import plan_text
from engine.planner.score import observed_moves

SET = build_demo_project().model_copy(update={"shots": []})


def _moves(text: str) -> list[list[str]]:
    return observed_moves(plan_text(text, SET).to_project(SET))


@pytest.mark.parametrize("text, moves", [
    ("Static MCU of Jonas, bounce from the right.", [["static"]]),
    ("Locked off on Mara, hard key from the left.", [["static"]]),
    ("Wide and locked, strobes from the left on the chorus.", [["static"]]),
    ("Pan right to Mara. The light's fading fast, so one take.", [["pan_right"]]),
    ("Push in on Jonas, a little warm fill from below.", [["push_in"]]),
])  # fmt: skip
def test_a_clause_of_the_light_moves_no_camera(text, moves):
    assert _moves(text) == moves


@pytest.mark.parametrize("text, moves", [
    ("Handheld, we stay right behind Jonas as he walks to the door.", [["follow"]]),
    ("Go with Mara across the roof, sticking right beside her.", [["follow"]]),
    ("We drift right with him as he talks.", [["truck_right"]]),
    ("Truck right with Mara along the ledge.", [["truck_right"]]),
])  # fmt: skip
def test_right_that_says_how_close_is_no_way_to_go(text, moves):
    assert _moves(text) == moves


@pytest.mark.parametrize("text, moves", [
    ("The camera moves around Mara in a circle to the right.", [["arc_right"]]),
    ("Orbit Jonas in a half circle, to the right.", [["arc_right"]]),
    ("Camera turn around Jonas in a circle to the right side.", [["arc_right"]]),
    ("Circle Mara to the left, in one move.", [["arc_left"]]),
])  # fmt: skip
def test_an_orbit_takes_its_sideways_way_past_the_in_of_in_a_circle(text, moves):
    assert _moves(text) == moves


@pytest.mark.parametrize("text", [
    "Camera is fix on the tripod, not moving, Jonas in plan americain.",
    "The camera is fix. Mara reads on the crates.",
])  # fmt: skip
def test_a_fixed_camera_in_a_non_native_speaker_s_words_is_static(text):
    assert _moves(text) == [["static"]]


def test_plans_numbered_the_french_way_are_shots_and_a_general_plan_is_wide():
    plan = plan_text("First plan: a general plan of the roof. Second plan: close plane on Mara.", SET)
    assert [s.spec.size for s in plan.shots] == ["WS", "CU"]


def test_a_macro_insert_is_an_insert():
    plan = plan_text("Macro insert of the lighter on the crates, camera still.", SET)
    assert plan.to_project(SET).shots[0].size == "INSERT"


@pytest.mark.parametrize("text, moves", [
    ("Jib up over Mara, tilting down with her, up to about 4 m.", [["crane_up"]]),
    ("Crane down to Jonas, tilting to keep him framed.", [["crane_down"]]),
    ("Descend on the jib, tilting up to hold Mara.", [["crane_down"]]),
    ("Jib up on Jonas, tilt with him so he stays in frame, rise to about 3 m.", [["crane_up"]]),
    ("The crane comes down from high over the tank to Jonas, keeping him in the picture.", [["crane_down"]]),
])  # fmt: skip
def test_a_crane_s_own_tilt_and_its_rise_said_again_are_the_crane(text, moves):
    assert _moves(text) == moves


@pytest.mark.parametrize("text, moves", [
    ("Follow Mara to the left ledge, then tilt down over it to the street.", [["follow", "tilt_down"]]),
    ("Steadicam follows Jonas to the stair door, then pans left to the skyline.", [["follow", "pan_left"]]),
    ("Follow Jonas to the door; when he stops, we glide round him to the right.", [["follow", "arc_right"]]),
])  # fmt: skip
def test_a_move_after_a_follow_starts_looking_where_the_follow_left_its_subject(text, moves):
    # the follow's last key looked at where the subject had walked to only once the walk was evaluated
    # with it; the move after it had started from a camera aimed at their first place, and panned
    assert _moves(text) == moves


@pytest.mark.parametrize("text, moves", [
    ("Jib down to Jonas as we dolly in, ending on his eyeline.", [["crane_down", "push_in"]]),
    ("Crane up over Mara while panning right to the skyline.", [["crane_up", "pan_right"]]),
])  # fmt: skip
def test_a_crane_said_with_a_push_or_a_pan_keeps_its_subject_and_reads_as_a_crane(text, moves):
    assert _moves(text) == moves


@pytest.mark.parametrize("text, moves", [
    ("A slow push-in on Jonas by the tank.", [["push_in"]]),
    ("Pickup: the dolly-out from Mara at the right ledge, slower.", [["pull_out"]]),
    ("Tilt-up from the crates to the antenna.", [["tilt_up"]]),
])  # fmt: skip
def test_a_hyphenated_move_is_the_move(text, moves):
    assert _moves(text) == moves


@pytest.mark.parametrize("text, moves", [
    ("Hold on Mara, then the camera itself leans over to its right as she faints.", [["static", "roll_right"]]),
    ("The camera leans to the left while Jonas laughs.", [["roll_left"]]),
])  # fmt: skip
def test_a_camera_that_leans_over_rolls(text, moves):
    assert _moves(text) == moves


@pytest.mark.parametrize("text", [
    "MCU Mara by the vent, tripod, handheld not needed.",
    "Wide of the roof, handheld isn't necessary here.",
])  # fmt: skip
def test_a_handheld_said_not_to_be_is_not_handheld(text):
    from engine.analysis.shot_context import shot_context
    from engine.analysis.describe import is_handheld

    project = plan_text(text, SET).to_project(SET)
    assert not is_handheld(shot_context(project, project.shots[0]).path)


@pytest.mark.parametrize("text, moves", [
    ("Three more angles please: a locked wide, a pan left to Jonas, and a close-up of Mara.", [["static"], ["pan_left"], ["static"]]),
    ("ok first shot, pan left to the door, second, um, a push in on Mara, third one a static wide", [["pan_left"], ["push_in"], ["static"]]),
    ("Reel 3 notes: 110 - tilt up is good. 120 - make the truck go right. 130 - hold on Jonas, locked.", [["tilt_up"], ["truck_right"], ["static"]]),
])  # fmt: skip
def test_spoken_and_edited_lists_give_a_shot_per_item(text, moves):
    assert _moves(text) == moves


def test_a_camera_direction_in_capitals_ends_the_speech_above_it():
    text = "MARA (V.O.)\nWho's there?\nCAMERA TILTS UP to the water tank.\nANGLE ON JONAS - HIGH - he freezes."
    plan = plan_text(text, SET)
    assert observed_moves(plan.to_project(SET)) == [["tilt_up"], ["static"]]
    assert plan.shots[1].spec.angles == ["high"]


def test_a_descent_still_watching_its_subject_is_a_crane():
    assert _moves("Begin high above the tank and come all the way down to Mara, the whole time watching her.") == [["crane_down"]]


@pytest.mark.parametrize("text, moves", [
    ("Boom down from the top of the water tank to Jonas on the crates.", [["crane_down"]]),
    ("A boom down onto Mara at the vent.", [["crane_down"]]),
    ("Boom down on Jonas.", [["pedestal_down"]]),
    ("Boom down, lens level, from the top of the door to Mara's eye height.", [["pedestal_down"]]),
    ("Ped down while panning left onto Mara.", [["pedestal_down", "pan_left"]]),
    ("Technocrane: we start high above the tank and boom down onto Mara, tilting as we come.", [["crane_down"]]),
    ("Big jib shot to close: we start at roof level on Jonas and go up and up, looking down at him, till he's tiny.", [["crane_up"]]),
])  # fmt: skip
def test_a_descent_onto_someone_from_high_is_a_crane_and_a_level_one_a_pedestal(text, moves):
    assert _moves(text) == moves


@pytest.mark.parametrize("text, moves", [
    ("The camera stay on the same place and turn to the left, slow, until it find Mara.", [["pan_left"]]),
    ("The camera stays where it is and just looks up, from Jonas to the antenna.", [["tilt_up"]]),
    ("The camera moves closer and closer to Mara's face until all we see are her eyes.", [["push_in"]]),
    ("The camera goes around Jonas going to the right, like a circle.", [["arc_right"]]),
])  # fmt: skip
def test_plain_words_for_a_turn_a_look_and_a_push_are_those_moves(text, moves):
    assert _moves(text) == moves


@pytest.mark.parametrize("text, angle", [
    ("Camera down at ankle height, tilted up at Jonas. Don't move it.", "low"),
    ("The first looks up at Mara from low.", "low"),
    ("Camera tilted down at Jonas from the stair housing, locked.", "high"),
])  # fmt: skip
def test_a_held_camera_s_tilt_and_height_are_its_angle_not_a_move(text, angle):
    plan = plan_text(text, SET)
    assert angle in plan.shots[0].spec.angles
    assert observed_moves(plan.to_project(SET)) == [["static"]]


def test_a_zoom_out_from_someone_s_eyes_is_a_shot_of_them():
    plan = plan_text("Zoom out from Jonas's eyes to a full shot of him by the tank.", SET)
    assert plan.shots[0].subject == "Jonas" and plan.shots[0].spec.pov_of is None


@pytest.mark.parametrize("text, foreground, subject", [
    ("From behind Mara, over her shoulder, we see Jonas arrive. Locked.", "Mara", "Jonas"),
    ("An over-the-shoulder from behind Jonas looking at Mara, static.", "Jonas", "Mara"),
    ("07 | OTS over Mara | Jonas | static", "Mara", "Jonas"),
    ("Over the shoulder of Jonas onto Mara.", "Jonas", "Mara"),
])  # fmt: skip
def test_the_shoulder_an_over_the_shoulder_is_over_is_in_the_foreground(text, foreground, subject):
    from engine.analysis.shot_context import shot_context

    plan = plan_text(text, SET)
    project = plan.to_project(SET)
    assert shot_context(project, project.shots[0]).foreground(0).name == foreground
    assert plan.shots[0].subject == subject


@pytest.mark.parametrize("text, moves", [
    ("Take 5: cam trucked right along the crates, then tilted up to the water tank.", [["truck_right", "tilt_up"]]),
    ("Sc 9 tk 1: camera arced left around Mara, MS.", [["arc_left"]]),
    ("SH120: cam pulls back and peds up together, lens level.", [["pull_out", "pedestal_up"]]),
    ("The camera drives to the right, parallel to Mara.", [["truck_right"]]),
    ("Close-up of Jonas, the camera comes a little nearer.", [["push_in"]]),
    ("A panoramic to the left, slow, from the door until Mara.", [["pan_left"]]),
    ("The camera does a vertical panoramic upward from Jonas to the antenna.", [["tilt_up"]]),
    ("The camera is pointing at the floor, then it angles up until Mara is in the frame.", [["tilt_up"]]),
    ("Go handheld and walk in on Mara while she talks.", [["push_in"]]),
    ("The camera spins around Mara, going right.", [["arc_right"]]),
    ("Push in on Jonas, and once he's in a close-up, the camera swings left to find Mara.", [["push_in", "pan_left"]]),
])  # fmt: skip
def test_reported_and_translated_moves_are_those_moves(text, moves):
    assert _moves(text) == moves


@pytest.mark.parametrize("text, angle", [
    ("A zenithal view of the pair, fixed camera.", "overhead"),
    ("Mara seen from below, in contrapicado, without movement.", "low"),
    ("The camera is on the floor looking straight up at Jonas, like an ant, and it doesn't move.", "worm's eye"),
])  # fmt: skip
def test_translated_and_plain_angle_words(text, angle):
    plan = plan_text(text, SET)
    assert angle in plan.shots[0].spec.angles


def test_a_review_note_of_how_the_shot_is_now_asks_for_nothing():
    assert _moves("SH050 — the cam should pull back from Mara along its axis. Currently it drifts sideways.") == [["pull_out"]]
    assert _moves("SH060 should be a locked wide on both; the cam is currently trucking. Kill the move.") == [["static"]]


@pytest.mark.parametrize("text", ["Mara's single off sticks, dutch angle.", "Operator on the shoulder, holding Jonas's single while he paces."])
def test_off_sticks_and_on_the_shoulder_are_handheld(text):
    from engine.analysis.describe import is_handheld
    from engine.analysis.shot_context import shot_context

    project = plan_text(text, SET).to_project(SET)
    assert is_handheld(shot_context(project, project.shots[0]).path)


@pytest.mark.parametrize("text, moves", [
    ("Boom down from the water tank to Mara on the crates.", [["crane_down"]]),
    ("Pedestal down from the water tank to Mara.", [["pedestal_down"]]),
    ("We float up from roof level on a jib, holding on Mara as the city opens up behind her.", [["crane_up"]]),
    ("Follow Mara to the door, and when she goes through, the camera stops and pans right onto Jonas.", [["follow", "pan_right"]]),
    ("Don't move the camera at all, just use the lens to bring Jonas closer and closer.", [["zoom_in"]]),
    ("Orbit left around Jonas while craning up.", [["arc_left", "crane_up"]]),
])  # fmt: skip
def test_a_rig_said_with_its_move_and_moves_said_around_a_follow_or_a_still_camera(text, moves):
    assert _moves(text) == moves


@pytest.mark.parametrize("text, moves", [
    ("The camera slowly moves away from Jonas.", [["pull_out"]]),
    ("The camera drifts toward Jonas and rises at the same time, still looking at him.", [["push_in", "crane_up"]]),
    ("Camera banks left around the lens axis, horizon going off true.", [["roll_left"]]),
    ("Start on the sky and then kind of nod the camera down until we see Jonas.", [["tilt_down"]]),
    ("Camera stand, only it look from Mara shoes up to her face, slowly.", [["tilt_up"]]),
    ("On the 35: start on the base of the antenna and walk the head up to its tip.", [["tilt_up"]]),
    ("Nobody's moving. You sidestep right along the ledge - don't turn the camera, just walk it sideways.", [["truck_right"]]),
    ("Start tight on Mara and back the dolly away until the roof swallows her.", [["pull_out"]]),
    ("The camera swoops around Jonas to the right.", [["arc_right"]]),
    ("Camera go around Jonas to left side and also go up higher, looking at him all the time.", [["arc_left", "crane_up"]]),
    ("Camera drive to left side and in same time make zoom in to Mara.", [["truck_left", "zoom_in"]]),
    ("Make the trick with zoom: camera drive back from Jonas, zoom go in, so he stay same size.", [["dolly_zoom_out"]]),
    ("Zoom in while you tilt down onto Jonas's hands, both at once, kind of a drop.", [["zoom_in", "tilt_down"]]),
    ("Can we start close on the vent with the zoom and then zoom back to the whole roof?", [["zoom_out"]]),
    ("The camera just goes up - straight up, lens stays flat - and Mara sort of sinks out of frame.", [["pedestal_up"]]),
    ("Camera go up high, look down to Mara and Jonas whole time.", [["crane_up"]]),
])  # fmt: skip
def test_plain_and_translated_words_of_set_15_s_kinds(text, moves):
    assert sorted(_moves(text)[0]) == sorted(moves[0]) and len(_moves(text)) == len(moves)


@pytest.mark.parametrize("text, angle", [
    ("Looking straight down at both of them from way above, like a map. Nothing moves.", "overhead"),
    ("I want the camera kind of crooked, like slanted, on Jonas. Not spinning, just stuck tilted.", "dutch"),
    ("Stay on sticks - worm's-eye from the gravel, looking straight up at Jonas. No movement.", "worm's eye"),
])  # fmt: skip
def test_a_held_camera_s_angle_said_plainly(text, angle):
    plan = plan_text(text, SET)
    assert len(plan.shots) == 1 and angle in plan.shots[0].spec.angles
    assert observed_moves(plan.to_project(SET)) == [["static"]]


def test_a_shoulder_in_the_way_is_an_over_the_shoulder():
    from engine.analysis.shot_context import shot_context

    plan = plan_text("Mara at the crates, and the camera's kind of behind Jonas so his shoulder's in the way, and it stays put.", SET)
    project = plan.to_project(SET)
    assert shot_context(project, project.shots[0]).foreground(0).name == "Jonas" and plan.shots[0].subject == "Mara"


def test_hand_holding_is_handheld_and_an_eyes_opening_is_an_extreme_close_up():
    from engine.analysis.describe import is_handheld
    from engine.analysis.shot_context import shot_context

    project = plan_text("Camera follow Mara walking to door, hand holding.", SET).to_project(SET)
    assert is_handheld(shot_context(project, project.shots[0]).path)
    assert plan_text("We open on Jonas's eyes, nothing else in frame, locked off.", SET).shots[0].spec.size == "ECU"


@pytest.mark.parametrize("text, moves", [
    ("Camera is up high on the crane and it comes down slow to Jonas on the crates.", [["crane_down"]]),
    ("I want us to come down to Mara from way above. A real crane move, landing on her.", [["crane_down"]]),
    ("Second, pedestal down on the column, lens level, to vent height.", [["pedestal_down"]]),
    ("Camera first looks at the top of the tank, after it goes down only with the head until Jonas.", [["tilt_down"]]),
    ("Shot one, trolley right with Jonas in mid shot.", [["truck_right"]]),
    ("Sir first we pan left to Mara, then trolley in on her, same shot, no cut.", [["pan_left", "push_in"]]),
    ("Over the whole speech let the camera close in on Mara, physically, not a zoom.", [["push_in"]]),
    ("We go with the camera slowly to the left, along the ledge. Jonas stands in the back.", [["truck_left"]]),
    ("Camera turns to right, to Jonas, and after goes to him.", [["pan_right", "push_in"]]),
    ("drop: crash zoom in on mara.", [["zoom_in"]]),
    ("bridge: on the bass drop roll the camera right, Jonas dancing", [["roll_right"]]),
])  # fmt: skip
def test_set_16_s_words_of_moves(text, moves):
    assert sorted(_moves(text)[0]) == sorted(moves[0]) and len(_moves(text)) == len(moves)


@pytest.mark.parametrize("text, moves", [
    ("Hover and tip the gimbal down from the skyline to the roof.", [["tilt_down"]]),
    ("Hold your position over the roof and yaw right, slowly, across the skyline.", [["pan_right"]]),
    ("Fly forward toward Mara, low and quick.", [["push_in"]]),
    ("Arm up on this one, I lift the rig from waist height to eye height, lens level.", [["pedestal_up"]]),
    ("Rise up off Mara and keep angling the gimbal down as you climb so she stays in the middle.", [["crane_up"]]),
    ("Drop down on Mara, keeping her framed the whole way.", [["crane_down"]]),
    ("The camera should float towards Jonas until he fills the screen.", [["push_in"]]),
    ("Once Mara settles on the crate I walk it in on her, stopping about chest-high.", [["push_in"]]),
    ("Handheld, wide, and hold while Mara paces by the crates - don't chase her.", [["static"]]),
    ("Do me the opposite: instead of pushing in, pull back off Mara till the door's in frame.", [["pull_out"]]),
    ("sh050 - cam pans left off the tank to the antenna. 48 frames, ease in/out.", [["pan_left"]]),
    ("Handheld, stay on Jonas's back as he walks to the ledge, with him the whole way.", [["follow"]]),
    ("A lateral dolly move toward camera right, past the chairs. No pan.", [["truck_right"]]),
    ("We make a circular travelling around Jonas, going to the left, slow.", [["arc_left"]]),
    ("First the camera go to right side (sliding), after that camera turn up to the sky.", [["truck_right", "tilt_up"]]),
    ("Lead Mara from the skylight to the vent.", [["follow"]]),
])  # fmt: skip
def test_set_17_s_words_of_drones_gimbals_and_operators(text, moves):
    assert sorted(_moves(text)[0]) == sorted(moves[0]) and len(_moves(text)) == len(moves)


def test_a_camera_not_wanted_moving_then_whom_it_frames_is_one_still_shot():
    plan = plan_text("Quick one from the director - he doesn't want the camera moving in this one at all. Just Mara in a medium shot, eye level.", SET)
    assert observed_moves(plan.to_project(SET)) == [["static"]] and plan.shots[0].subject == "Mara"


def _in_frame_at_the_end(plan, name):
    from engine.analysis.shot_context import shot_context

    project = plan.to_project(SET)
    seen = next(s for s in shot_context(project, project.shots[0]).subjects if s.name == name)
    return bool(seen.in_frame()[-1])


@pytest.mark.parametrize("text, found", [
    ("We start on Jonas, slow pan left over to Mara.", "Mara"),
    ("We start on Mara, slow pan right over to Jonas.", "Jonas"),
    ("Push in on Jonas, and once he's in a close-up, the camera swings left to find Mara.", "Mara"),
])  # fmt: skip
def test_a_pan_over_to_someone_turns_until_they_are_framed(text, found):
    # it had turned its default 30 degrees from where the shot started, and ended short of them
    plan = plan_text(text, SET)
    assert _in_frame_at_the_end(plan, found)
    assert not any("does not find" in w for w in plan.warnings)


def test_a_pan_said_the_way_that_cannot_find_its_person_says_so():
    plan = plan_text("Close on Jonas, then pan right to Mara.", SET)
    assert any("'pan right' does not find Mara" in w for w in plan.warnings)
    assert observed_moves(plan.to_project(SET)) == [["pan_right"]]
