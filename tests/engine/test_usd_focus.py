"""USD focusDistance / fStop: written time-sampled on every shot's UsdGeom.Camera and read back."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.camera.path import CameraPath
from engine.interchange import usd
from engine.interchange.formats import export_project, import_project
from engine.project import CameraKey, Project, Shot

pxr = pytest.importorskip("pxr")

distances = st.floats(0.05, 500.0, allow_nan=False)
stops = st.floats(0.7, 32.0, allow_nan=False)


@st.composite
def focused_paths(draw):
    n = draw(st.integers(1, 6))
    c2w = np.tile(np.eye(4), (n, 1, 1))
    c2w[:, :3, 3] = np.array(draw(st.lists(st.tuples(*[st.floats(-20, 20)] * 3), min_size=n, max_size=n)))
    focus = draw(st.lists(distances, min_size=n, max_size=n))
    t_stop = draw(st.lists(stops, min_size=n, max_size=n))
    return CameraPath(c2w, [35.0] * n, (24.89, 10.41), 24.0, "shot", focus, t_stop)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paths=st.lists(focused_paths(), min_size=1, max_size=2), mpu=st.sampled_from([0.01, 1.0]))
def test_focus_distance_and_f_stop_round_trip_through_usd(tmp_path_factory, paths, mpu):
    out = tmp_path_factory.mktemp("usd") / "cams.usda"
    usd.write(paths, out, 24.0, meters_per_unit=mpu)
    got, _ = usd.read(out, Project())
    for want, back in zip(paths, got):
        # USD's lens attributes are 32-bit floats: relative comparisons.
        assert np.allclose(back.focus_m, want.focus_m, rtol=1e-6)
        assert np.allclose(back.t_stop, want.t_stop, rtol=1e-6)


def test_the_attributes_are_what_another_usd_tool_reads(tmp_path):
    from pxr import Usd, UsdGeom

    path = CameraPath(np.eye(4)[None].repeat(3, 0), [50.0] * 3, (24.89, 10.41), 24.0, "rack", [1.5, 2.0, 4.0], [2.8, 2.8, 4.0])
    usd.write([path], tmp_path / "c.usda", 24.0)  # centimetres
    stage = Usd.Stage.Open(str(tmp_path / "c.usda"))
    cam = next(UsdGeom.Camera(p) for p in stage.Traverse() if p.IsA(UsdGeom.Camera))
    assert cam.GetFocusDistanceAttr().GetTimeSamples() == [1001.0, 1002.0, 1003.0]
    assert cam.GetFocusDistanceAttr().Get(Usd.TimeCode(1003)) == pytest.approx(400.0)  # 4 m in cm
    assert cam.GetFStopAttr().Get(Usd.TimeCode(1001)) == pytest.approx(2.8)
    gf = cam.GetCamera(Usd.TimeCode(1002))
    assert gf.focusDistance == pytest.approx(200.0) and gf.fStop == pytest.approx(2.8)


def test_a_project_with_focus_keys_exports_and_imports_its_focus(tmp_path):
    keys = [CameraKey(frame=0, position=(0.0, 1.6, 3.0), focus_m=2.0, t_stop=2.0, interp_out="linear"), CameraKey(frame=23, position=(0.0, 1.6, 3.0), focus_m=5.0, t_stop=2.0, interp_in="linear")]
    project = Project(shots=[Shot(id="a", name="rack", duration=24, keys=keys)])
    export_project(project, "usd", tmp_path / "p.usda")
    back = import_project(tmp_path / "p.usda", "usd")
    from engine.sequence import EvaluatedSequence

    seq = EvaluatedSequence()
    assert np.allclose(seq.shot(back, back.shots[0]).focus_m, seq.shot(project, project.shots[0]).focus_m, rtol=1e-6)
    # A stage without focus attributes (every camera before focus existed) imports all sharp.
    export_project(Project(shots=[Shot(id="b", name="b", duration=2, keys=[CameraKey(frame=0, position=(0.0, 1.6, 3.0))])]), "usd", tmp_path / "q.usda")
    assert all(k.focus_m is None for k in import_project(tmp_path / "q.usda", "usd").shots[0].keys)
