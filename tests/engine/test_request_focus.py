"""The render request carries a focused camera's focus and T-stop per frame to the backends."""

import numpy as np
import pytest

from engine.camera.focus import pull_focus
from engine.project import CameraKey, Project, Shot, Subject
from engine.render.grid_backend import request_paths
from engine.render.request import RenderRequest, request_from_project
from engine.sequence import EvaluatedSequence


def test_focus_rides_in_the_request_and_back_out_as_the_backends_cameras():
    project = Project(subjects=[Subject(name="Ana", position=(0.0, 0.0, -3.0))], shots=[Shot(id="s", name="s", duration=6, keys=[CameraKey(frame=0, position=(0.0, 1.6, 0.0))])])
    plain = request_from_project(project, sequence=EvaluatedSequence())
    assert plain.shots[0].focus_m is None and request_paths(plain)[0].focus_m is None
    project = project.model_copy(update={"shots": [pull_focus(project, project.shots[0], "Ana")]})
    seq = EvaluatedSequence()
    request = request_from_project(project, sequence=seq)
    back = request_paths(RenderRequest.model_validate_json(request.model_dump_json()))[0]
    assert np.allclose(back.focus_m, seq.shot(project, project.shots[0]).focus_m) and np.allclose(back.t_stop, 2.8)


def test_focus_of_the_wrong_length_or_alone_is_refused():
    shot = {"poses": [np.eye(4)[:3].tolist()] * 3, "focal_mm": [35.0], "film_back_mm": [24.89, 10.41]}
    with pytest.raises(Exception, match="focus_m has 2 values"):
        RenderRequest.model_validate({"shots": [{**shot, "focus_m": [1.0, 2.0], "t_stop": [2.8]}]})
    with pytest.raises(Exception, match="come together"):
        RenderRequest.model_validate({"shots": [{**shot, "focus_m": [1.0]}]})
    with pytest.raises(Exception):
        RenderRequest.model_validate({"shots": [{**shot, "focus_m": [1.0], "t_stop": [0.1]}]})
