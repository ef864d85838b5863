"""Where a blocking edit from the viewport lands: the subject's key at the playhead when the shot
keys it, its own place otherwise; a key made alone changes nothing you see."""

import numpy as np
import pytest

from engine.greybox.blocking import shot_tracks
from engine.greybox.placing import facing_towards, key_subject, place_subject, state_at
from engine.project import CameraKey, Project, Shot, Subject, SubjectKey


def _project(keys=()) -> Project:
    shot = Shot(id="s", name="s", duration=49, keys=[CameraKey(frame=0, position=(0.0, 1.6, 5.0))], subject_keys=list(keys))
    other = Shot(id="t", name="t", duration=10, keys=[CameraKey(frame=0, position=(0.0, 1.6, 5.0))])
    return Project(subjects=[Subject(name="J", position=(0.0, 0.0, 0.0), facing=30.0), Subject(name="M", position=(2.0, 0.0, 0.0))], shots=[shot, other])


WALK = [SubjectKey(subject="J", frame=0, position=(0.0, 0.0, 0.0)), SubjectKey(subject="J", frame=48, position=(0.0, 0.0, 4.8))]


def test_an_unkeyed_subject_moves_and_turns_itself():
    after = place_subject(_project(), 0, "J", 10, position=(1.0, 0.0, -2.0))
    assert after.subject("J").position == (1.0, 0.0, -2.0) and after.shots == _project().shots
    turned = place_subject(after, 0, "J", 10, facing=270.0)
    assert turned.subject("J").facing == -90.0 and turned.subject("J").position == (1.0, 0.0, -2.0)


def test_a_keyed_subject_gets_a_key_at_the_frame_and_keeps_its_own_place():
    project = _project(WALK)
    after = place_subject(project, 0, "J", 24, position=(1.0, 0.0, 2.4))
    keys = after.shots[0].subject_keys
    assert [(k.frame, k.position) for k in keys] == [(0, (0.0, 0.0, 0.0)), (24, (1.0, 0.0, 2.4)), (48, (0.0, 0.0, 4.8))]
    assert keys[1].facing is None  # the walker still faces where they go
    assert after.subject("J") == project.subject("J")
    again = place_subject(after, 0, "J", 24, position=(1.5, 0.0, 2.4))  # the same frame: that key moves
    assert [k.frame for k in again.shots[0].subject_keys] == [0, 24, 48] and again.shots[0].subject_keys[1].position == (1.5, 0.0, 2.4)


@pytest.mark.parametrize("frame", [0, 7, 24, 48])
def test_keying_alone_changes_nothing_you_see(frame):
    project = _project(WALK)
    keyed = key_subject(project, 0, "J", frame)
    before, after = shot_tracks(project, project.shots[0])[0], shot_tracks(keyed, keyed.shots[0])[0]
    assert np.allclose(before.positions, after.positions, atol=1e-9)
    assert np.allclose(before.facing, after.facing, atol=1e-6)
    assert len(keyed.shots[0].subject_keys) == (2 if frame in (0, 48) else 3)


def test_turning_a_keyed_subject_stores_facing_on_that_key():
    project = _project(WALK)
    after = place_subject(project, 0, "J", 24, facing=facing_towards((0, 0, 2.4), (1.0, 0.0, 2.4)))
    key = next(k for k in after.shots[0].subject_keys if k.frame == 24)
    assert key.facing == pytest.approx(90.0) and key.position == pytest.approx((0.0, 0.0, 2.4))
    position, facing = state_at(after, 0, "J", 24)
    assert facing == pytest.approx(90.0) and position == pytest.approx([0.0, 0.0, 2.4])


def test_a_shot_without_keys_for_the_subject_edits_the_set():
    project = _project(WALK)
    after = place_subject(project, 1, "J", 3, position=(5.0, 0.0, 5.0))  # shot "t" does not key J
    assert after.subject("J").position == (5.0, 0.0, 5.0) and after.shots[0].subject_keys == WALK
