"""The render engine over HTTP and WebSocket: jobs stream every shot and write playable MP4s,
cancel, reconnect without losing events, FIFO order, bad requests get 4xx, tokens."""

import json
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.sync.client import connect

from engine.interchange.mp4 import read_mp4
from engine.render.backend import Backend
from engine.server.client import EngineClient, EngineError
from engine.camera.naming import slug
from engine.server.jobs import JobQueue, safe_path
from engine.server.main import main as engine_main
from tests.server.conftest import RunningEngine, small_request
from tests.waiting import wait_until


def _events(engine, job_id):
    return list(engine.client.events(job_id))


def test_health_models_and_openapi(engine):
    health = engine.client.health()
    assert health["backends"] == ["dit", "greybox", "grid"] and health["device"] == "cpu" and health["version"]
    models = engine.client._call("GET", "/models")
    assert models["grid"]["models"] == ["camera-grid"] and models["grid"]["not_ready"] is None
    paths = engine.client._call("GET", "/openapi.json")["paths"]
    assert {"/health", "/models", "/jobs", "/jobs/{job_id}", "/jobs/{job_id}/events"} - set(paths) == {"/jobs/{job_id}/events"}  # WS is not in OpenAPI
    assert "post" in paths["/jobs"] and "delete" in paths["/jobs/{job_id}"]


def test_the_dit_backend_without_a_model_is_refused_with_the_reason(tmp_path, monkeypatch):
    import engine.render.dit_models as dit_models
    from engine.render.registry import default_backends

    monkeypatch.setattr(dit_models, "ASSETS_MODELS", tmp_path / "no-bundled-models")  # a checkout without assets/models
    monkeypatch.delenv("SHOTLINE_MODEL_DIRS", raising=False)
    engine = RunningEngine(tmp_path / "renders", backends=default_backends("cpu"))
    try:
        models = engine.client._call("GET", "/models")["dit"]
        assert models["models"] == [] and "no model" in models["not_ready"]
        with pytest.raises(EngineError) as err:
            engine.client.submit(small_request(frames=(4,)).model_copy(update={"backend": "dit"}))
        assert err.value.status == 422 and "backend" in str(err.value) and "--model-dir" in str(err.value)
    finally:
        engine.stop()


def test_a_grid_job_streams_every_shot_and_writes_playable_mp4s(engine, tmp_path):
    request = small_request(frames=(6, 9, 4))
    job_id = engine.client.submit(request)
    events = _events(engine, job_id)
    kinds = [e["type"] for e in events]
    assert kinds[0] == "queued" and kinds[1] == "started" and kinds[-1] == "done"
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    shots = [e for e in events if e["type"] == "shot"]
    assert [(e["index"], e["frames"]) for e in shots] == [(0, 6), (1, 9), (2, 4)]
    progress = [e for e in events if e["type"] == "progress"]
    assert {e["shot"] for e in progress} == {0, 1, 2} and all("preview" in e for e in progress)
    assert progress[-1]["step"] == progress[-1]["steps"] == 4
    # The files: one MP4 a shot and the sequence, downloadable, with the right frame counts.
    files = events[-1]["files"]
    assert files == ["shot_01_shot_1.mp4", "shot_02_shot_2.mp4", "shot_03_shot_3.mp4", "sequence.mp4"]
    counts = []
    for name in files:
        frames, fps = read_mp4(engine.client.download(job_id, name, tmp_path / name))
        assert frames.shape[1:] == (48, 64, 3) and fps == pytest.approx(24.0)
        counts.append(len(frames))
    assert counts == [6, 9, 4, 19]
    assert engine.client.job(job_id)["state"] == "done"


def test_the_frames_are_the_camera_grid_of_the_request(engine, tmp_path):
    from engine.grid.sequence import GridOptions, GridRenderer
    from engine.render.grid_backend import request_paths

    request = small_request(frames=(5,), size=(96, 64))
    job_id = engine.client.submit(request)
    _events(engine, job_id)
    frames, _ = read_mp4(engine.client.download(job_id, "shot_01_shot_1.mp4", tmp_path / "a.mp4"))
    want = GridRenderer(request_paths(request), GridOptions(size=(96, 64), transition_frames=0)).render_frame(0, 3)
    assert np.abs(frames[3].astype(int) - want.astype(int)).mean() < 6  # H.264 at crf 18


def test_cancel_mid_job(engine):
    request = small_request(frames=(400, 400), size=(320, 192))
    job_id = engine.client.submit(request)
    seen = []
    for event in engine.client.events(job_id):
        seen.append(event)
        if event["type"] == "progress" and len(seen) < 10:
            engine.client.cancel(job_id)
    assert seen[-1]["type"] == "cancelled"
    assert not any(e["type"] in ("shot", "done") for e in seen)
    assert engine.client.job(job_id)["state"] == "cancelled"


