import pytest
"""The engine killed mid-render and started again: the job shows as interrupted with the shots it
finished, nothing half-written is left, `shotline render` says so in one line (exit 2), the job
resumes from its first unfinished shot, and SIGTERM still stops an engine with streams open."""

import contextlib
import hashlib
import json
import os
import signal
import socket
import threading
import time

from websockets.sync.client import connect

from engine.cli import main
from engine.demo import DEMO_PATH
from engine.interchange.mp4 import read_mp4
from engine.server.client import LocalEngine
from tests.server.conftest import small_request

DURATIONS = (12, 1200, 1200, 12)  # a short first shot, then long ones: the kill lands in shot 2 (or 3)
NAMES = ["shot_01_Rooftop_wide.mp4", "shot_02_OTS_on_Mara.mp4", "shot_03_Reverse_on_Jonas.mp4", "shot_04_Mara_close-up_push.mp4"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _project(tmp_path):
    d = json.loads(DEMO_PATH.read_text())
    for shot, n in zip(d["shots"], DURATIONS):
        shot["duration"] = n
        shot["keys"] = [k for k in shot["keys"] if k["frame"] < n]
        shot["subject_keys"] = [k for k in shot.get("subject_keys", []) if k["frame"] < n]
    path = tmp_path / "long.shotline"
    path.write_text(json.dumps(d))
    return path


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow  # engine processes killed and restarted: CI's slow step
def test_an_engine_killed_mid_render_comes_back_with_the_job_interrupted_and_resumable(tmp_path, capsys):
    out, port = tmp_path / "engine", _free_port()
    first = LocalEngine(output=out, device="cpu", port=port)
    second = None
    try:
        rc = []
        cli = threading.Thread(target=lambda: rc.append(main(["render", str(_project(tmp_path)), "--backend", "grid", "-o", str(tmp_path / "got"), "--engine", first.url, "--size", "32x32"])))
        cli.start()
        while not first.client.jobs():
            time.sleep(0.01)
        job_id = first.client.jobs()[0]["id"]
        for event in first.client.events(job_id):
            if event["type"] == "shot":  # shot 1 is on disk; shot 2 is being rendered
                os.kill(first.process.pid, signal.SIGKILL)
                break
        first.process.wait()
        second = LocalEngine(output=out, device="cpu", port=port)  # same folder, same address
        cli.join(timeout=60)
        assert rc == [2]
        err = capsys.readouterr().err.strip().splitlines()[-1]
        assert err.startswith("shotline: error: ") and "the engine restarted" in err and job_id in err and "interrupted" in err

        job = second.client.job(job_id)
        finished = job["shots_done"]
        assert job["state"] == "interrupted" and 1 <= len(finished) < 4 and finished == list(range(len(finished)))
        assert job["files"] == NAMES[: len(finished)]
        folder = out / job_id
        assert sorted(p.name for p in folder.iterdir()) == NAMES[: len(finished)]  # no hidden half-written MP4
        for i in finished:
            assert len(read_mp4(folder / NAMES[i])[0]) == DURATIONS[i]
        assert [j["id"] for j in second.client.jobs()] == [job_id]
        kept = {name: _digest(folder / name) for name in NAMES[: len(finished)]}

        got = tmp_path / "got"
        assert main(["render", str(_project(tmp_path)), "--backend", "grid", "-o", str(got), "--engine", second.url, "--resume", job_id, "--size", "32x32"]) == 0
        assert sorted(p.name for p in got.iterdir()) == ["renders.json", "sequence.mp4", *NAMES]  # (the manifest of which shot each clip shows)
        events = list(second.client.events(job_id))
        assert events[-1]["type"] == "done"
        started = next(e for e in events if e["type"] == "started" and e.get("first_shot") == len(finished))
        rendered = [e["index"] for e in events if e["type"] == "shot" and e["seq"] > started["seq"]]
        assert rendered == list(range(len(finished), 4))  # from the first unfinished shot on
        assert {name: _digest(folder / name) for name in kept} == kept  # finished shots are not rendered again
        assert len(read_mp4(folder / "sequence.mp4")[0]) == sum(DURATIONS)

        # SIGTERM with a job running and event streams open still stops the engine.
        busy = second.client.submit(small_request(frames=(4000, 4000), size=(32, 32)))
        with contextlib.ExitStack() as stack:
            streams = [stack.enter_context(connect("ws" + second.url[4:] + f"/jobs/{busy}/events")) for _ in range(10)]
            for ws in streams:
                ws.recv(timeout=10)
            second.process.send_signal(signal.SIGTERM)
            assert second.process.wait(timeout=30) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal it handled
    finally:
        first.stop()
        if second is not None:
            second.stop()
