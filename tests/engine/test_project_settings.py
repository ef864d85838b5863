"""Changing fps, delivery aspect or sensor keeps what was framed, when asked to."""

import numpy as np
import pytest

from engine import sequence
from engine.camera.lens import horizontal_fov_deg
from engine.demo import build_demo_project
from engine.project import Project
from engine.project_settings import SENSORS, Settings, apply_settings, settings_of


def _fovs(project: Project) -> list[np.ndarray]:
    return [horizontal_fov_deg(p.focal_mm, p.film_back_mm) for p in sequence.EvaluatedSequence().paths(project)]


@pytest.mark.parametrize("sensor", list(SENSORS))
def test_a_new_sensor_keeps_every_frames_angle_of_view(sensor):
    demo = build_demo_project()
    changed = apply_settings(demo, Settings(demo.fps, demo.aspect, SENSORS[sensor]))
    changed = Project.model_validate_json(changed.model_dump_json())  # a valid project
    for before, after in zip(_fovs(demo), _fovs(changed)):
        assert np.allclose(before, after, rtol=1e-9)
    assert tuple(changed.sensor_mm) == SENSORS[sensor]


def test_without_keeping_the_framing_the_lenses_stay_and_the_view_widens():
    demo = build_demo_project()
    changed = apply_settings(demo, Settings(demo.fps, demo.aspect, SENSORS["Full frame"]), keep_framing=False)
    assert [s.lens for s in changed.shots] == [s.lens for s in demo.shots]
    assert all((a > b).all() for a, b in zip(_fovs(changed), _fovs(demo)))


def test_a_new_aspect_keeps_the_horizontal_framing():
    demo = build_demo_project()
    changed = apply_settings(demo, Settings(demo.fps, 16 / 9, tuple(demo.sensor_mm)))
    for before, after in zip(_fovs(demo), _fovs(changed)):
        assert np.allclose(before, after, rtol=1e-9)


def test_a_new_fps_keeps_every_shot_and_key_at_the_same_time():
    demo = build_demo_project()
    changed = apply_settings(demo, Settings(25.0, demo.aspect, tuple(demo.sensor_mm)))
    Project.model_validate_json(changed.model_dump_json())
    for a, b in zip(demo.shots, changed.shots):
        assert b.duration / 25.0 == pytest.approx(a.duration / 24.0, abs=0.5 / 25 + 1e-9)  # whole frames: within half a frame
        assert [k.frame / 25.0 for k in b.keys] == pytest.approx([k.frame / 24.0 for k in a.keys], abs=0.5 / 25 + 1e-9)  # whole frames: within half a frame
    same_frames = apply_settings(demo, Settings(25.0, demo.aspect, tuple(demo.sensor_mm)), keep_seconds=False)
    assert [s.duration for s in same_frames.shots] == [s.duration for s in demo.shots]
    assert settings_of(same_frames).fps == 25.0
