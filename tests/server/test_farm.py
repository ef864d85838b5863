"""The render farm on a local Ray cluster that the tests start (ray.init(num_cpus=2): two CPU workers):
a 16-shot grey-box job comes back complete and in shot order, a cancel reaches the running actors,
a worker killed mid-shot has that shot retried on the other worker (and a shot whose worker dies
twice fails the job with the reason), and two jobs run side by side.

Ray's start-up (a raylet and two worker processes importing the engine) takes longer than the
default run allows, so these are slow tests (CI runs them on every submission)."""

import base64
import os
import signal
from pathlib import Path

import numpy as np
import pytest

from engine.interchange.mp4 import read_mp4
from engine.render.registry import default_backends
from tests.server.conftest import small_request, truck_shot
from tests.waiting import wait_until

from engine.render.request import RenderRequest

pytestmark = pytest.mark.slow


ROOT = Path(__file__).resolve().parents[2]


def crashing_backends(device, model_dirs=None):
    """The usual backends and ``crash``, whose worker process dies whenever it reaches shot 2."""
    from engine.render.grid_backend import GridBackend

    class Crash(GridBackend):
        name = "crash"

        def render(self, request, ctx):
            for index, frames in super().render(request, ctx):
                if index == 1:
                    os._exit(1)
                yield index, frames

    return {**default_backends(device, model_dirs), "crash": Crash()}


@pytest.fixture(scope="module")
def farm():
    ray = pytest.importorskip("ray")  # here, not at import: the default run never loads ray
    from engine.server.farm import Farm

    # The workers import this module (for crashing_backends) and the engine from this checkout.
    ray.init(address="local", num_cpus=2, include_dashboard=False, logging_level="WARNING", log_to_driver=False, runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}})
    try:
        yield Farm("auto", "cpu", cpu_workers=2, backends_factory=crashing_backends)
    finally:
        ray.shutdown()


@pytest.fixture
def queue(farm, tmp_path):
    from engine.server.farm import FarmQueue

    q = FarmQueue(farm, crashing_backends("cpu"), tmp_path / "renders", "cpu")
    yield q
    q.stop()


def finished(queue, job_id, timeout=120.0):
    # The last event, not the state: a job's state changes just before its final event is emitted.
    wait_until(lambda: (queue.events_after(job_id, 0)[0] or [{}])[-1].get("type") in ("done", "error", "cancelled"), timeout, f"job {job_id} ending")
    return queue.summary(job_id)


def events(queue, job_id):
    return queue.events_after(job_id, 0)[0]


def shot_job(frames, backend="greybox", size=(48, 32), **settings) -> RenderRequest:
    return small_request(frames=frames, size=size, backend=backend, **settings)


def test_sixteen_shot_job_completes_in_shot_order_on_both_workers(queue):
    lengths = [3 + (i % 4) for i in range(16)]  # different lengths, so a shot in the wrong place shows
    previews = []  # a finished job drops its previews from memory: catch them as they stream
    queue.listeners.append(lambda job_id: previews.extend(e["preview"] for e in queue.jobs[job_id].events[-1:] if "preview" in e))
    job = queue.submit(shot_job(lengths, passes=["depth"]))
    s = finished(queue, job.id)
    assert s["state"] == "done", s["error"]
    folder = queue.job_dir(job.id)
    shots = [f for f in s["files"] if f.startswith("shot_") and f.endswith(".mp4")]
    assert sorted(shots) == [f"shot_{i + 1:02d}_shot_{i + 1}.mp4" for i in range(16)]
    for i, n in enumerate(lengths):
        assert len(read_mp4(folder / f"shot_{i + 1:02d}_shot_{i + 1}.mp4")[0]) == n
    # The sequence is the shots in order: its frame count and each shot's first frame where it belongs.
    whole = read_mp4(folder / "sequence.mp4")[0]
    assert len(whole) == sum(lengths)
    start = 0
    for i, n in enumerate(lengths):
        first = read_mp4(folder / f"shot_{i + 1:02d}_shot_{i + 1}.mp4")[0][0]
        assert np.abs(whole[start].astype(int) - first).mean() < 3
        start += n
    # The depth pass of every shot came back from the workers into the job's folder.
    assert all((folder / f).is_file() for f in s["files"])
    assert any("depth" in f for f in s["files"])
    ev = events(queue, job.id)
    kinds = [e["type"] for e in ev]
    assert kinds[0] == "queued" and kinds[1] == "started" and kinds[-1] == "done"
    assert sorted(e["index"] for e in ev if e["type"] == "shot") == list(range(16))
    # Both workers rendered (parallel shots), and previews streamed through as on one engine.
    assert {e["worker"] for e in ev if e["type"] == "progress"} == {"cpu-1", "cpu-2"}
    assert previews and all(base64.b64decode(p)[:2] == b"\xff\xd8" for p in previews)  # JPEGs
    assert not [p for p in folder.rglob(".*")], "no temporaries left"


