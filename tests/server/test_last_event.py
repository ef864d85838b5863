"""A job's last event and its finished state change together: a client streaming its events never
sees the job over without the event that says how it ended (it would wait for ever)."""

import threading

import pytest

from engine.server.jobs import FINISHED, JobQueue
from tests.server.test_sequence_file import _BackwardsBackend, _FailingSecondShot
from tests.server.conftest import small_request
from tests.waiting import wait_until


@pytest.mark.parametrize("backend, ending", [(_BackwardsBackend(), "done"), (_FailingSecondShot(), "error")])
def test_a_reader_that_asks_as_the_job_ends_gets_its_last_event(tmp_path, backend, ending):
    queue = JobQueue({backend.name: backend}, tmp_path, "cpu")
    answers, readers = [], []
    journal_update = queue.journal.update

    def update(job, **fields):
        journal_update(job, **fields)
        if "finished" in fields:  # the state is already the finished one: a stream asks now, from its own thread
            reader = threading.Thread(target=lambda: answers.append(queue.events_after(job.id, 0)))
            reader.start()
            readers.append(reader)
            reader.join(0.2)

    queue.journal.update = update
    job = queue.submit(small_request(frames=(3, 2), size=(32, 32), backend=backend.name))
    wait_until(lambda: job.state in FINISHED and answers, what="the job and the reader asking as it ended")
    for reader in readers:
        reader.join(5)
    queue.stop()
    assert job.state == ending and answers
    for events, over in answers:
        assert over and events[-1]["type"] == ending, [e["type"] for e in events]