class _SlowBackend(Backend):
    """Ten steps of 30 ms per shot; reports every step."""

    name, description = "slow", "test backend"

    def models(self):
        return ["slow"]

    def render(self, request, ctx):
        for index, shot in enumerate(request.shots):
            for step in range(10):
                ctx.check()
                time.sleep(0.03)
                ctx.progress(index, step + 1, 10)
            yield index, np.zeros((shot.frames, request.height, request.width, 3), np.uint8)


def test_a_cancel_takes_effect_within_one_step(tmp_path):
    queue = JobQueue({"slow": _SlowBackend()}, tmp_path, "cpu")
    job = queue.submit(small_request(frames=(4,), backend="slow"))
    wait_until(lambda: any(e["type"] == "progress" and e["step"] == 3 for e in list(job.events)), what="step 3")
    queue.cancel(job.id)
    step_at_cancel = max(e["step"] for e in list(job.events) if e["type"] == "progress")
    wait_until(lambda: job.state != "running", what="the cancel")
    steps = [e["step"] for e in job.events if e["type"] == "progress"]
    assert job.state == "cancelled" and max(steps) <= step_at_cancel + 1
    queue.stop()


def test_a_queued_job_is_cancelled_at_once_and_the_queue_goes_on(tmp_path):
    queue = JobQueue({"slow": _SlowBackend()}, tmp_path, "cpu")
    first = queue.submit(small_request(frames=(2,), backend="slow"))
    second = queue.submit(small_request(frames=(2,), backend="slow"))
    third = queue.submit(small_request(frames=(2,), backend="slow"))
    queue.cancel(second.id)
    assert second.state == "cancelled" and second.events[-1]["type"] == "cancelled"
    wait_until(lambda: third.state == "done", what="the third job")
    assert first.state == "done" and not any(e["type"] == "started" for e in second.events)
    queue.stop()


def test_a_client_that_drops_and_reconnects_receives_every_event(engine):
    job_id = engine.client.submit(small_request(frames=(30, 30), size=(128, 96)))
    ws_url = engine.url.replace("http", "ws") + f"/jobs/{job_id}/events"
    got = []
    with connect(ws_url + "?since=0") as ws:  # read three events, then drop the connection
        for _ in range(3):
            got.append(json.loads(ws.recv()))
    time.sleep(0.3)  # the job goes on without a client
    for event in engine.client.events(job_id, since=got[-1]["seq"]):
        got.append(event)
    assert [e["seq"] for e in got] == list(range(1, len(got) + 1))
    assert got[-1]["type"] == "done"
    assert len(got) == len(engine.queue.jobs[job_id].events)


def test_twenty_queued_jobs_complete_in_order(engine):
    ids = [engine.client.submit(small_request(frames=(3,), size=(32, 32), seed=i)) for i in range(20)]
    positions = [engine.queue.jobs[i].events[0]["position"] for i in ids]
    assert positions == sorted(positions)
    finals = [_events(engine, i)[-1]["type"] for i in ids]
    assert finals == ["done"] * 20
    # Finished jobs leave memory; their journalled events still say when each started.
    started = [next(e["time"] for e in engine.queue.events_after(i, 0)[0] if e["type"] == "started") for i in ids]
    assert started == sorted(started)
    assert [j["id"] for j in engine.client.jobs()] == ids


VALID = json.loads(small_request(frames=(2,), size=(32, 32)).model_dump_json())
BAD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**12), 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20), st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)  # fmt: skip
FIELDS = ["shots", "width", "height", "fps", "backend", "model", "seed", "steps", "guidance", "camera_guidance", "prompt"]


def _mutate(data, path, value):
    data = json.loads(json.dumps(data))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@st.composite
def bad_payloads(draw):
    kind = draw(st.sampled_from(["field", "pose", "focal", "empty", "extra", "garbage"]))
    if kind == "field":
        return _mutate(VALID, [draw(st.sampled_from(FIELDS))], draw(BAD_VALUES))
    if kind == "pose":
        value = draw(st.sampled_from([float("nan"), float("inf"), 1e300, "x", None, [1, 2]]))
        return _mutate(VALID, ["shots", 0, "poses", draw(st.integers(0, 1)), draw(st.integers(0, 2)), draw(st.integers(0, 3))], value)
    if kind == "focal":
        return _mutate(VALID, ["shots", 0, "focal_mm"], draw(st.sampled_from([[], [0.0], [float("nan")], [35.0] * 5, "35"])))
    if kind == "empty":
        return _mutate(VALID, draw(st.sampled_from([["shots"], ["shots", 0, "poses"]])), [])
    if kind == "extra":
        return _mutate(VALID, [draw(st.text(min_size=1, max_size=8).filter(lambda k: k not in VALID))], 1)
    return draw(st.recursive(BAD_VALUES, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=4), c, max_size=3), max_leaves=6))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=bad_payloads())
