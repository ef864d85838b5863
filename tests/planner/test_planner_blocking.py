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
