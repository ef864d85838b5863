"""What people do, as the director wrote it and as the written project plays it: walks toward, away
from and past the camera, chases, sitting at a table. Positions are read from the grey box's blocking
of the project the plan command writes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from engine.camera.interpolate import evaluate_shot
from engine.cli import main
from engine.demo import build_demo_project
from engine.greybox import mannequin as mq
from engine.greybox.blocking import subject_track
from engine.project import load_project, save_project
from tests.planner.screen import screen_x


@pytest.fixture(scope="module")
def rooftop(tmp_path_factory):
    path = tmp_path_factory.mktemp("set") / "rooftop.shotline"
    save_project(build_demo_project().model_copy(update={"shots": []}), path)
    return path


def _plan(rooftop, tmp_path, capsys, text):
    """(the plan's JSON shots, the project written) of ``shotline plan TEXT -p rooftop``."""
    out = tmp_path / "plan.shotline"
    capsys.readouterr()
    assert main(["plan", text, "-p", str(rooftop), "-o", str(out), "--json"]) == 0
    return json.loads(capsys.readouterr().out)[0]["shots"], load_project(out)


def _track(project, shot, name):
    """(positions (N,3), the drawn pose's nearest preset per frame) of ``name`` over ``shot``."""
    person = project.subject(name)
    frames = list(range(shot.duration))
    track = subject_track(project, shot, person, frames)
    scale = person.height / mq.REFERENCE_HEIGHT
    poses = [min(("stand", "sit", "crouch", "lie"), key=lambda p: float(np.abs(a - mq.preset_angles(p, scale)).sum())) for a in track.angles]
    return track.positions, poses


def _flat(v):
    return np.asarray(v, float)[..., [0, 2]]


@pytest.mark.parametrize(
    "text, sign",
    [
        ("Jonas walks toward us.", -1), ("Jonas walks towards camera.", -1), ("Jonas comes toward the camera.", -1),
        ("Jonas walks away from us.", 1), ("Jonas walks away from camera.", 1), ("Jonas walks away.", 1),
    ],
)  # fmt: skip
def test_toward_and_away_from_us_walk_by_the_shots_camera(rooftop, tmp_path, capsys, text, sign):
    shots, project = _plan(rooftop, tmp_path, capsys, text)
    shot = project.shots[0]
    assert shots[0]["not_understood"] == []  # "away", "camera", "us" are read, not left over
    assert shots[0]["moves"] == []  # the person walks; the camera holds (no phrase-bank arc or push)
    camera = _flat(evaluate_shot(project, shot).positions[0])
    positions, _ = _track(project, shot, "Jonas")
    walked = np.linalg.norm(_flat(positions[-1]) - _flat(positions[0]))
    assert walked > 1.0
    change = np.linalg.norm(_flat(positions[-1]) - camera) - np.linalg.norm(_flat(positions[0]) - camera)
    assert change == pytest.approx(sign * walked, abs=0.05)  # straight at (or straight away from) the lens


def test_a_walk_toward_us_then_away_from_us(rooftop, tmp_path, capsys):
    shots, project = _plan(rooftop, tmp_path, capsys, "Jonas walks toward us. Then he walks away from us.")
    assert len(project.shots) == 2 and all(s["not_understood"] == [] for s in shots)
    for shot, sign in zip(project.shots, (-1, 1)):
        camera = _flat(evaluate_shot(project, shot).positions[0])
        positions, _ = _track(project, shot, "Jonas")
        a, b = (np.linalg.norm(_flat(p) - camera) for p in (positions[0], positions[-1]))
        assert sign * (b - a) > 1.0
    assert np.allclose(_track(project, project.shots[1], "Jonas")[0][0], _track(project, project.shots[0], "Jonas")[0][-1], atol=0.01)


@pytest.mark.parametrize(
    "text, moves",
    [
        ("Jonas chases Mara down the corridor. We track with them.", ["follow"]),
        # the bank reads the chase as "chase him" (a follow) too: one follow, not two back to back
        ("Jonas chases Mara across the roof. We track with them.", ["follow"]),
        ("Jonas chases Mara down the corridor.", []),
        ("Jonas runs after Mara.", []),
        ("Jonas is chasing Mara.", []),  # not the phrase bank's "chase him" (a camera follow)
        ("Jonas chases after Mara.", []),
        ("Jonas follows Mara.", []),
        ("Mara runs to the door, Jonas chasing her.", []),
    ],
)
def test_a_chase_runs_both_people_the_same_way_the_chaser_behind(rooftop, tmp_path, capsys, text, moves):
    shots, project = _plan(rooftop, tmp_path, capsys, text)
    assert len(project.shots) == 1 and shots[0]["moves"] == moves  # the camera does what the words say, no more
    shot = project.shots[0]
    assert {k.subject for k in shot.subject_keys} == {"Mara", "Jonas"}
    assert {k.pose for k in shot.subject_keys if k.frame == 0} == {"run"}
    chased, _ = _track(project, shot, "Mara")
    chaser, _ = _track(project, shot, "Jonas")
    way = _flat(chased[-1]) - _flat(chased[0])
    assert np.linalg.norm(way) > 2.0
    way /= np.linalg.norm(way)
    theirs = _flat(chaser[-1]) - _flat(chaser[0])
    assert theirs @ way / np.linalg.norm(theirs) > 0.99  # the same way
    for i in (0, len(chased) // 2, -1):
        assert (_flat(chased[i]) - _flat(chaser[i])) @ way > 1.0  # Jonas behind Mara all the way
    if "door" in text:  # where Mara was going, Jonas on her heels
        door = project.subject("Stair door")
        assert np.linalg.norm(_flat(chased[-1]) - _flat(door.position)) < 1.5


def test_a_turn_then_a_walk_away_turns_first_and_faces_the_way_it_walks(rooftop, tmp_path, capsys):
    _, project = _plan(rooftop, tmp_path, capsys, "Jonas turns and walks away from camera.")
    shot = project.shots[0]
    track = subject_track(project, shot, project.subject("Jonas"), list(range(shot.duration)))
    jonas = project.subject("Jonas")
    assert abs((track.facing[int(project.fps)] - jonas.facing) % 360.0 - 180.0) < 1.0  # turned round after a second
    way = _flat(track.positions[-1]) - _flat(track.positions[0])
    heading = np.degrees(np.arctan2(way[0], way[1]))
    assert abs((track.facing[-1] - heading + 180.0) % 360.0 - 180.0) < 1.0


@pytest.mark.parametrize(
    "text",
    ["Mara sits at the table.", "Mara walks to the table and sits down.", "Mara comes in and sits at the table, static medium shot for 8 seconds."],
)
def test_sitting_at_the_table_ends_seated_at_the_table(rooftop, tmp_path, capsys, text):
    _, project = _plan(rooftop, tmp_path, capsys, text)
    table = next(s for s in project.subjects if s.shape == "table")
    shot = project.shots[0]
    positions, poses = _track(project, shot, "Mara")
    assert poses[-1] == "sit"
    assert np.linalg.norm(_flat(positions[-1]) - _flat(table.position)) < 1.0
    # … at its side, not inside it (the table is 1.6 m by 0.9 m, unturned).
    x, z = np.abs(_flat(positions[-1]) - _flat(table.position))
    assert table.facing == 0.0 and 0.2 < np.hypot(max(x - 0.8, 0.0), max(z - 0.45, 0.0)) < 0.6
    if "sits at" in text and "comes" not in text:  # put at the table, she sits facing it
        to_table = _flat(table.position) - _flat(positions[-1])
        facing = subject_track(project, shot, project.subject("Mara"), [shot.duration - 1]).facing[0]
        face = np.array([np.sin(np.deg2rad(facing)), np.cos(np.deg2rad(facing))])
        assert face @ to_table / np.linalg.norm(to_table) > 0.7  # toward the table
        assert min(abs(face[0]), abs(face[1])) < 1e-6  # squarely at its side
        assert np.allclose(positions[0], positions[-1])  # from the first frame: the camera frames her there
    else:  # she is up until she gets there
        arrive = next(i for i, p in enumerate(positions) if np.linalg.norm(_flat(p) - _flat(positions[-1])) < 0.01)
        assert poses[arrive - 1] == "stand" and poses[0] == "stand"


@pytest.mark.parametrize("text", ["Jonas runs past the camera.", "Jonas runs past us."])
def test_running_past_the_camera_passes_close_in_front_of_a_camera_that_stays(rooftop, tmp_path, capsys, text):
    shots, project = _plan(rooftop, tmp_path, capsys, text)
    assert shots[0]["moves"] == [] and shots[0]["phrase_bank"] == []  # no follow unless the words say so
    shot = project.shots[0]
    path = evaluate_shot(project, shot)
    assert np.allclose(path.positions, path.positions[0], atol=1e-6)  # the camera holds
    camera = _flat(path.positions[0])
    positions, _ = _track(project, shot, "Jonas")
    distance = np.linalg.norm(_flat(positions) - camera, axis=1)
    assert distance[0] > 2.5 and distance.min() < 1.2  # from the set to an arm's length of the lens
    closest = int(np.argmin(distance))
    forward = -path.c2w[0, :3, 2][[0, 2]]
    assert (_flat(positions[closest]) - camera) @ forward > 0.0  # in front of it, not behind
    assert distance[-1] > distance[closest] + 0.5  # and on past it


def test_a_chase_said_before_the_shot_runs_along_the_way_the_shot_gives_the_one_chased(rooftop, tmp_path, capsys):
    """"Mara chases Jonas. Wide shot of Jonas running past the camera.": Jonas still runs past the
    lens, and Mara runs behind him on his way (before the description's chase came first and sent
    them both off along the set, away from the camera)."""
    shots, project = _plan(rooftop, tmp_path, capsys, "Mara chases Jonas. Wide shot of Jonas running past the camera.")
    assert len(shots) == 1 and shots[0]["subject"] == "Jonas"
    shot = project.shots[0]
    camera = _flat(evaluate_shot(project, shot).positions[0])
    jonas, _ = _track(project, shot, "Jonas")
    mara, _ = _track(project, shot, "Mara")
    assert np.linalg.norm(_flat(jonas) - camera, axis=1).min() < 1.2
    way = _flat(jonas[-1]) - _flat(jonas[0])
    way /= np.linalg.norm(way)
    behind = _flat(jonas[-1]) - _flat(mara[-1])
    assert np.linalg.norm(_flat(mara[-1]) - _flat(mara[0])) > 2.0  # she runs too
    assert behind @ way > 1.0 and abs(way[0] * behind[1] - way[1] * behind[0]) < 0.5  # behind him, on his line


@pytest.mark.parametrize("text, pan", [("Jonas runs past the camera, we pan with him.", None), ("Jonas runs past the camera. Pan left to follow him.", "pan_left")])
def test_a_pan_with_a_run_past_the_camera_turns_on_the_spot_to_keep_the_runner(rooftop, tmp_path, capsys, text, pan):
    from engine.planner.score import observed_moves

    shots, project = _plan(rooftop, tmp_path, capsys, text)
    assert len(shots) == 1 and shots[0]["moves"] == [pan or shots[0]["moves"][0]] and shots[0]["moves"][0].startswith("pan_")
    assert observed_moves(project) == [[shots[0]["moves"][0]]]  # the pan the shot's name says, and nothing else
    shot = project.shots[0]
    path = evaluate_shot(project, shot)
    assert np.allclose(path.positions, path.positions[0], atol=1e-6)  # a pan: the camera turns, it does not travel
    positions, poses = _track(project, shot, "Jonas")
    distance = np.linalg.norm(_flat(positions) - _flat(path.positions[0]), axis=1)
    assert distance[0] > 2.5 and distance.min() < 1.2
    assert {k.pose for k in shot.subject_keys if k.subject == "Jonas"} == {"run"}  # runs the whole pan


@pytest.mark.parametrize("text", ["Jonas walks past Mara.", "Jonas crosses the frame."])
def test_walking_past_someone_or_across_the_frame_crosses_it_with_the_camera_holding(rooftop, tmp_path, capsys, text):
    shots, project = _plan(rooftop, tmp_path, capsys, text)
    assert shots[0]["moves"] == [] and shots[0]["not_understood"] == []  # "past" is the walk's, not a camera arc
    shot = project.shots[0]
    path = evaluate_shot(project, shot)
    positions, _ = _track(project, shot, "Jonas")
    right = path.c2w[0, :3, 0][[0, 2]]
    way = _flat(positions[-1]) - _flat(positions[0])
    assert np.linalg.norm(way) > 2.0 and abs(way @ right) / np.linalg.norm(way) > 0.95 / np.linalg.norm(right)  # across the frame


@pytest.mark.parametrize(
    "text, name, pose, piece",
    [
        ("Mara is sitting at the table.", "Mara", "sit", "table"),
        ("She sits at the table, reading.", "Mara", "sit", "table"),
        ("Mara and Jonas are sitting at the table.", "Jonas", "sit", "table"),
        ("Jonas is seated.", "Jonas", "sit", None),
        ("Jonas is standing at the stair door.", "Jonas", "stand", "door"),
        ("Jonas is standing by the stair door.", "Jonas", "stand", "door"),
        ("Jonas by the water tank.", "Jonas", "stand", "cylinder"),
        ("Mara waits beside the water tank.", "Mara", "stand", "cylinder"),
        ("Mara is lying on the roof.", "Mara", "lie", None),
        ("Jonas is crouching.", "Jonas", "crouch", None),
    ],
)
def test_a_posture_said_as_a_state_holds_from_the_first_frame(rooftop, tmp_path, capsys, text, name, pose, piece):
    """"Mara is sitting at the table": the shot finds her seated there; she does not sit down in it."""
    shots, project = _plan(rooftop, tmp_path, capsys, text)
    shot = project.shots[0]
    positions, poses = _track(project, shot, name)
    assert set(poses) == {pose}  # the first frame already, and all through
    assert np.allclose(positions, positions[0])
    person = project.subject(name)
    if piece is None:
        assert np.allclose(_flat(positions[0]), _flat(person.position))  # where the set has them
        return
    word = "water tank" if piece == "cylinder" else piece
    thing = next(s for s in project.subjects if s.shape == piece and word.split()[-1] in s.name.lower())
    size = max(thing.scale[0], thing.scale[2])
    assert np.linalg.norm(_flat(positions[0]) - _flat(thing.position)) < 1.5 + size / 2  # at it, from the first frame
    facing = subject_track(project, shot, person, [0]).facing[0]
    face = np.array([np.sin(np.deg2rad(facing)), np.cos(np.deg2rad(facing))])
    to_piece = _flat(thing.position) - _flat(positions[0])
    toward = face @ to_piece / np.linalg.norm(to_piece)
    if " at " in text:
        assert toward > 0.7  # facing it: the door he is at
    else:
        assert toward < -0.7  # "by", "beside" it: his back to it, the piece behind him


@pytest.mark.parametrize("text", ["Mara sits down.", "Mara takes a seat.", "Mara walks to the table and sits down."])
def test_sitting_down_is_still_something_she_does_in_the_shot(rooftop, tmp_path, capsys, text):
    _, project = _plan(rooftop, tmp_path, capsys, text)
    _, poses = _track(project, project.shots[0], "Mara")
    assert poses[0] == "stand" and poses[-1] == "sit"


def test_someone_found_seated_is_framed_seated_and_stays_seated_in_the_next_shot(rooftop, tmp_path, capsys):
    from engine.camera.framing import EYES, eye_drop

    _, project = _plan(rooftop, tmp_path, capsys, "Close-up: Mara is sitting at the table. Cut to a wide shot. Then Jonas walks to the stair door.")
    assert len(project.shots) == 3
    mara = project.subject("Mara")
    seated_eyes = EYES * mara.height - eye_drop("sit", mara.height)
    eye = evaluate_shot(project, project.shots[0]).positions[0]
    assert abs(eye[1] - seated_eyes) < 0.15  # the close-up is at her seated eyes from its first frame
    for shot in project.shots[1:]:
        positions, poses = _track(project, shot, "Mara")
        assert set(poses) == {"sit"} and np.allclose(positions, _track(project, project.shots[0], "Mara")[0][0])


def test_found_seated_then_standing_up_stands_up_in_the_shot(rooftop, tmp_path, capsys):
    _, project = _plan(rooftop, tmp_path, capsys, "Mara is sitting at the table and stands up.")
    _, poses = _track(project, project.shots[0], "Mara")
    assert poses[0] == "sit" and poses[-1] == "stand"


def _speeds(project, shot, name):
    """Metres per second ``name`` covers over each frame of ``shot``, as the grey box draws them."""
    positions, _ = _track(project, shot, name)
    return np.linalg.norm(np.diff(_flat(positions), axis=0), axis=1) * project.fps


@pytest.mark.parametrize("text, gait, pace", [("Jonas walks to the antenna.", "walk", 1.4), ("Mara walks to the stair door.", "walk", 1.4), ("Mara runs to the crates.", "run", 4.0)])
def test_a_shot_with_no_length_said_lasts_as_long_as_the_walk_takes(rooftop, tmp_path, capsys, text, gait, pace):
    from engine.planner.plan import MIN_SHOT_S

    shots, project = _plan(rooftop, tmp_path, capsys, text)
    shot = project.shots[0]
    name = text.split()[0]
    positions, _ = _track(project, shot, name)
    walked = float(np.linalg.norm(_flat(positions[-1]) - _flat(positions[0])))
    assert walked > 3.0
    speeds = _speeds(project, shot, name)
    assert speeds.max() < 1.15 * pace  # at a believable pace, not hurried to fit a default length
    moving = np.nonzero(speeds > 0.05)[0]
    assert shot.duration - 1 - moving[-1] >= 0.25 * project.fps  # and settles before the cut
    assert shot.duration >= MIN_SHOT_S * project.fps
    assert not any("has to" in w for w in shots[0]["warnings"])


def test_the_walk_lengthens_only_as_much_as_it_needs(rooftop, tmp_path, capsys):
    _, project = _plan(rooftop, tmp_path, capsys, "Jonas walks to the antenna.")
    walked = float(np.linalg.norm(np.subtract(*(_flat(_track(project, project.shots[0], "Jonas")[0][[-1, 0]])))))
    assert shots_seconds(project)[0] < walked / 1.4 + 1.5  # a walk and a settle, not an idle hold
    _, project = _plan(rooftop, tmp_path, capsys, "Jonas walks away. Then a close-up of Mara.")
    assert [s.duration for s in project.shots] == [72, 72]  # nowhere said to get to: the default 3 s


def shots_seconds(project):
    return [s.duration / project.fps for s in project.shots]


def test_walking_to_the_table_and_sitting_down_leaves_time_to_sit(rooftop, tmp_path, capsys):
    shots, project = _plan(rooftop, tmp_path, capsys, "Mara walks to the antenna and sits down.")
    shot = project.shots[0]
    positions, poses = _track(project, shot, "Mara")
    assert poses[-1] == "sit" and _speeds(project, shot, "Mara").max() < 1.6
    arrive = next(i for i, p in enumerate(positions) if np.linalg.norm(_flat(p) - _flat(positions[-1])) < 0.01)
    assert poses[arrive] == "stand"
    assert shot.duration - arrive >= 1.5 * project.fps  # about a second and a half to sit down, then the cut


def test_sitting_down_takes_about_a_second_and_a_half(rooftop, tmp_path, capsys):
    _, project = _plan(rooftop, tmp_path, capsys, "Mara sits down.")
    _, poses = _track(project, project.shots[0], "Mara")
    seated = poses.index("sit") / project.fps
    assert 0.45 <= seated <= 1.2 and poses[int(1.6 * project.fps) :] == ["sit"] * (len(poses) - int(1.6 * project.fps))


@pytest.mark.parametrize("text", ["Jonas walks to the antenna, a 3 second shot.", "Jonas walks to the antenna for 3 seconds.", "Static wide shot, Jonas walks to the antenna, 3 seconds."])
def test_a_length_said_is_kept_and_a_walk_too_long_for_it_hurries_and_says_so(rooftop, tmp_path, capsys, text):
    shots, project = _plan(rooftop, tmp_path, capsys, text)
    assert len(project.shots) == 1 and project.shots[0].duration == 3 * project.fps
    shot = project.shots[0]
    positions, _ = _track(project, shot, "Jonas")
    antenna = project.subject("Antenna")
    assert np.linalg.norm(_flat(positions[-1]) - _flat(antenna.position)) < 1.0  # he still gets there
    assert _speeds(project, shot, "Jonas").max() > 2.0  # faster than a walk
    said = " ".join(shots[0]["warnings"])
    assert "Jonas has to walk" in said and "the 3 s said is short" in said


def test_a_length_said_long_enough_is_kept_without_a_word(rooftop, tmp_path, capsys):
    shots, project = _plan(rooftop, tmp_path, capsys, "Jonas walks to the stair door for 8 seconds.")
    assert project.shots[0].duration == 8 * project.fps and not any("has to" in w for w in shots[0]["warnings"])
    assert _speeds(project, project.shots[0], "Jonas").max() < 1.6


def test_a_walk_longer_than_any_shot_is_capped_and_says_so():
    from engine.planner.plan import MAX_ACTION_SHOT_S, plan_text
    from engine.project import Project, Subject

    people = Project(subjects=[Subject(name="Jonas", position=(0.0, 0.0, 0.0)), Subject(name="Far door", kind="set piece", shape="door", position=(0.0, 0.0, 25.0))])
    plan = plan_text("Jonas walks to the door.", people)
    assert plan.shots[0].shot.duration == int(MAX_ACTION_SHOT_S * people.fps)
    assert any("Jonas has to walk" in w and f"held to {MAX_ACTION_SHOT_S:g} s" in w for w in plan.warnings)


@pytest.mark.parametrize(
    "text, walker, other",
    [
        ("Wide shot. Jonas walks to Mara.", "Jonas", "Mara"),
        ("Wide shot of Jonas. He walks toward Mara.", "Jonas", "Mara"),
        ("Wide shot. Mara walks over to him.", "Mara", "Jonas"),
        ("Wide shot of Jonas. He walks toward Mara and stops.", "Jonas", "Mara"),  # "stops": the walk's end, read
    ],
)
def test_a_walk_to_someone_stops_across_from_them(rooftop, tmp_path, capsys, text, walker, other):
    """"Jonas walks to Mara" ends with him a conversation's distance from her, having come her way
    (it walked 4 m along his facing before, wherever she stood)."""
    shots, project = _plan(rooftop, tmp_path, capsys, text)
    positions, _ = _track(project, project.shots[0], walker)
    there = _flat(project.subject(other).position)
    start, end = _flat(positions[0]), _flat(positions[-1])
    assert np.linalg.norm(end - there) == pytest.approx(1.0, abs=0.1)
    assert np.linalg.norm(end - there) < np.linalg.norm(start - there)
    assert any(f"to {other}" in e["choice"] for e in shots[0]["explanation"])
    assert shots[0]["not_understood"] == []


@pytest.mark.parametrize("text", ["Wide shot. Jonas walks toward the door.", "Wide shot. Jonas runs towards the door, then halts."])
def test_a_walk_toward_a_set_piece_goes_to_it(rooftop, tmp_path, capsys, text):
    """"toward the door" is "toward", not "to" and "ward the" (the walk went 4 m along his facing)."""
    shots, project = _plan(rooftop, tmp_path, capsys, text)
    assert shots[0]["not_understood"] == []
    positions, _ = _track(project, project.shots[0], "Jonas")
    door = next(s for s in project.subjects if "door" in s.name.lower())
    assert np.linalg.norm(_flat(positions[-1]) - _flat(door.position)) < 1.5
    assert any("to the door" in e["choice"] for e in shots[0]["explanation"])


def test_a_name_opening_a_sentence_that_does_something_is_a_person(tmp_path, capsys):
    """With no project, "Push in. Jonas walks to the door." makes Jonas the person the shot frames and
    walks him (a capital at a sentence's start was a name only if it came again)."""
    out = tmp_path / "plan.shotline"
    capsys.readouterr()
    assert main(["plan", "Push in. Jonas walks to the door.", "-o", str(out), "--json"]) == 0
    shots = json.loads(capsys.readouterr().out)[0]["shots"]
    assert shots[0]["subject"] == "Jonas" and shots[0]["not_understood"] == []
    project = load_project(out)
    positions, _ = _track(project, project.shots[0], "Jonas")
    assert np.linalg.norm(_flat(positions[-1]) - _flat(positions[0])) > 1.0


@pytest.mark.parametrize("text", ["Jonas by the water tank. Medium shot.", "A rooftop at night. Jonas is by the water tank. Medium shot."])
def test_where_someone_is_said_before_the_framing_places_them_and_makes_the_shot_theirs(rooftop, tmp_path, capsys, text):
    """"Jonas by the water tank. Medium shot.": a medium shot of Jonas, standing by the tank from
    the first frame (before, the sentence was read as the scene's description: Mara was framed
    where the set has her); a sentence that only sets the scene stays the global prompt."""
    shots, project = _plan(rooftop, tmp_path, capsys, text)
    assert len(shots) == 1 and shots[0]["subject"] == "Jonas" and shots[0]["not_understood"] == []
    positions, poses = _track(project, project.shots[0], "Jonas")
    tank = project.subject("Water tank")
    assert set(poses) == {"stand"} and np.allclose(positions, positions[0])
    assert np.linalg.norm(_flat(positions[0]) - _flat(tank.position)) < tank.scale[0] / 2 + 0.8  # beside it (its footprint is boxed)
    if text.startswith("A rooftop"):
        assert "rooftop at night" in project.prompt.lower()


@pytest.mark.parametrize(
    "text, name, pose, piece",
    [
        ("Jonas by the water tank. Close-up on Mara.", "Jonas", "stand", "Water tank"),
        ("A rooftop at night. Mara sits on the crates. Wide shot of Jonas. Cut to Mara.", "Mara", "sit", "Crates"),
    ],
)
def test_where_someone_is_said_before_a_shot_of_someone_else_still_places_them(rooftop, tmp_path, capsys, text, name, pose, piece):
    """"Jonas by the water tank. Close-up on Mara.": the opening sentence stays the scene's
    description (the shot is Mara's), and Jonas still stands by the tank from its first frame, and in
    the shots after it (before, he stayed where the set has him)."""
    shots, project = _plan(rooftop, tmp_path, capsys, text)
    assert shots[0]["subject"] != name
    assert text.split(".")[0].lower() in project.prompt.lower()
    thing = project.subject(piece)
    for shot in project.shots:
        positions, poses = _track(project, shot, name)
        assert set(poses) == {pose} and np.allclose(positions, positions[0])
        assert np.linalg.norm(_flat(positions[0]) - _flat(thing.position)) < max(thing.scale[0], thing.scale[2]) / 2 + 0.8
    assert np.linalg.norm(_flat(positions[0]) - _flat(project.subject(name).position)) > 1.0  # moved from the set's blocking
    assert any("said before the first shot" in e["choice"] for e in shots[0]["explanation"])


def test_each_scene_s_description_places_its_people_from_its_first_shot(rooftop, tmp_path, capsys):
    """Under a slugline, "Jonas by the water tank. Close-up on Mara." places Jonas by the tank for
    that scene's shots (before, the scene's description was read only without sluglines); the next
    scene starts from the set's blocking and places whom its own description names."""
    text = "INT. ROOFTOP - NIGHT\nJonas by the water tank. Close-up on Mara. Cut to Jonas.\nEXT. ROOFTOP - DAY\nMara sits on the crates. Wide shot of Jonas."
    shots, project = _plan(rooftop, tmp_path, capsys, text)
    assert [s["subject"] for s in shots] == ["Mara", "Jonas", "Jonas"]
    tank, crates = project.subject("Water tank"), project.subject("Crates")

    def near(thing, at):
        return np.linalg.norm(_flat(at) - _flat(thing.position)) < max(thing.scale[0], thing.scale[2]) / 2 + 0.8

    for shot in project.shots[:2]:
        positions, poses = _track(project, shot, "Jonas")
        assert set(poses) == {"stand"} and near(tank, positions[0]) and np.allclose(positions, positions[0])
    positions, _ = _track(project, project.shots[2], "Jonas")
    assert np.allclose(_flat(positions[0]), _flat(project.subject("Jonas").position))  # the set's blocking again
    positions, poses = _track(project, project.shots[2], "Mara")
    assert set(poses) == {"sit"} and near(crates, positions[0])


def test_catching_up_leaping_and_a_lingering_camera_are_understood(rooftop, tmp_path, capsys):
    """"Mara catches up with Jonas": she walks to him and stops beside him (before, she walked 4 m on
    through him); "leaps over the crates" runs there; "the camera lingers on Mara" holds on her
    (each was listed as not understood)."""
    shots, project = _plan(rooftop, tmp_path, capsys, "Mara catches up with Jonas. Wide shot.\nJonas leaps over the crates.\nThe camera lingers on Mara.")
    assert len(shots) == 3 and all(s["not_understood"] == [] for s in shots)
    mara, _ = _track(project, project.shots[0], "Mara")
    jonas, _ = _track(project, project.shots[0], "Jonas")
    assert np.linalg.norm(_flat(mara[-1]) - _flat(mara[0])) > 0.5
    assert np.linalg.norm(_flat(mara[-1]) - _flat(jonas[-1])) < 1.2
    jonas, _ = _track(project, project.shots[1], "Jonas")
    crates = project.subject("Crates")
    assert np.linalg.norm(_flat(jonas[-1]) - _flat(crates.position)) < np.linalg.norm(_flat(jonas[0]) - _flat(crates.position)) - 2.0
    assert shots[2]["subject"] == "Mara" and shots[2]["moves"] == []


@pytest.mark.parametrize(
    "text, name, start, end",
    [
        ("Wide shot. Jonas enters frame left.", "Jonas", "left", "middle"),
        ("Wide shot. Jonas enters from the right.", "Jonas", "right", "middle"),
        ("Medium shot of Mara. She exits frame right.", "Mara", "middle", "right"),
        ("Full shot. Mara leaves the frame.", "Mara", "middle", "right"),
    ],
)  # fmt: skip
def test_entering_and_leaving_the_frame_walk_in_from_the_side_said_or_out_to_it(rooftop, tmp_path, capsys, text, name, start, end):
    """"Jonas enters frame left": out of shot on the left, then walking in to his mark in the
    frame; "exits frame right": from the mark out past the right edge (before, "enters" and "exits"
    were not understood and nobody moved)."""
    shots, project = _plan(rooftop, tmp_path, capsys, text)
    assert shots[0]["not_understood"] == [] and shots[0]["moves"] == []
    x, _ = screen_x(project, project.shots[0], name)
    where = {"left": lambda v: v < -1.0, "right": lambda v: v > 1.0, "middle": lambda v: abs(v) < 0.3}
    assert where[start](x[0]) and where[end](x[-1]), (x[0], x[-1])
    assert np.all(np.diff(x) * (1 if x[-1] > x[0] else -1) >= -1e-6)  # one way across


@pytest.mark.parametrize("text", ["Jonas sprints toward the ledge, Mara right behind him.", "Jonas runs to the door, Mara hot on his heels. Wide shot."])
def test_someone_right_behind_a_runner_chases_them_along_their_way(rooftop, tmp_path, capsys, text):
    """"Mara right behind him" (no verb): she runs behind Jonas on his way (before, the words were
    sent to the phrase bank and planned a camera follow, or left as not understood)."""
    shots, project = _plan(rooftop, tmp_path, capsys, text)
    assert shots[0]["not_understood"] == [] and "follow" not in shots[0]["moves"]
    jonas, _ = _track(project, project.shots[0], "Jonas")
    mara, _ = _track(project, project.shots[0], "Mara")
    way = _flat(jonas[-1]) - _flat(jonas[0])
    assert np.linalg.norm(way) > 2.0 and np.linalg.norm(_flat(mara[-1]) - _flat(mara[0])) > 2.0
    way /= np.linalg.norm(way)
    behind = _flat(jonas[-1]) - _flat(mara[-1])
    assert behind @ way > 1.0 and abs(way[0] * behind[1] - way[1] * behind[0]) < 0.5


def test_waiting_or_standing_behind_something_is_not_a_chase(rooftop, tmp_path, capsys):
    shots, project = _plan(rooftop, tmp_path, capsys, "Jonas waits behind Mara. Medium shot.")
    mara, _ = _track(project, project.shots[0], "Mara")
    assert np.allclose(mara, mara[0])


def _outside(piece, point):
    """How far ``point`` stands outside the piece's footprint (m on the floor)."""
    from engine.planner.place import in_piece_axes

    x, _, z, (w, _, d), _ = in_piece_axes(piece, point)
    return float(np.hypot(max(abs(x) - w / 2, 0.0), max(abs(z) - d / 2, 0.0)))


@pytest.mark.parametrize(
    "text, name, piece",
    [
        ("Jonas is standing at the stair door. Medium shot.", "Jonas", "Stair door"),
        ("Jonas by the stair housing. Wide shot.", "Jonas", "Stair housing"),
        ("Mara leans against the vent pipe. Medium shot.", "Mara", "Vent pipe"),
        ("Jonas by the left ledge. Wide shot.", "Jonas", "Left ledge"),
        ("Mara walks to the vent pipe.", "Mara", "Vent pipe"),
        ("Jonas walks over to the right ledge.", "Jonas", "Right ledge"),
    ],
)
def test_a_piece_called_by_its_name_in_the_set_is_that_piece(rooftop, tmp_path, capsys, text, name, piece):
    """"The stair door", "the vent pipe", "the left ledge": the set's piece of that name, every word
    read (before, "stair" was listed as not understood, "the vent pipe" went to the Vent unit, "the
    left ledge" to the first ledge, and "the stair housing" placed nobody)."""
    shots, project = _plan(rooftop, tmp_path, capsys, text)
    assert shots[0]["not_understood"] == []
    positions, _ = _track(project, project.shots[0], name)
    pieces = [s for s in project.subjects if not s.is_person]
    nearest = min(pieces, key=lambda s: _outside(s, positions[-1]))
    assert nearest.name == piece and _outside(nearest, positions[-1]) < 0.8
    assert len(project.subjects) == len(build_demo_project().subjects)  # nothing added: the set had it


def test_a_qualified_piece_the_set_lacks_is_added_under_that_name(tmp_path, capsys):
    out = tmp_path / "plan.shotline"
    assert main(["plan", "Mara walks to the red car.", "-o", str(out), "--json"]) == 0
    shot = json.loads(capsys.readouterr().out)[0]["shots"][0]
    car = load_project(out).subject("Red car")
    assert car is not None and car.shape == "car" and shot["not_understood"] == []


def test_where_someone_is_does_not_move_a_person_who_walks():
    """"Jonas walks by the water tank" is a walk (past it), not a place he stands."""
    from engine.planner.parse import parse_shot

    spec = parse_shot("Jonas walks by the water tank. Mara by the door.", ["Mara", "Jonas"])
    assert [(a.subject, a.verb, a.target, a.state, a.back_to) for a in spec.actions] == [("Jonas", "walk", "water tank", False, False), ("Mara", "stand", "door", True, True)]


@pytest.mark.parametrize(
    "text, name, way",
    [
        ("Wide shot. Mara crosses the frame.", "Mara", 1),
        ("Wide shot. Mara crosses the frame from right to left.", "Mara", -1),
        ("Medium shot of Jonas. He runs across the frame, right to left.", "Jonas", -1),
        ("Medium shot of Jonas. He walks across from frame left.", "Jonas", 1),
    ],
)
def test_a_crossing_enters_on_one_side_and_leaves_on_the_other(rooftop, tmp_path, capsys, text, name, way):
    """"Mara crosses the frame": she comes in out of shot on one side, passes the middle and goes out
    the other (screen right unless the words say left), and the shot lasts long enough for it.
    Before, she started from the middle of the frame and walked 4.2 m whatever its width, a wide
    shot ended with her still in it, and "from right to left" was dropped and she went right."""
    from engine.planner.set_bounds import INSIDE_MARGIN_M, set_bounds

    shots, project = _plan(rooftop, tmp_path, capsys, text)
    shot = project.shots[0]
    x, _ = screen_x(project, shot, name)
    positions, _ = _track(project, shot, name)
    lo, hi = (b + s * INSIDE_MARGIN_M for b, s in zip(set_bounds(project), (1, -1)))

    def at_the_wall(p):  # the wide frame sees past the roof's ledge: she stops at it, not beyond
        return bool(np.any(np.abs(p[[0, 2]] - lo) < 0.05) or np.any(np.abs(p[[0, 2]] - hi) < 0.05))

    # out of shot at both ends, on opposite sides (or stopped by the set's walls)
    assert x[0] * way < -1.0 or at_the_wall(positions[0])
    assert x[-1] * way > 1.0 or at_the_wall(positions[-1])
    assert x[0] * way < 0 < x[-1] * way
    assert np.any(np.abs(x) < 0.3)  # through the middle of the frame
    inside = np.flatnonzero(np.abs(x) < 1.0)
    assert np.all(np.diff(x[inside]) * way > -1e-3)  # one way across, the way said
    assert shots[0]["not_understood"] == []
    if text.startswith("Wide"):  # a wide frame is a long walk: the shot is lengthened for it
        assert shot.duration > 3 * project.fps
        assert any("long enough for" in e["choice"] for e in shots[0]["explanation"])
