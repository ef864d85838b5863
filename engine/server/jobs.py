"""The job queue: first in, first out, one worker on the device.

Every job keeps its whole event history with sequence numbers, so a client that drops and comes
back asks for the events after the last one it saw and misses nothing; a job never depends on a
client being connected. A cancel takes a queued job off the queue at once and stops a running one
at its backend's next step. A failing job (an exception, running out of memory) fails alone, with
a message and a hint; the worker goes on with the next.
"""

from __future__ import annotations

import base64
import threading
import time
import traceback
import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from engine.camera.naming import slug
from engine.interchange.mp4 import Mp4Writer, write_mp4
from engine.render.backend import Backend, JobCancelled, RenderContext
from engine.render.request import RenderRequest

PREVIEW_WIDTH = 256
FINISHED = ("done", "error", "cancelled")


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
class Job:
    id: str
    request: RenderRequest
    state: str = "queued"  # queued, running, done, error, cancelled
    events: list[dict] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # relative to the job's folder
    error: str | None = None
    created: float = field(default_factory=time.time)
    cancel_requested: bool = False

    def summary(self) -> dict:
        return {
            "id": self.id,
            "state": self.state,
            "shots": len(self.request.shots),
            "frames": self.request.total_frames,
            "backend": self.request.backend,
            "events": len(self.events),
            "files": list(self.files),
            "error": self.error,
            "created": self.created,
        }


class JobQueue:
    def __init__(self, backends: dict[str, Backend], output: Path, device: str):
        self.backends = backends
        self.output = Path(output)
        self.output.mkdir(parents=True, exist_ok=True)
        self.device = device
        self.jobs: dict[str, Job] = {}
        self._queue: deque[str] = deque()
        self._lock = threading.Condition()
        self._stopping = False
        self._worker = threading.Thread(target=self._run, name="shotline-render-worker", daemon=True)
        self._worker.start()

    # -- what clients call ---------------------------------------------------------------------

    def submit(self, request: RenderRequest) -> Job:
        job = Job(uuid.uuid4().hex, request)
        with self._lock:
            self.jobs[job.id] = job
            self._queue.append(job.id)
            self._emit(job, "queued", position=len(self._queue) - 1)
            self._lock.notify_all()
        return job

    def cancel(self, job_id: str) -> Job:
        with self._lock:
            job = self.jobs[job_id]
            if job.state == "queued":
                self._queue.remove(job_id)
                job.state = "cancelled"
                self._emit(job, "cancelled")
            elif job.state == "running":
                job.cancel_requested = True  # the backend stops at its next step
            return job

    def events_after(self, job_id: str, seq: int) -> list[dict]:
        with self._lock:
            return [e for e in self.jobs[job_id].events if e["seq"] > seq]

    @property
    def queued(self) -> int:
        """How many jobs wait behind the running one."""
        return len(self._queue)

    def job_dir(self, job: Job) -> Path:
        return safe_path(self.output, job.id)

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            for job_id in list(self._queue):
                self.cancel(job_id)
            for job in self.jobs.values():
                job.cancel_requested = True
            self._lock.notify_all()
        self._worker.join(timeout=10)

    # -- the worker ----------------------------------------------------------------------------

    def _emit(self, job: Job, kind: str, **data) -> None:
        with self._lock:
            job.events.append({"seq": len(job.events) + 1, "type": kind, "job": job.id, "time": time.time(), **data})
            self._lock.notify_all()

    def _run(self) -> None:
        while True:
            with self._lock:
                self._lock.wait_for(lambda: self._queue or self._stopping)
                if self._stopping:
                    return
                job = self.jobs[self._queue.popleft()]
                job.state = "running"
                for position, queued_id in enumerate(self._queue):
                    self._emit(self.jobs[queued_id], "queued", position=position)
            self._render(job)

    def _render(self, job: Job) -> None:
        request = job.request
        self._emit(job, "started", shots=len(request.shots), frames=request.total_frames, device=self.device)
        folder = self.job_dir(job)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            backend = self.backends[request.backend]

            def progress(shot: int, step: int, steps: int, preview: np.ndarray | None) -> None:
                extra = {"preview": preview_jpeg(preview)} if preview is not None else {}
                self._emit(job, "progress", shot=shot, step=step, steps=steps, **extra)

            ctx = RenderContext(self.device, lambda: job.cancel_requested, progress)
            size = (request.width, request.height)
            sequence = "sequence.mp4"
            # The sequence is encoded as shots arrive; a shot that comes before its predecessors
            # waits (only it is held in memory), so no job ever holds all of its frames.
            ahead: dict[int, np.ndarray] = {}
            next_shot = 0
            with Mp4Writer(safe_path(folder, sequence), request.fps, size) as whole:
                for index, frames in backend.render(request, ctx):
                    ctx.check()
                    name = f"shot_{index + 1:02d}_{slug(request.shots[index].name)}.mp4"
                    write_mp4(frames, safe_path(folder, name), request.fps, size)
                    job.files.append(name)
                    self._emit(job, "shot", index=index, frames=int(len(frames)), file=name)
                    ahead[index] = frames
                    while next_shot in ahead:
                        for frame in ahead.pop(next_shot):
                            whole.add(frame)
                        next_shot += 1
                ctx.check()
            job.files.append(sequence)
            job.state = "done"
            self._emit(job, "done", files=list(job.files), folder=str(folder))
        except JobCancelled:
            job.state = "cancelled"
            self._emit(job, "cancelled", files=list(job.files))
        except BaseException as exc:  # noqa: BLE001 - one job's failure must never stop the engine
            traceback.print_exc()
            job.state = "error"
            job.error = f"{type(exc).__name__}: {exc}"
            self._emit(job, "error", message=job.error, hint=failure_hint(exc))
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
