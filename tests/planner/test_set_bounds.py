"""Cameras the planner places stand on the set: inside its walls, on a wider lens if need be.

Before, a wide shot on the demo rooftop put the camera 12.4 m from Jonas, past the roof's ledge in
the air, and a wide shot in the kitchen 8.6 m out, behind its wall."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.camera.framing import classify_size, frame_height_at
from engine.demo import build_demo_project, build_kitchen_project
from engine.planner.plan import plan_text
from engine.planner.set_bounds import INSIDE_MARGIN_M, inside, set_bounds
from engine.project import Project, Subject
from tests.planner.screen import screen_x


def _first(plan):
    shot = plan.shots[0]
    return shot, np.asarray(shot.shot.keys[0].position, float), [c for _, c in shot.explanation]


def test_a_wide_shot_on_the_rooftop_takes_a_wider_lens_to_stay_on_the_roof():
    project = build_demo_project()
    shot, camera, notes = _first(plan_text("Wide shot of Jonas.", project))
    bounds = set_bounds(project)
    assert inside(bounds, camera)
    assert shot.shot.lens.focal_mm < 24.0  # the wide shot's default lens would have stood 12 m out
    assert any("keeps the camera on the set" in n and "past the set's walls" in n for n in notes)
    # Still a wide shot: the frame at Jonas covers about three of his heights.
    jonas = project.subject("Jonas")
    d = float(np.hypot(*(camera - np.asarray(jonas.position))[[0, 2]]))
    frame = frame_height_at(d, shot.shot.lens.focal_mm, project.film_back_mm()[1])
    assert classify_size(frame, jonas.height) == "WS"


def test_a_wide_shot_in_the_kitchen_is_as_wide_as_its_walls_allow_and_says_so():
    project = build_kitchen_project()
    shot, camera, notes = _first(plan_text("Wide shot.", project))
    assert inside(set_bounds(project), camera)
    assert shot.shot.lens.focal_mm == pytest.approx(14.0)
    assert any("backed against the wall" in n and "tighter frame" in n for n in notes)


def test_a_lens_asked_for_is_kept_and_the_plan_says_the_camera_left_the_set():
    project = build_demo_project()
    shot, camera, notes = _first(plan_text("Wide shot on a 35mm lens.", project))
    assert shot.shot.lens.focal_mm == pytest.approx(35.0)
    assert not inside(set_bounds(project), camera)
    assert any("outside the set's walls" in n and "the lens asked for" in n for n in notes)


def test_an_open_set_bounds_nothing_and_an_extreme_wide_shot_may_look_in_from_beyond():
    people = [Subject(name="Mara", position=(-0.9, 0.0, 0.0), facing=90.0), Subject(name="Jonas", position=(0.9, 0.0, 0.0), facing=-90.0)]
    open_set = Project(subjects=people)
    assert set_bounds(open_set) is None
    shot, camera, _ = _first(plan_text("Wide shot of Jonas.", open_set))
    assert shot.shot.lens.focal_mm == pytest.approx(24.0)
    assert np.hypot(*(camera - np.array([0.9, 0.0, 0.0]))[[0, 2]]) > 10.0
    shot, camera, _ = _first(plan_text("Extreme wide shot.", build_demo_project()))
    assert shot.shot.lens.focal_mm == pytest.approx(18.0)


def _room(width, depth, yaw_deg, centre):
    """Four walls round a width x depth floor, the whole room turned by yaw about its centre."""
    yaw = np.deg2rad(yaw_deg)
    c, s = np.cos(yaw), np.sin(yaw)
    walls = []
    for (x, z), facing, length in (((0, -depth / 2), 0.0, width), ((0, depth / 2), 180.0, width), ((-width / 2, 0), 90.0, depth), ((width / 2, 0), -90.0, depth)):
        wx, wz = centre[0] + c * x + s * z, centre[1] - s * x + c * z
        walls.append(Subject(name=f"Wall {len(walls)}", kind="set piece", shape="wall", position=(wx, 0.0, wz), facing=facing + yaw_deg, scale=(length / 4.0, 1.0, 1.0)))
    return Project(subjects=walls)


@settings(max_examples=60, deadline=None)
@given(
    width=st.floats(3.0, 20.0), depth=st.floats(3.0, 20.0), yaw=st.sampled_from([0.0, 90.0, 180.0, -90.0]),
    cx=st.floats(-50, 50), cz=st.floats(-50, 50), u=st.floats(-0.9, 0.9), v=st.floats(-0.9, 0.9),
)  # fmt: skip
def test_the_bounds_of_a_walled_room_hold_its_floor_and_nothing_past_its_walls(width, depth, yaw, cx, cz, u, v):
    project = _room(width, depth, yaw, (cx, cz))
    bounds = set_bounds(project)
    assert bounds is not None
    half = np.array([width, depth]) / 2 if yaw in (0.0, 180.0) else np.array([depth, width]) / 2
    room = half - INSIDE_MARGIN_M  # the floor a camera may stand on
    assert inside(bounds, (cx + u * room[0], 1.0, cz + v * room[1]))
    for sx, sz in ((1, 0), (-1, 0), (0, 1), (0, -1)):  # a step past any wall's outer face is off the set
        assert not inside(bounds, (cx + sx * (half[0] + 0.5), 1.0, cz + sz * (half[1] + 0.5)))


@pytest.mark.parametrize("text", ["Jonas walks.", "Jonas runs away.", "Mara chases Jonas.", "Jonas walks away as we follow him."])
def test_nobody_walks_through_the_sets_walls(text):
    """A walk with nowhere said goes on along the person's way as far as the shot lets them: in a
    room it stopped beyond the wall (on the rooftop, off the roof). It now ends at the wall."""
    from engine.greybox.blocking import subject_track

    room = _room(6.0, 6.0, 0.0, (0.0, 0.0))
    people = [Subject(name="Jonas", position=(1.0, 0.0, 0.5), facing=90.0), Subject(name="Mara", position=(-0.5, 0.0, 0.5), facing=90.0)]
    base = room.model_copy(update={"subjects": room.subjects + people})
    plan = plan_text(text, base)
    project = plan.to_project(base)
    bounds = set_bounds(project)
    shot = project.shots[0]
    for name in ("Jonas", "Mara"):
        track = subject_track(project, shot, project.subject(name), list(range(shot.duration)))
        assert all(inside(bounds, p) for p in track.positions), (name, track.positions[-1])
    moved = subject_track(project, shot, project.subject("Jonas"), [0, shot.duration - 1]).positions
    assert np.linalg.norm(moved[1] - moved[0]) > 1.0  # he still goes somewhere


def test_a_crossing_the_walls_would_stop_in_shot_comes_nearer_the_lens_and_still_leaves_the_frame():
    """A full shot in a 7 x 12 m room: at Mara's mark the frame is wider than the room, so a crossing
    there stopped at the walls in shot. It now passes nearer the lens, where the frame is narrow
    enough to enter and leave it, and stays inside the walls."""
    room = _room(7.0, 12.0, 0.0, (0.0, 0.0))
    base = room.model_copy(update={"subjects": room.subjects + [Subject(name="Mara", position=(0.0, 0.0, -2.0), facing=0.0)]})
    plan = plan_text("Full shot of Mara. She walks across the frame from right to left.", base)
    project = plan.to_project(base)
    x, positions = screen_x(project, project.shots[0], "Mara")
    assert x[0] > 1.05 and x[-1] < -1.05  # out of shot at both ends, right to left
    assert np.abs(x).min() < 0.2  # through the middle of the frame
    bounds = set_bounds(project)
    assert all(inside(bounds, p) for p in positions)
    assert any("nearer the lens" in n for n in plan.shots[0].notes)


def test_a_crossing_with_no_room_to_leave_the_frame_stops_at_the_walls_and_says_so():
    """The kitchen's wide shot stands in a corner on 14 mm: its frame takes in the whole room."""
    project = build_kitchen_project()
    plan = plan_text("Wide shot. Ana crosses the frame.", project)
    x, positions = screen_x(plan.to_project(project), plan.to_project(project).shots[0], "Ana")
    assert all(inside(set_bounds(project), p) for p in positions)
    assert any("stops at them in shot" in n for n in plan.shots[0].notes)
