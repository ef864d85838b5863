"""What the fault campaign of issue 24 found, kept fixed: DNS rebinding, tokens in URLs, deleted
outputs, streams that never close, big bodies, lax numbers, long ids, renamed pickles, jobs that
vanish on restart, memory that is never given back, outputs that pile up."""

import contextlib
import http.client
import json
import threading
import time
from urllib.parse import urlsplit

import pytest
from websockets.exceptions import ConnectionClosed, ConnectionClosedOK
from websockets.sync.client import connect

from engine.render.dit_backend import DitBackend
from engine.render.grid_backend import GridBackend
from engine.render.request import RenderRequest
from engine.server.app import MAX_BODY_BYTES, token_subprotocol
from engine.server.client import EngineError
from engine.server.jobs import Retention
from tests.server.conftest import RunningEngine, small_request


def _raw(engine, method, path, headers=None, body=None):
    """One HTTP request with exactly these headers (urllib would fill in Host itself)."""
    u = urlsplit(engine.url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    headers = {"Host": u.netloc, **(headers or {})}
    if body is not None:
        headers.setdefault("Content-Length", str(len(body)))
    for k, v in headers.items():
        conn.putheader(k, v)
    conn.endheaders(body)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, dict(resp.getheaders()), data


def _finished_job(engine, **kw):
    job_id = engine.client.submit(small_request(frames=(2,), size=(32, 32), **kw))
    events = list(engine.client.events(job_id))
    assert events[-1]["type"] == "done"
    return job_id, events


def _ws_url(engine, job_id, since=0):
    return "ws" + engine.url[4:] + f"/jobs/{job_id}/events?since={since}"


# -- 4: DNS rebinding and tokens -----------------------------------------------------------------


def test_a_rebound_host_name_is_refused_on_every_route(engine):
    job_id, _ = _finished_job(engine)
    body = small_request(frames=(2,), size=(32, 32)).model_dump_json().encode()
    for method, path, payload in [("GET", "/jobs", None), ("POST", "/jobs", body), ("GET", f"/jobs/{job_id}/files/sequence.mp4", None)]:
        status, _, data = _raw(engine, method, path, {"Host": "rebind.evil.example", "Content-Type": "application/json"}, payload)
        assert status == 403 and b"rebind.evil.example" in data
    port = urlsplit(engine.url).port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost", f"[::1]:{port}"):
        assert _raw(engine, "GET", "/health", {"Host": host})[0] == 200


def test_a_browser_page_from_another_origin_is_refused(engine):
    job_id, _ = _finished_job(engine)
    u = urlsplit(engine.url)
    assert _raw(engine, "GET", "/jobs", {"Origin": "http://evil.example"})[0] == 403
    assert _raw(engine, "GET", "/jobs", {"Origin": f"http://{u.netloc}"})[0] == 200  # the engine's own page
    with connect(_ws_url(engine, job_id), origin="http://evil.example") as ws:
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
    assert closed.value.rcvd.code == 4403  # not one event streamed
    with connect(_ws_url(engine, job_id), origin=f"http://{u.netloc}") as ws:
        assert json.loads(ws.recv(timeout=10))["seq"] == 1


def test_the_token_goes_in_a_header_or_a_subprotocol_never_the_url(tmp_path):
    running = RunningEngine(tmp_path / "r", token="s3cret")
    try:
        job_id, _ = _finished_job(running)
        assert _raw(running, "GET", "/jobs?token=s3cret")[0] == 401
        assert _raw(running, "GET", "/jobs", {"Authorization": "Bearer s3cret"})[0] == 200
        with connect(_ws_url(running, job_id) + "&token=s3cret") as ws:
            with pytest.raises(ConnectionClosed) as closed:
                ws.recv(timeout=10)
        assert closed.value.rcvd.code == 4401
        # A browser cannot set headers on a WebSocket: it offers the token as a subprotocol.
        with connect(_ws_url(running, job_id), subprotocols=[token_subprotocol("s3cret")]) as ws:
            assert ws.subprotocol == token_subprotocol("s3cret")
            assert json.loads(ws.recv(timeout=10))["type"] == "queued"
    finally:
        running.stop()


# -- 6, 10: deleted files, long ids, lax numbers, bad poses ---------------------------------------


def test_a_deleted_output_is_a_404_not_a_500(engine):
    job_id, _ = _finished_job(engine)
    (engine.output / job_id / "sequence.mp4").unlink()
    status, _, data = _raw(engine, "GET", f"/jobs/{job_id}/files/sequence.mp4")
    assert status == 404 and b"no longer" in data


def test_a_100000_character_job_id_is_a_short_404(engine):
    status, headers, data = _raw(engine, "GET", "/jobs/" + "a" * 100_000)
    assert status == 404 and "Location" not in headers and len(data) < 300
    assert _raw(engine, "GET", "/jobs/" + "a" * 100_000 + "/")[0] == 404


@pytest.mark.parametrize(
    "change, field",
    [
        ({"width": "832"}, "width"),
        ({"fps": True}, "fps"),
        ({"seed": True}, "seed"),
        ({"steps": 3.0}, "steps"),
        ({"shots.0.poses.0.1.3": "1.6"}, "shots.0.poses"),
        ({"shots.0.poses.0": [[1, 0, 0, 0], [0, 1, 0, 1.6], [0, 0, 1, 4], [0, 0, 1, 1]]}, "shots.0.poses"),
    ],
)
def test_lax_numbers_and_a_bad_bottom_row_are_refused_naming_the_field(engine, change, field):
    body = json.loads(small_request(frames=(2,), size=(32, 32)).model_dump_json())
    for path, value in change.items():
        *parents, last = path.split(".")
        node = body
        for p in parents:
            node = node[int(p)] if isinstance(node, list) else node[p]
        node[int(last) if isinstance(node, list) else last] = value
    with pytest.raises(EngineError) as err:
        engine.client.submit(json.dumps(body))
    assert err.value.status == 422
    locs = [".".join(str(p) for p in d["loc"][1:]) for d in err.value.detail]
    assert any(loc.startswith(field) for loc in locs), locs


def test_a_pickle_renamed_safetensors_is_refused_when_the_folder_is_scanned(tmp_path):
    folder = tmp_path / "renamed"
    (folder / "transformer").mkdir(parents=True)
    (folder / "transformer" / "config.json").write_text("{}")
    (folder / "shotline.json").write_text("{}")
    (folder / "transformer" / "diffusion_pytorch_model.safetensors").write_bytes(b"\x80\x04\x95" + b"\x00" * 64)  # a pickle's opening bytes
    running = RunningEngine(tmp_path / "r", backends={"grid": GridBackend(), "dit": DitBackend("cpu", [folder])})
    try:
        refused = running.client._call("GET", "/models")["dit"]["refused"]
        assert len(refused) == 1 and "diffusion_pytorch_model.safetensors" in refused[0] and "not a safetensors file" in refused[0]
        assert "renamed" not in running.client._call("GET", "/models")["dit"]["models"]
    finally:
        running.stop()


# -- 7: streams close, and stop when the client goes ---------------------------------------------


def test_a_stream_past_a_finished_jobs_last_event_closes(engine):
    job_id, events = _finished_job(engine)
    for since in (events[-1]["seq"], events[-1]["seq"] + 50):
        with connect(_ws_url(engine, job_id, since)) as ws:
            with pytest.raises(ConnectionClosedOK):
                ws.recv(timeout=10)


def test_streams_whose_clients_left_are_dropped(tmp_path):
    running = RunningEngine(tmp_path / "r")
    try:
        blocker = running.client.submit(small_request(frames=(4000, 4000), size=(32, 32)))
        waiting = running.client.submit(small_request(frames=(2,), size=(32, 32)))
        with contextlib.ExitStack() as stack:
            sockets = [stack.enter_context(connect(_ws_url(running, waiting))) for _ in range(20)]
            for ws in sockets:
                assert json.loads(ws.recv(timeout=10))["type"] == "queued"
            assert running.app.state.open_streams() == 20
        deadline = time.monotonic() + 20
        while running.app.state.open_streams() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert running.app.state.open_streams() == 0
        running.client.cancel(blocker)
    finally:
        running.stop()


# -- 8: body size and validation off the loop ----------------------------------------------------


def test_a_body_over_the_limit_is_a_413_with_or_without_its_length(tmp_path):
    running = RunningEngine(tmp_path / "r")
    try:
        big = b" " * (MAX_BODY_BYTES + 1)
        status, _, data = _raw(running, "POST", "/jobs", {"Content-Type": "application/json"}, big)
        assert status == 413 and str(MAX_BODY_BYTES).encode() in data
        u = urlsplit(running.url)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        chunks = (b" " * 1_048_576 for _ in range(MAX_BODY_BYTES // 1_048_576 + 2))
        conn.request("POST", "/jobs", body=chunks, headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"}, encode_chunked=True)
        assert conn.getresponse().status == 413
        conn.close()
        assert running.client.health()["status"] == "ok"
    finally:
        running.stop()


def test_health_answers_while_a_big_request_is_validated(engine, monkeypatch):
    # Validation is held until /health has answered: on the event loop, this would never finish.
    answered = threading.Event()
    validate = RenderRequest.model_validate.__func__

    released = []

    def held(cls, data, **kw):
        released.append(answered.wait(timeout=20))  # False: /health could not answer meanwhile
        return validate(cls, data, **kw)

    monkeypatch.setattr(RenderRequest, "model_validate", classmethod(held))
    result = {}
    submit = threading.Thread(target=lambda: result.setdefault("id", engine.client.submit(small_request(frames=(2000, 2000), size=(32, 32)))))
    submit.start()
    time.sleep(0.2)
    assert engine.client.health()["status"] == "ok"
    answered.set()
    submit.join(timeout=30)
    assert released == [True] and len(result["id"]) == 32


def test_a_big_request_validated_in_the_helper_process_is_the_same_request(engine):
    import numpy as np
    from scipy.spatial.transform import Rotation

    from engine.server.validation import BIG_BODY_BYTES, validate_request

    shots = []
    for s in range(4):
        m = np.tile(np.eye(4), (1200, 1, 1))
        m[:, :3, :3] = Rotation.random(1200, random_state=s).as_matrix()
        m[:, :3, 3] = np.random.default_rng(s).uniform(-10, 10, (1200, 3))
        shots.append({"name": f"s{s}", "poses": m[:, : 3 + s % 2].tolist(), "focal_mm": [35.0], "film_back_mm": [24.89, 10.414]})
    body = json.dumps({"shots": shots, "width": 32, "height": 32, "seed": 3}).encode()
    assert len(body) > BIG_BODY_BYTES
    assert validate_request(body) == RenderRequest.model_validate_json(body)
    shots[1]["poses"][700][0][0] = 2.0  # no longer a rotation
    with pytest.raises(EngineError) as err:
        engine.client.submit(json.dumps({"shots": shots, "width": 32, "height": 32}))
    assert err.value.status == 422 and "frame 700" in err.value.detail[0]["msg"] and err.value.detail[0]["loc"][:4] == ["body", "shots", 1, "poses"]


# -- 9: eviction and retention -------------------------------------------------------------------


def test_finished_jobs_leave_memory_and_keep_their_record(engine):
    engine.queue.keep_finished = 2
    jobs = [_finished_job(engine, seed=i) for i in range(5)]
    ids = [job_id for job_id, _ in jobs]
    deadline = time.monotonic() + 10  # the worker retires a job just after its last event
    while set(engine.queue.jobs) != set(ids[-2:]) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert set(engine.queue.jobs) == set(ids[-2:])
    first = engine.client.job(ids[0])
    assert first["state"] == "done" and first["files"] == ["shot_01_shot_1.mp4", "sequence.mp4"]
    # Replayed from the journal: every event as it was streamed, less the preview images.
    replay = list(engine.client.events(ids[0]))
    assert replay == [{k: v for k, v in e.items() if k != "preview"} for e in jobs[0][1]]
    assert [e["type"] for e in replay][-2:] == ["shot", "done"]
    engine.client.download(ids[0], "sequence.mp4", engine.output.parent / "dl.mp4")
    assert [j["id"] for j in engine.client.jobs()] == ids


def test_old_outputs_are_pruned_by_total_size(tmp_path):
    running = RunningEngine(tmp_path / "r")
    running.queue.retention = Retention(max_bytes=1)  # keep nothing but the newest job
    try:
        a, _ = _finished_job(running)
        b, _ = _finished_job(running)
        deadline = time.monotonic() + 10
        while (running.output / a).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not (running.output / a).exists()
        record = running.client.job(a)
        assert record["pruned"] and record["files"] == [] and record["state"] == "done"
        with pytest.raises(EngineError) as err:
            running.client.download(a, "sequence.mp4", tmp_path / "x.mp4")
        assert err.value.status == 404
        assert running.client.job(b)["state"] == "done"
    finally:
        running.stop()


def test_outputs_older_than_the_setting_are_pruned_and_newer_ones_kept(engine):
    old, _ = _finished_job(engine)
    new, _ = _finished_job(engine)
    engine.queue.journal.set_finished(old, time.time() - 3 * 86400)
    engine.queue.retention = Retention(max_age_days=2)
    assert engine.queue.prune() == [old]
    assert not (engine.output / old).exists() and (engine.output / new / "sequence.mp4").is_file()
    assert engine.client.job(old)["pruned"] and not engine.client.job(new)["pruned"]


def test_a_bad_retention_setting_is_one_line(capsys):
    from engine.server.main import main

    assert main(["--keep-gb", "0"]) == 2
    assert capsys.readouterr().err.strip() == "shotline-engine: --keep-gb: must be more than 0"


def test_a_killed_renders_hidden_mp4_is_swept_when_the_engine_starts(tmp_path):
    import subprocess
    import sys

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    job_dir = tmp_path / "r" / ("b" * 32)
    job_dir.mkdir(parents=True)
    (job_dir / "shot_01_wide.mp4").write_bytes(b"a finished shot")
    (job_dir / f".shot_02_close.{dead.pid}-a1b2c3d4.mp4").write_bytes(b"half an mp4")
    running = RunningEngine(tmp_path / "r")
    try:
        assert sorted(p.name for p in job_dir.iterdir()) == ["shot_01_wide.mp4"]
    finally:
        running.stop()
