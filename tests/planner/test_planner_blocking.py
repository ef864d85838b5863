"""The planner reads blocking: "frontal", "profile" and "from behind" follow the subject's facing."""

from __future__ import annotations

import numpy as np
import pytest

from engine.camera.interpolate import evaluate_shot
from engine.planner.plan import plan_text
from engine.project import Project, Subject


def _camera_bearing(facing_deg: float, words: str) -> float:
    """Angle (degrees) between where Mara faces and where the planned camera stands, seen from above."""
    mara = Subject(name="Mara", position=(0.5, 0.0, -1.0), facing=facing_deg)
    plan = plan_text(words, Project(subjects=[mara]))
    project = plan.to_project(Project(subjects=[mara]))
    eye = evaluate_shot(project, project.shots[0]).positions[0]
    to_camera = eye - np.asarray(mara.position)
    face = np.array([np.sin(np.deg2rad(facing_deg)), 0.0, np.cos(np.deg2rad(facing_deg))])
    cos = to_camera[[0, 2]] @ face[[0, 2]] / np.linalg.norm(to_camera[[0, 2]])
    return float(np.degrees(np.arccos(np.clip(cos, -1, 1))))


@pytest.mark.parametrize("facing", [0.0, 70.0, -135.0])
@pytest.mark.parametrize("words, bearing", [("Frontal medium shot of Mara.", 0.0), ("Medium shot of Mara in profile.", 90.0), ("Medium shot of Mara from behind.", 180.0)])
def test_angle_words_follow_the_subjects_facing(facing, words, bearing):
    assert _camera_bearing(facing, words) == pytest.approx(bearing, abs=15.0)  # the variation jitters a little


def test_a_close_up_of_a_turned_subject_sees_the_face():
    mara = Subject(name="Mara", position=(0.0, 0.0, 0.0), facing=-90.0)  # she looks toward -X
    plan = plan_text("Close-up of Mara.", Project(subjects=[mara]))
    project = plan.to_project(Project(subjects=[mara]))
    eye = evaluate_shot(project, project.shots[0]).positions[0]
    assert eye[0] < -0.3  # the camera is in front of her face, not behind her head


def _seen(project, shot, name: str, frame: int):
    """(position, facing, pose) of ``name`` as the grey box draws them at ``frame`` of ``shot``; the
    pose is the preset nearest to the drawn joint angles."""
    from engine.greybox import mannequin as mq
    from engine.greybox.blocking import subject_track

    person = project.subject(name)
    track = subject_track(project, shot, person, [frame])
    scale = person.height / mq.REFERENCE_HEIGHT
    pose = min(("stand", "sit", "crouch", "lie"), key=lambda p: float(np.abs(track.angles[0] - mq.preset_angles(p, scale)).sum()))
    return track.positions[0], float(track.facing[0]), pose


def test_a_new_scene_heading_starts_from_the_sets_blocking_not_where_the_last_scene_left_people():
    text = "INT. KITCHEN - DAY\nAna and Ben sit down. Wide shot.\nEXT. STREET - NIGHT\nWide shot of Ana."
    plan = plan_text(text)
    project = plan.to_project()
    kitchen, street = project.shots
    assert _seen(project, kitchen, "Ana", kitchen.duration - 1)[2] == "sit"
    for name in ("Ana", "Ben"):
        position, facing, pose = _seen(project, street, name, 0)
        person = project.subject(name)
        assert pose == person.pose == "stand"  # not still seated at the kitchen table
        assert np.allclose(position, person.position) and facing == pytest.approx(person.facing)
    # Inside one scene people still stay as the shot before left them.
    plan = plan_text("INT. KITCHEN - DAY\nAna and Ben sit down. Wide shot. Then a close-up of Ana.")
    project = plan.to_project()
    assert _seen(project, project.shots[1], "Ben", 0)[2] == "sit"


def test_a_close_up_on_her_frames_her_as_the_last_shot_left_her():
    """"Mara sits at the table. Cut to a close-up on her.": the close-up is of Mara seated (the camera at her
    seated eyes), not of the standing Mara the last shot began with, which framed the air above her."""
    from engine.camera.framing import EYES, eye_drop
    from engine.project import load_project

    base = load_project("assets/demo/rooftop.shotline")
    plan = plan_text("Mara sits at the table. Cut to a close-up on her.", base)
    assert len(plan.shots) == 2
    project = plan.to_project(base)
    assert [s.name for s in project.shots][-1].startswith("Close-up on Mara")
    mara = project.subject("Mara")
    seated_eyes = EYES * mara.height - eye_drop("sit", mara.height)
    eye = evaluate_shot(project, project.shots[-1]).positions[0]
    assert abs(eye[1] - seated_eyes) < 0.15, (eye, seated_eyes)


