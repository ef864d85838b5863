"""sequence.mp4 is written as shots arrive, in story order, whatever order a backend finishes them in."""

import numpy as np

from engine.interchange.mp4 import read_mp4
from engine.render.backend import Backend
from engine.server.jobs import JobQueue
from tests.server.conftest import small_request
from tests.waiting import wait_until


class _BackwardsBackend(Backend):
    """Finishes the last shot first (as a model rendering shots out of order would); each shot is
    one flat grey whose level says which shot it is."""

    name, description = "backwards", "test backend"

    def models(self):
        return ["backwards"]

    def render(self, request, ctx):
        for index in reversed(range(len(request.shots))):
            ctx.check()
            level = 40 + 80 * index
            yield index, np.full((request.shots[index].frames, request.height, request.width, 3), level, np.uint8)


class _FailingSecondShot(_BackwardsBackend):
    name = "failing"

    def render(self, request, ctx):
        yield 0, np.zeros((request.shots[0].frames, request.height, request.width, 3), np.uint8)
        raise RuntimeError("the model ran out of ideas")


def test_the_sequence_is_in_story_order_when_shots_finish_backwards(tmp_path):
    queue = JobQueue({"backwards": _BackwardsBackend()}, tmp_path, "cpu")
    job = queue.submit(small_request(frames=(5, 3, 4), size=(32, 32), backend="backwards"))
    wait_until(lambda: job.state in ("done", "error"), what="the job")
    queue.stop()
    assert job.state == "done", job.error
    frames, _ = read_mp4(queue.job_dir(job) / "sequence.mp4")
    levels = frames.reshape(len(frames), -1).mean(axis=1)
    want = [40] * 5 + [120] * 3 + [200] * 4
    assert len(frames) == 12 and np.allclose(levels, want, atol=6)


def test_a_job_that_fails_midway_leaves_no_sequence_file(tmp_path):
    queue = JobQueue({"failing": _FailingSecondShot()}, tmp_path, "cpu")
    job = queue.submit(small_request(frames=(3, 3), size=(32, 32), backend="failing"))
    wait_until(lambda: job.state in ("done", "error"), what="the job")
    queue.stop()
    folder = queue.job_dir(job)
    assert job.state == "error" and "ran out of ideas" in job.error
    assert sorted(p.name for p in folder.iterdir()) == ["shot_01_shot_1.mp4"]  # no sequence, no temporaries
