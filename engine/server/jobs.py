"""The job queue: first in, first out, one worker on the device.

Every job keeps its whole event history with sequence numbers, so a client that drops and comes
back asks for the events after the last one it saw and misses nothing; a job never depends on a
client being connected. A cancel takes a queued job off the queue at once and stops a running one
at its backend's next step. A failing job (an exception, running out of memory) fails alone, with
a message and a hint; the worker goes on with the next.

Jobs are journalled (``engine/server/journal.py``): after a crash the next engine shows the jobs
that were queued or running as ``interrupted``, with the shots they finished, and
:meth:`JobQueue.resume` renders them on from their first unfinished shot. Finished jobs leave
memory (their record stays), and old outputs are pruned by age or total size (:class:`Retention`).
"""

from __future__ import annotations

import base64
import bisect
import shutil
import sys
import threading
import time
import traceback
import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from engine.atomic import sweep_stale
from engine.camera.naming import slug
from engine.interchange.mp4 import Mp4Writer, read_mp4, write_mp4
from engine.render.backend import Backend, JobCancelled, RenderContext
from engine.render.request import RenderRequest
from engine.server.journal import Journal
from engine.server.validation import validate_request

PREVIEW_WIDTH = 256
FINISHED = ("done", "error", "cancelled", "interrupted")  # a job in one of these states has no more events
RESUMABLE = ("interrupted", "error", "cancelled")
KEEP_FINISHED_IN_MEMORY = 8  # finished jobs kept whole in memory; older ones are read from the journal


def safe_path(root: Path, *parts: str) -> Path:
    """``root/parts…`` resolved, refused if it would leave ``root``."""
    root = root.resolve()
    path = root.joinpath(*parts).resolve()
    if not path.is_relative_to(root):
        raise ValueError(f"{'/'.join(parts)} is outside the output folder")
    return path


def preview_jpeg(frame: np.ndarray) -> str:
    h, w, _ = frame.shape
    scale = PREVIEW_WIDTH / w
    small = cv2.resize(frame, (PREVIEW_WIDTH, max(2, int(h * scale))), interpolation=cv2.INTER_AREA) if scale < 1 else frame
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(small, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 80])
    return base64.b64encode(data.tobytes()).decode("ascii")


