"""The greybox render backend: the request's set and cameras in, beauty frames and pass files out."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pydantic import ValidationError

from engine.demo import DEMO_PATH
from engine.greybox import gl
from engine.greybox.passes import exr_channels, read_exr, write_exr
from engine.greybox.scene import subject_id
from engine.project import load_project
from engine.render.backend import RenderContext
from engine.render.greybox_backend import GreyboxBackend
from engine.render.request import RenderRequest, request_from_project

_NO_GL = gl.gl_available()
needs_gl = pytest.mark.skipif(_NO_GL is not None, reason=f"no OpenGL context can be made here: {_NO_GL}")


def _short_request(**settings) -> RenderRequest:
    project = load_project(DEMO_PATH)
    for shot in project.shots:  # three frames a shot keep the test quick
        shot.duration = 3
        shot.keys = [k for k in shot.keys if k.frame < 3] or shot.keys[:1]
        shot.subject_keys = [k for k in shot.subject_keys if k.frame < 3]
    return request_from_project(project, 96, 40, backend="greybox", **settings)


@needs_gl
def test_a_greybox_job_yields_every_shot_and_writes_the_passes(tmp_path):
    request = _short_request(passes=["depth", "id"], pass_format="png16")
    files = []
    ctx = RenderContext("cpu", lambda: False, lambda *a: None, tmp_path, files.append)
    shots = list(GreyboxBackend().render(request, ctx))
    assert [i for i, _ in shots] == list(range(len(request.shots)))
    assert all(frames.shape == (3, 40, 96, 3) and frames.dtype == np.uint8 for _, frames in shots)
    depth = cv2.imread(str(tmp_path / "shot_02.depth.0000.png"), cv2.IMREAD_UNCHANGED)
    ids = cv2.imread(str(tmp_path / "shot_02.id.0000.png"), cv2.IMREAD_UNCHANGED)
    assert depth.dtype == np.uint16 and ids.dtype == np.uint16 and depth.shape == (40, 96)
    legend = json.loads((tmp_path / "shot_02.legend.json").read_text())
    mara = next(int(k) for k, v in legend.items() if v == "Mara")
    assert mara == subject_id(0) and (ids == mara).any()  # the OTS on Mara shows Mara
    assert 500 < np.median(depth[ids == mara]) < 5000  # millimetres: a couple of metres away
    assert "shot_02.depth.0002.png" in files and "shot_01.legend.json" in files


@needs_gl
def test_npz_passes_keep_metres(tmp_path):
    request = _short_request(passes=["depth", "normal"], pass_format="npz")
    list(GreyboxBackend().render(request, RenderContext("cpu", lambda: False, lambda *a: None, tmp_path, None)))
    depth = np.load(tmp_path / "shot_01.depth.npz")["depth"]
    normal = np.load(tmp_path / "shot_01.normal.npz")["normal"]
    assert depth.shape == (3, 40, 96) and depth.dtype == np.float32 and normal.shape == (3, 40, 96, 3)
    assert np.isfinite(depth).any() and np.nanmax(np.linalg.norm(normal, axis=-1)) < 1.01


def test_a_request_with_bad_blocking_names_the_field():
    good = _short_request()
    subjects = [dict(s) for s in good.subjects]
    subjects[0]["pose"] = "handstand"
    with pytest.raises(ValidationError, match=r"subjects\[0\]\.pose"):
        RenderRequest(**{**good.model_dump(), "subjects": subjects})
    with pytest.raises(ValidationError):
        RenderRequest(**{**good.model_dump(), "passes": ["albedo"]})


def test_the_request_carries_the_set_and_subject_keys():
    request = request_from_project(load_project(DEMO_PATH), 96, 40)
    project = request.blocking()
    assert [s.name for s in project.subjects] == [s.name for s in load_project(DEMO_PATH).subjects]
    assert sum(len(s.subject_keys) for s in request.shots) == sum(len(s.subject_keys) for s in load_project(DEMO_PATH).shots)


@needs_gl
def test_exr_passes_round_trip_exactly(tmp_path):
    request = _short_request(passes=["beauty", "depth", "normal", "id"], pass_format="exr")
    from engine.greybox.shots import GreyboxShots
    from engine.render.grid_backend import request_paths

    shots = GreyboxShots(request.blocking(), request_paths(request), (request.width, request.height), source="request")
    kept = shots.render_frame(1, 2, ("beauty", "depth", "normal", "id"))
    list(GreyboxBackend().render(request, RenderContext("cpu", lambda: False, lambda *a: None, tmp_path, None)))
    depth = read_exr(tmp_path / "shot_02.depth.0002.exr")["Z"]
    assert depth.dtype == np.float32 and np.array_equal(depth, kept["depth"])  # metres, bit for bit; inf is sky
    assert np.isinf(depth).any() and np.isfinite(depth).any()
    ids = read_exr(tmp_path / "shot_02.id.0002.exr")["id"]
    assert ids.dtype == np.uint32 and np.array_equal(ids, kept["id"])
    normal = read_exr(tmp_path / "shot_02.normal.0002.exr")["RGB"]
    assert normal.dtype == np.float32 and np.array_equal(normal, kept["normal"])
    beauty = read_exr(tmp_path / "shot_02.beauty.0002.exr")["RGB"]
    assert beauty.dtype == np.float16 and np.array_equal((beauty.astype(np.float32) * 255).round().astype(np.uint8), kept["beauty"])
    assert (tmp_path / "shot_02.legend.json").exists()


@settings(max_examples=25, deadline=None)
@given(arrays(np.float32, (3, 5), elements=st.floats(0.0, 2000.0, width=32) | st.just(np.inf)))
def test_exr_depth_is_exact_for_any_float32(tmp_path_factory, depth):
    path = tmp_path_factory.mktemp("exr") / "d.exr"
    write_exr(path, exr_channels("depth", depth))
    assert np.array_equal(read_exr(path)["Z"], depth)