def test_mangled_payloads_get_a_4xx_naming_the_field_never_a_500(engine, payload):
    body = json.dumps(payload)  # NaN and Infinity go out as JSON's common extension
    try:
        accepted = engine.client._call("POST", "/jobs", body)
    except EngineError as refused:
        assert 400 <= refused.status < 500
        assert refused.detail and all("loc" in d and d["loc"] for d in refused.detail)
    else:  # a mutation that is still a valid request (a seed of 7, another prompt) is simply a job
        assert engine.client.job(accepted["id"])["state"] in ("queued", "running", "done")
    assert engine.client.health()["status"] == "ok"


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda d: _mutate(d, ["shots", 0, "poses", 1, 0, 3], float("nan")), "shots.0.poses"),
        (lambda d: _mutate(d, ["shots", 0, "poses"], []), "shots.0.poses"),
        (lambda d: _mutate(d, ["width"], 100_000), "width"),
        (lambda d: _mutate(d, ["backend"], "nope"), "backend"),
        (lambda d: _mutate(d, ["model"], "wan-99b"), "model"),
    ],
)
def test_refusals_say_which_field(engine, change, field):
    with pytest.raises(EngineError) as refused:
        engine.client._call("POST", "/jobs", json.dumps(change(VALID)))
    assert refused.value.status == 422
    assert field in str(refused.value)


class _FailingBackend(_SlowBackend):
    name = "failing"

    def render(self, request, ctx):
        if request.seed == 1:
            raise MemoryError()
        if request.seed == 2:
            raise RuntimeError("CUDA out of memory. Tried to allocate 20.00 GiB")
        yield from super().render(request, ctx)


def test_a_failing_job_fails_alone_with_a_hint(tmp_path):
    running = RunningEngine(tmp_path / "r", backends={"failing": _FailingBackend()})
    try:
        bad = running.client.submit(small_request(frames=(2,), backend="failing", seed=2))
        good = running.client.submit(small_request(frames=(2,), backend="failing", seed=0))
        error = _events(running, bad)[-1]
        assert error["type"] == "error" and "out of memory" in error["message"] and "smaller size" in error["hint"]
        assert _events(running, good)[-1]["type"] == "done"
        assert running.client.health()["status"] == "ok"
    finally:
        running.stop()


def test_a_token_is_required_when_configured(tmp_path):
    running = RunningEngine(tmp_path / "r", token="s3cret")
    try:
        with pytest.raises(EngineError) as refused:
            EngineClient(running.url).health()
        assert refused.value.status == 401
        with pytest.raises(EngineError):
            EngineClient(running.url, token="wrong").health()
        client = running.client
        job_id = client.submit(small_request(frames=(2,), size=(32, 32)))
        with pytest.raises(EngineError) as ws_refused:
            list(EngineClient(running.url).events(job_id))
        assert ws_refused.value.status == 401
        assert list(client.events(job_id))[-1]["type"] == "done"
    finally:
        running.stop()


def test_binding_beyond_loopback_needs_a_token(capsys):
    assert engine_main(["--host", "0.0.0.0", "--port", "0"]) == 2
    assert "--token" in capsys.readouterr().err


def test_paths_never_leave_the_output_folder(tmp_path):
    assert slug("../../etc/passwd") == "etc_passwd" and slug("") == "shot"
    with pytest.raises(ValueError):
        safe_path(tmp_path, "..", "x.mp4")
    assert safe_path(tmp_path, "job", "a.mp4") == (tmp_path / "job" / "a.mp4").resolve()


def test_unknown_jobs_and_files_are_404(engine):
    with pytest.raises(EngineError) as missing:
        engine.client.job("nope")
    assert missing.value.status == 404
    with pytest.raises(EngineError) as no_stream:
        list(engine.client.events("nope"))
    assert no_stream.value.status == 404
    job_id = engine.client.submit(small_request(frames=(2,), size=(32, 32)))
    _events(engine, job_id)
    for name in ("../../secret", "sequence.mp4.bak"):
        with pytest.raises(EngineError) as refused:
            engine.client._call("GET", f"/jobs/{job_id}/files/{name}", raw=True)
        assert refused.value.status == 404