def failure_hint(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".lower()
    if isinstance(exc, MemoryError) or "out of memory" in text or "outofmemory" in text:
        return "the device ran out of memory: render a smaller size, fewer frames or fewer shots, or start the engine with --device cpu"
    return "see the engine's log for the traceback; the engine is still running and other jobs are unaffected"


@dataclass
class Retention:
    """How long finished outputs stay: older than ``max_age_days`` or beyond ``max_bytes`` in all
    (oldest first) they are deleted; None keeps them. The job's record stays, marked pruned."""

    max_age_days: float | None = None
    max_bytes: int | None = None


@dataclass
class Job:
    id: str
    request: RenderRequest
    state: str = "queued"  # queued, running, done, error, cancelled, interrupted
    events: list[dict] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # relative to the job's folder
    shots_done: set[int] = field(default_factory=set)  # indices of the shots whose MP4 is written
    error: str | None = None
    created: float = field(default_factory=time.time)
    cancel_requested: bool = False
    next_seq: int = 1
    pruned: bool = False  # its outputs were deleted by the retention policy

    def summary(self) -> dict:
        return {
            "id": self.id,
            "state": self.state,
            "shots": len(self.request.shots),
            "frames": self.request.total_frames,
            "backend": self.request.backend,
            "events": self.next_seq - 1,
            "files": list(self.files),
            "shots_done": sorted(self.shots_done),
            "error": self.error,
            "created": self.created,
            "pruned": self.pruned,
        }


def summary_of_record(record: dict) -> dict:
    return {
        "id": record["id"],
        "state": record["state"],
        "shots": record["shots"],
        "frames": record["frames"],
        "backend": record["backend"],
        "events": None,  # counted only while the job is in memory
        "files": record["files"],
        "shots_done": record["shots_done"],
        "error": record["error"],
        "created": record["created"],
        "pruned": record["pruned"],
    }


class JobQueue:
    def __init__(self, backends: dict[str, Backend], output: Path, device: str, retention: Retention | None = None, keep_finished: int = KEEP_FINISHED_IN_MEMORY):
        self.backends = backends
        self.output = Path(output)
        self.output.mkdir(parents=True, exist_ok=True)
        self.device = device
        self.retention = retention or Retention()
        self.keep_finished = keep_finished
        self.jobs: dict[str, Job] = {}  # queued, running and the last few finished jobs
        self._finished: deque[str] = deque()
        self._queue: deque[str] = deque()
        self._lock = threading.Condition()
        self._stopping = False
        self.listeners: list[Callable[[str], None]] = []  # called (from any thread) with a job id after each event
        self.on_retired: list[Callable[[], None]] = []  # called when a finished job has left memory
        self.journal = Journal(self.output)
        self._recover()
        self.prune()
        self._worker = threading.Thread(target=self._run, name="shotline-render-worker", daemon=True)
        self._worker.start()

    def _recover(self) -> None:
        """What a previous engine left: half-written files go; unfinished jobs become interrupted."""
        for folder in self.output.iterdir():
            if folder.is_dir():
                sweep_stale(folder)
        for record in self.journal.records(states=("queued", "running")):
            job = self._job_from_record(record)
            job.state = "interrupted"
            job.error = "the engine stopped while this job was " + record["state"]
            # Keep only files that are really there (a shot is journalled after its MP4 is complete).
            folder = self.job_dir(job)
            job.files = [f for f in job.files if (folder / f).is_file()]
            self.journal.update(job, finished=time.time())
            self._emit(job, "interrupted", files=list(job.files), shots_done=sorted(job.shots_done), message=job.error)

    def _job_from_record(self, record: dict) -> Job:
        # As it came in (validated then); big ones in the helper process, so the server is not held up.
        request = validate_request(self.journal.request(record["id"]).encode("utf-8"))
        job = Job(record["id"], request, state=record["state"], files=list(record["files"]), shots_done=set(record["shots_done"]), error=record["error"], created=record["created"])
        job.next_seq = self.journal.last_seq(job.id) + 1
        return job

    # -- what clients call ---------------------------------------------------------------------

    def submit(self, request: RenderRequest, body: bytes | None = None) -> Job:
        """Queue a job; ``body`` is the request's JSON as it came (journalled as is, saving the
        time of serialising a big request again)."""
        job = Job(uuid.uuid4().hex, request)
        self.journal.add(job, body)
        with self._lock:
            self.jobs[job.id] = job
            self._queue.append(job.id)
            self._emit(job, "queued", position=len(self._queue) - 1)
            self._lock.notify_all()
        return job

    def resume(self, job_id: str) -> Job:
        """Queue an interrupted (or failed, or cancelled) job again; it renders from its first unfinished shot."""
        with self._lock:
            record = self.journal.record(job_id)
            if record is None:
                raise KeyError(job_id)
            if record["state"] not in RESUMABLE or record["pruned"]:
                raise ValueError(f"job {job_id} is {record['state']}{' and pruned' if record['pruned'] else ''}; only an interrupted, failed or cancelled job with its files can be resumed")
            job = self.jobs.get(job_id) or self._job_from_record(record)
            folder = self.job_dir(job)
            job.shots_done = {i for i in job.shots_done if (folder / self.shot_file(job, i)).is_file()}
            job.files = [self.shot_file(job, i) for i in sorted(job.shots_done)]
            job.state, job.error, job.cancel_requested = "queued", None, False
            self.jobs[job_id] = job
            if job_id in self._finished:
                self._finished.remove(job_id)
            self._queue.append(job_id)
            self.journal.update(job)
            self._emit(job, "resumed", shots_done=sorted(job.shots_done))
            self._emit(job, "queued", position=len(self._queue) - 1)
            self._lock.notify_all()
            return job

    def cancel(self, job_id: str) -> dict:
        with self._lock:
            job = self.jobs.get(job_id)
            if job is None:  # finished and out of memory: nothing to cancel
                return self.summary(job_id)
            if job.state == "queued":
                self._queue.remove(job_id)
                job.state = "cancelled"
                self.journal.update(job, finished=time.time())
                self._emit(job, "cancelled", files=list(job.files))
                self._retire(job)
            elif job.state == "running":
                job.cancel_requested = True  # the backend stops at its next step
            return job.summary()

    def known(self, job_id: str) -> bool:
        return job_id in self.jobs or self.journal.record(job_id) is not None

    def summary(self, job_id: str) -> dict | None:
        job = self.jobs.get(job_id)
        if job is not None:
            return job.summary()
        record = self.journal.record(job_id)
        return summary_of_record(record) if record else None

    def summaries(self) -> list[dict]:
        with self._lock:
            live = {j.id: j.summary() for j in self.jobs.values()}
        return [live.get(r["id"]) or summary_of_record(r) for r in self.journal.records()]

    def files(self, job_id: str) -> list[str]:
        s = self.summary(job_id)
        return list(s["files"]) if s else []

    def events_after(self, job_id: str, seq: int) -> tuple[list[dict], bool]:
        """The job's events after ``seq``, and whether the job is over (no event will follow)."""
        with self._lock:
            job = self.jobs.get(job_id)
            if job is not None:
                start = bisect.bisect_right(job.events, seq, key=lambda e: e["seq"])
                return job.events[start:], job.state in FINISHED
        return self.journal.events(job_id, seq), True

    @property
    def queued(self) -> int:
        """How many jobs wait behind the running one."""
        return len(self._queue)

    def job_dir(self, job: Job | str) -> Path:
        return safe_path(self.output, job if isinstance(job, str) else job.id)

    @staticmethod
    def shot_file(job: Job, index: int) -> str:
        return f"shot_{index + 1:02d}_{slug(job.request.shots[index].name)}.mp4"

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            for job_id in list(self._queue):
                self.cancel(job_id)
            for job in self.jobs.values():
                job.cancel_requested = True
            self._lock.notify_all()
        self._worker.join(timeout=10)

    # -- retention -----------------------------------------------------------------------------

    def prune(self) -> list[str]:
        """Delete the outputs of finished jobs that are too old, then the oldest while too much is kept."""
        policy = self.retention
        if policy.max_age_days is None and policy.max_bytes is None:
            return []
        with self._lock:
            busy = {j.id for j in self.jobs.values() if j.state not in FINISHED}
        records = [r for r in self.journal.records() if r["state"] in FINISHED and not r["pruned"] and r["id"] not in busy]
        now = time.time()
        sizes = {r["id"]: _folder_bytes(self.job_dir(r["id"])) for r in records}
        total = sum(sizes.values())
        pruned = []
        for r in sorted(records, key=lambda r: r["finished"] or r["created"]):
            too_old = policy.max_age_days is not None and now - (r["finished"] or r["created"]) > policy.max_age_days * 86400
            too_big = policy.max_bytes is not None and total > policy.max_bytes
            if not (too_old or too_big):
                continue
            shutil.rmtree(self.job_dir(r["id"]), ignore_errors=True)
            self.journal.mark_pruned(r["id"])
            with self._lock:
                if r["id"] in self.jobs:
                    self.jobs[r["id"]].files, self.jobs[r["id"]].pruned = [], True
            total -= sizes[r["id"]]
            pruned.append(r["id"])
        return pruned

    # -- the worker ----------------------------------------------------------------------------

    def _emit(self, job: Job, kind: str, **data) -> None:
        with self._lock:
            event = {"seq": job.next_seq, "type": kind, "job": job.id, "time": time.time(), **data}
            job.next_seq += 1
            job.events.append(event)
            # Every event (its preview image aside), so sequence numbers go on across a restart
            # and a client that comes back after one gets exactly what it missed.
            self.journal.add_event(job.id, event)
            self._lock.notify_all()
        for listener in self.listeners:
            listener(job.id)

    def _retire(self, job: Job) -> None:
        """A finished job drops its previews and, once enough newer ones finished, leaves memory."""
        with self._lock:
            job.events = [{k: v for k, v in e.items() if k != "preview"} if "preview" in e else e for e in job.events]
            self._finished.append(job.id)
            while len(self._finished) > self.keep_finished:
                self.jobs.pop(self._finished.popleft(), None)
        for hook in self.on_retired:
            hook()

    def _start_next(self) -> Job:
        """The first queued job, now running (journaled); the jobs behind it hear their new place.
        Called with the lock held (the single worker here, the farm's scheduler in farm.py)."""
        job = self.jobs[self._queue.popleft()]
        job.state = "running"
        self.journal.update(job)
        for position, queued_id in enumerate(self._queue):
            self._emit(self.jobs[queued_id], "queued", position=position)
        return job

    def _run(self) -> None:
        while True:
            with self._lock:
                self._lock.wait_for(lambda: self._queue or self._stopping)
                if self._stopping:
                    return
                job = self._start_next()
            self._render(job)
            self._retire(job)
            self.prune()

    def _start(self, job: Job) -> "ShotAssembly":
        """Announce a job's start; what it makes is collected by the assembly this returns."""
        request = job.request
        earlier = set(job.shots_done)  # shots finished before a restart: their MP4s are on disk
        first = min(set(range(len(request.shots))) - earlier, default=len(request.shots))
        self._emit(job, "started", shots=len(request.shots), frames=request.total_frames, device=self.device, first_shot=first)
        return ShotAssembly(self, job, earlier, first)

    def _end(self, job: Job, exc: BaseException | None) -> None:
        """A job is over: done (``exc`` None), cancelled, or failed with ``exc``. Its state and its
        last event change together, under the lock: a stream that read the state as finished
        before the event was there would close without it, and the client would wait for ever."""
        if exc is not None and not isinstance(exc, JobCancelled) and exc.__traceback__ is not None:
            traceback.print_exception(exc)
        with self._lock:
            if exc is None:
                job.state = "done"
                self.journal.update(job, finished=time.time())
                self._emit(job, "done", files=list(job.files), folder=str(self.job_dir(job)))
            elif isinstance(exc, JobCancelled):
                job.state = "cancelled"
                self.journal.update(job, finished=time.time())
                self._emit(job, "cancelled", files=list(job.files))
            else:
                job.state = "error"
                job.error = f"{type(exc).__name__}: {exc}"
                self.journal.update(job, finished=time.time())
                self._emit(job, "error", message=job.error, hint=failure_hint(exc))

    def _render(self, job: Job) -> None:
        request = job.request
        shots = self._start(job)
        try:
            backend = self.backends[request.backend]

            def progress(shot: int, step: int, steps: int, preview: np.ndarray | None) -> None:
                extra = {"preview": preview_jpeg(preview)} if preview is not None else {}
                self._emit(job, "progress", shot=shot, step=step, steps=steps, **extra)

            ctx = RenderContext(self.device, lambda: job.cancel_requested, progress, shots.folder, job.files.append, first_shot=shots.first)
            with shots:
                if shots.first < len(request.shots):
                    for index, frames in backend.render(request, ctx):
                        ctx.check()
                        shots.add(index, frames)
                ctx.check()
        except BaseException as exc:  # noqa: BLE001 - one job's failure must never stop the engine
            self._end(job, exc)
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            return
        self._end(job, None)


class ShotAssembly:
    """What a running job makes: each shot's MP4 as the shot arrives (in any order, from any
    thread), and ``sequence.mp4`` encoded in shot order as they do — a shot that comes before its
    predecessors waits (only it is held in memory) and shots finished before a restart are read
    back from their files, so no job ever holds all of its frames.

    A context manager: the sequence file appears, complete, when the block ends without an
    exception (and is listed in the job's files); otherwise it is never there.
    """

    SEQUENCE = "sequence.mp4"

    def __init__(self, queue: JobQueue, job: Job, earlier: set[int], first: int):
        self.queue, self.job, self.earlier, self.first = queue, job, earlier, first
        self.folder = queue.job_dir(job)
        self._ahead: dict[int, np.ndarray] = {}
        self._next = 0
        self._lock = threading.Lock()
        self._whole: Mp4Writer | None = None

    def __enter__(self) -> "ShotAssembly":
        request = self.job.request
        self.folder.mkdir(parents=True, exist_ok=True)
        whole = Mp4Writer(safe_path(self.folder, self.SEQUENCE), request.fps, (request.width, request.height))
        whole.__enter__()
        self._whole = whole
        try:
            self._flush()
        except BaseException:
            self._whole = None
            whole.__exit__(*sys.exc_info())
            raise
        return self

    def __exit__(self, *exc) -> bool:
        whole, self._whole = self._whole, None
        if whole is not None:
            if exc[0] is None and self._next < len(self.job.request.shots):
                missing = sorted(set(range(len(self.job.request.shots))) - self.job.shots_done - self.earlier)
                err = RuntimeError(f"the backend made no frames for shot(s) {', '.join(str(i + 1) for i in missing)}")
                whole.__exit__(type(err), err, None)
                raise err
            whole.__exit__(*exc)
        if exc[0] is None:
            self.job.files.append(self.SEQUENCE)
        return False

    def add(self, index: int, frames: np.ndarray) -> None:
        """Shot ``index``'s frames: written as its MP4, announced, and put in the sequence."""
        job, queue = self.job, self.queue
        request = job.request
        with self._lock:
            if index in self.earlier or index in job.shots_done:
                return  # a backend that renders every shot at once gives these again
        name = queue.shot_file(job, index)
        write_mp4(frames, safe_path(self.folder, name), request.fps, (request.width, request.height))
        with self._lock:
            if name not in job.files:
                job.files.append(name)
            job.shots_done.add(index)
            queue.journal.update(job)
            queue._emit(job, "shot", index=index, frames=int(len(frames)), file=name)
            self._ahead[index] = frames
            self._flush()

    def _flush(self) -> None:
        shots = self.job.request.shots
        while self._next < len(shots) and (self._next in self._ahead or self._next in self.earlier):
            i = self._next
            frames = self._ahead.pop(i) if i in self._ahead else read_mp4(self.folder / self.queue.shot_file(self.job, i))[0]
            for frame in frames:
                self._whole.add(frame)
            self._next += 1


def _folder_bytes(folder: Path) -> int:
    try:
        return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    except OSError:
        return 0
