"""How a job's shots become its files (ShotAssembly, which the single worker and the farm share):
shots that arrive out of order still make the sequence in shot order, and a backend that leaves a
shot out fails the job naming it instead of writing a short sequence."""

import numpy as np

from engine.interchange.mp4 import read_mp4
from engine.render.backend import Backend
from engine.server.jobs import JobQueue
from tests.server.conftest import small_request
from tests.waiting import wait_until


class Flat(Backend):
    """Shot i is a flat grey of level 40 + 60 i, in the order given (some shots maybe never)."""

    name = "flat"
    description = "test"

    def __init__(self, order):
        self.order = order

    def models(self):
        return ["flat"]

    def render(self, request, ctx):
        for i in self.order:
            ctx.check()
            yield i, np.full((request.shots[i].frames, request.height, request.width, 3), 40 + 60 * i, np.uint8)


def run(tmp_path, order):
    queue = JobQueue({"flat": Flat(order)}, tmp_path / "renders", "cpu")
    try:
        job = queue.submit(small_request(frames=(3, 4, 5), size=(32, 16), backend="flat"))
        wait_until(lambda: queue.summary(job.id)["state"] in ("done", "error"), 60, "the job ending")
        return queue, queue.summary(job.id)
    finally:
        queue.stop()


def test_shots_out_of_order_make_the_sequence_in_shot_order(tmp_path):
    queue, s = run(tmp_path, [2, 0, 1])
    assert s["state"] == "done", s["error"]
    frames = read_mp4(queue.job_dir(s["id"]) / "sequence.mp4")[0]
    levels = frames.reshape(len(frames), -1).mean(axis=1)
    assert len(frames) == 12
    assert np.allclose(levels[:3], 40, atol=4) and np.allclose(levels[3:7], 100, atol=4) and np.allclose(levels[7:], 160, atol=4)


def test_a_shot_left_out_fails_the_job_naming_it(tmp_path):
    queue, s = run(tmp_path, [0, 2])
    assert s["state"] == "error"
    assert "shot(s) 2" in s["error"]
    assert "sequence.mp4" not in s["files"] and not (queue.job_dir(s["id"]) / "sequence.mp4").exists()
    assert not [p for p in queue.job_dir(s["id"]).iterdir() if p.name.startswith(".")], "no temporary left"