def test_cancel_reaches_the_running_actors_and_stops_the_job(queue, farm):
    before = sum(w["stopped_mid_shot"] for w in farm.workers().values())
    # Two long grid shots, one per worker; cancelled once both are under way.
    job = queue.submit(RenderRequest(shots=[truck_shot(4000, "long a"), truck_shot(4000, "long b", x0=1)], width=16, height=16, backend="grid"))
    wait_until(lambda: {e.get("worker") for e in events(queue, job.id) if e["type"] == "progress"} >= {"cpu-1", "cpu-2"}, 60, "both workers rendering")
    queue.cancel(job.id)
    s = finished(queue, job.id)
    assert s["state"] == "cancelled"
    assert not any(f.endswith(".mp4") for f in s["files"])
    assert not [p for p in queue.job_dir(job.id).iterdir()], "nothing half-written"
    # Each actor stopped its shot mid-way, and is free for the next job.
    wait_until(lambda: sum(w["stopped_mid_shot"] for w in farm.workers().values()) == before + 2, 30, "both actors stopping")
    nxt = queue.submit(shot_job([3, 3], backend="grid"))
    assert finished(queue, nxt.id)["state"] == "done"


def test_a_worker_killed_mid_shot_has_its_shot_retried_on_the_other(queue, farm):
    lengths = [600, 600, 600, 600]
    job = queue.submit(shot_job(lengths, backend="grid", size=(32, 16)))
    wait_until(lambda: any(e["type"] == "progress" and e["step"] > 1 for e in events(queue, job.id)), 60, "a shot under way")
    first = next(e for e in events(queue, job.id) if e["type"] == "progress" and e["step"] > 1)
    victim, shot = first["worker"], first["shot"]
    pid = farm.workers()[victim]["pid"]
    os.kill(pid, signal.SIGKILL)
    s = finished(queue, job.id)
    assert s["state"] == "done", s["error"]
    ev = events(queue, job.id)
    retries = [e for e in ev if e["type"] == "retry"]
    assert len(retries) == 1 and retries[0]["shots"] == [shot] and retries[0]["worker"] == victim
    assert "died" in retries[0]["reason"]
    # The retried shot was made by the other worker, and is whole.
    after = [e for e in ev if e["seq"] > retries[0]["seq"] and e["type"] == "progress" and e["shot"] == shot]
    assert after and {e["worker"] for e in after} == {"cpu-1", "cpu-2"} - {victim}
    folder = queue.job_dir(job.id)
    assert [len(read_mp4(folder / f"shot_{i + 1:02d}_shot_{i + 1}.mp4")[0]) for i in range(4)] == lengths
    assert len(read_mp4(folder / "sequence.mp4")[0]) == sum(lengths)
    # The killed worker was replaced: the farm still has two live workers.
    assert victim in farm.workers() and farm.workers()[victim]["pid"] != pid


def test_a_shot_whose_worker_dies_twice_fails_the_job_with_the_reason(queue):
    job = queue.submit(shot_job([3, 3, 3], backend="crash"))
    s = finished(queue, job.id)
    assert s["state"] == "error"
    assert "shot 2 failed 2 times" in s["error"] and "died" in s["error"]
    assert len([e for e in events(queue, job.id) if e["type"] == "retry"]) == 1
    assert not [p for p in queue.job_dir(job.id).rglob(".*")], "no temporaries left"
    assert "sequence.mp4" not in s["files"] and not (queue.job_dir(job.id) / "sequence.mp4").exists()


def test_two_jobs_interleave(queue):
    a = queue.submit(shot_job([4] * 6, backend="grid"))
    b = queue.submit(shot_job([4] * 6, backend="grid"))
    assert finished(queue, a.id)["state"] == "done" and finished(queue, b.id)["state"] == "done"
    # Both ran at once: b's first shot came before a was done, and each came back in shot order.
    times = lambda job, kind: [e["time"] for e in events(queue, job.id) if e["type"] == kind]  # noqa: E731
    assert times(b, "shot")[0] < times(a, "done")[0]
    assert times(a, "shot")[0] < times(b, "done")[0]
    assert times(b, "started")[0] < times(a, "done")[0]
    for job in (a, b):
        assert sorted(e["index"] for e in events(queue, job.id) if e["type"] == "shot") == list(range(6))