def test_a_person_between_the_lens_and_the_subject_swings_the_camera():
    """Jonas stood where the single of Mara would put its lens's line of sight: the camera swings round
    Mara until he is out of the way, and says so."""
    from engine.planner.place import PERSON_RADIUS_M

    mara = Subject(name="Mara", position=(0.0, 0.0, 0.0), facing=0.0)
    jonas = Subject(name="Jonas", position=(0.0, 0.0, 3.0), facing=180.0)
    first = plan_text("Medium shot of Mara.", Project(subjects=[mara, jonas]))
    project = first.to_project(Project(subjects=[mara, jonas]))
    eye = evaluate_shot(project, project.shots[0]).positions[0]
    face = np.array([0.0, 0.93 * mara.height, 0.0])
    # Jonas moved onto that line of sight, halfway to her
    mid = eye + 0.5 * (face - eye)
    jonas = jonas.model_copy(update={"position": (float(mid[0]), 0.0, float(mid[2]))})
    plan = plan_text("Medium shot of Mara.", Project(subjects=[mara, jonas]))
    project = plan.to_project(Project(subjects=[mara, jonas]))
    eye = evaluate_shot(project, project.shots[0]).positions[0]
    along = eye + np.linspace(0.0, 0.92, 50)[:, None] * (face - eye)
    gap = np.hypot(along[:, 0] - mid[0], along[:, 2] - mid[2]).min()
    assert gap > PERSON_RADIUS_M
    assert any("Jonas stood between the lens and Mara" in choice for _, choice in plan.shots[0].explanation)


def test_a_wide_shot_sees_the_subjects_body_past_the_set_pieces():
    """On the rooftop the wide shot of Jonas looked past the vent pipe at his face and saw the pipe
    where his body was: in the sizes that show the body, its middle is kept clear too."""
    from engine.camera.framing import WAIST
    from engine.demo import build_demo_project
    from engine.planner.place import _line_of_sight_blocker

    base = build_demo_project()
    plan = plan_text("Wide shot of Jonas.", base)
    project = plan.to_project(base)
    eye = evaluate_shot(project, project.shots[0]).positions[0]
    jonas = project.subject("Jonas")
    scene = type("SetOnly", (), {"project": project, "subjects": project.subjects})()
    for height in (0.93 * jonas.height, WAIST * jonas.height, 0.3 * jonas.height):
        assert _line_of_sight_blocker(scene, eye, np.asarray(jonas.position) + np.array([0.0, height, 0.0]), "Jonas") is None


@pytest.mark.parametrize("size", ["medium shot", "medium close-up", "close-up", "extreme close-up"])
@pytest.mark.parametrize("owner, onto", [("Jonas", "Mara"), ("Mara", "Jonas")])
def test_over_the_shoulder_shows_the_shoulder_at_every_size(size, owner, onto):
    """The owner of the shoulder covers a share of the grey box's frame (its id pass) at the edge,
    and the subject's face is not behind it. On the long lenses of a close-up or tighter, the
    camera 0.6 m behind the shoulder had it out of the frame: a plain single."""
    from engine.camera.framing import EYES
    from engine.demo import build_demo_project
    from engine.greybox import gl
    from engine.greybox.occupancy import frame_shares

    if gl.gl_available() is not None:
        pytest.skip("no OpenGL context")
    base = build_demo_project().model_copy(update={"shots": []})
    plan = plan_text(f"Over {owner}'s shoulder onto {onto}, {size}.", base)
    project = plan.to_project(base)
    shot = project.shots[0]
    path = evaluate_shot(project, shot)
    share = frame_shares(project, shot, path, [0])[0]
    assert 0.02 <= share[owner] <= 0.45, share
    assert share[onto] > 0.05
    # the face is the subject's own pixels, not the shoulder's
    from engine.greybox.scene import subject_id
    from engine.greybox.shots import GreyboxShots

    subject = project.subject(onto)
    face = np.asarray(subject.position) + np.array([0.0, EYES * subject.height, 0.0])
    w, h = project.frame_size(320)
    ids = GreyboxShots(project, [path], (w, h), [0]).render_frame(0, 0, ("id",))["id"]
    local = path.c2w[0, :3, :3].T @ (face - path.c2w[0, :3, 3])
    px = path.focal_mm[0] / project.film_back_mm()[0] * w
    x, y = w / 2 + px * local[0] / -local[2], h / 2 - px * local[1] / -local[2]
    assert ids[int(y), int(x)] == subject_id(project.subjects.index(subject))
