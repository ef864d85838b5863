"""The render farm: the engine's job queue, with the shots rendered by Ray actors across GPUs and machines.

``shotline-engine --ray auto`` (a Ray on this machine, started if none runs) or ``--ray ADDRESS``
(join a cluster). Clients talk to the same HTTP/WebSocket API and queue; only where the frames are
made changes. This module is imported only then: the engine without ``--ray`` never imports ray.

- **Workers.** One actor per GPU (``num_gpus=1``: Ray pins it to its GPU), which renders the
  ``dit`` backend, and CPU actors (``num_cpus=1``) for ``grid`` and ``greybox`` (and ``dit`` when
  the cluster has no GPU). An actor builds its backends once and keeps them, so a model is loaded
  once per actor, on its first job.
- **Units.** A grid or grey-box shot is a unit of its own: a job's shots run in parallel. A ``dit``
  job is one unit: holistic sampling needs its shots together in one pass, autoregressive sampling
  needs them in order on one worker (its caches) — so there independent jobs run side by side.
- **Scheduling.** As many jobs run as there are workers; a free worker takes the next unit of the
  next running job in turn (round robin), so a short job is not stuck behind a long one. Results
  are assembled in shot order (``ShotAssembly``): the shot MP4s, previews and events are the ones a
  single engine gives; progress events also say which worker made them.
- **Cancel** reaches the running actors (each checks it at its backend's next step).
- **Failure.** A worker that dies mid-unit (killed, out of memory, its machine gone) is replaced,
  and the unit is retried once on another worker (a ``retry`` event says so); a second death fails
  the job with the reason. An error raised by a backend fails the job at once (it would again).
  Frames come back to the engine, which writes every file atomically (``engine/atomic.py``), so a
  dead worker leaves nothing half-written.
"""

from __future__ import annotations

import os
import queue as queues
import shutil
import socket
import tempfile
import threading
import traceback
import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import ray
from ray.exceptions import RayError, RayTaskError

from engine.atomic import atomic_write
from engine.errors import ShotlineError
from engine.render.backend import Backend, JobCancelled, RenderContext
from engine.render.registry import default_backends
from engine.server.jobs import Job, JobQueue, Retention, ShotAssembly, preview_jpeg, safe_path

RETRIES = 1  # a unit whose worker died is tried again this many times, on another worker


class WorkerDied(Exception):
    """A unit's worker died twice (or with no other worker to go to)."""


class ShotWorker:
    """A Ray actor that renders units (some shots of a job) with backends it builds once.

    ``render`` is a generator (a Ray streaming generator): it yields ``("progress", shot, step,
    steps, jpeg)``, ``("file", name, bytes)`` for pass files, ``("shot", index, frames)`` and ends
    with ``("end",)`` or ``("cancelled",)``. The backend runs in a thread of its own so that its
    progress streams out as it happens; ``cancel`` (a second concurrent call) stops it at its next step.
    """

    def __init__(self, device: str, model_dirs=None, backends_factory: Callable[..., dict[str, Backend]] | None = None):
        self.device = device
        self.backends = (backends_factory or default_backends)(device, model_dirs)
        self._cancelled: set[str] = set()
        self.stopped_mid_shot = 0  # renders a cancel stopped before they finished

    def info(self) -> dict:
        return {"pid": os.getpid(), "host": socket.gethostname(), "device": self.device, "stopped_mid_shot": self.stopped_mid_shot, "gpus": ray.get_gpu_ids()}

    def cancel(self, token: str) -> None:
        self._cancelled.add(token)

    def render(self, request, shots: list[int] | None, first_shot: int, token: str):
        out: queues.Queue = queues.Queue()
        scratch = Path(tempfile.mkdtemp(prefix="shotline-farm-"))  # pass files, shipped back and deleted

        def on_file(name: str) -> None:
            out.put(("file", name, (scratch / name).read_bytes()))

        def on_progress(shot: int, step: int, steps: int, preview: np.ndarray | None) -> None:
            out.put(("progress", shot, step, steps, preview_jpeg(preview) if preview is not None else None))

        only = frozenset(shots) if shots is not None else None
        ctx = RenderContext(self.device, lambda: token in self._cancelled, on_progress, scratch, on_file, first_shot=first_shot, only=only)

        def work() -> None:
            try:
                for index, frames in self.backends[request.backend].render(request, ctx):
                    ctx.check()
                    if ctx.wants(index):
                        out.put(("shot", index, frames))
                out.put(("end",))
            except JobCancelled:
                self.stopped_mid_shot += 1
                out.put(("cancelled",))
            except BaseException as exc:  # noqa: BLE001 - handed to the engine, which fails the job with it
                traceback.print_exc()
                out.put(("error", exc))

        thread = threading.Thread(target=work, name=f"render-{token[:8]}", daemon=True)
        thread.start()
        try:
            while True:
                item = out.get()
                if item[0] == "error":
                    raise item[1]
                yield item
                if item[0] in ("end", "cancelled"):
                    return
        finally:
            self._cancelled.add(token)  # the engine stopped listening: the render stops too
            thread.join()
            self._cancelled.discard(token)
            shutil.rmtree(scratch, ignore_errors=True)


@dataclass
class Unit:
    job: Job
    shots: list[int] | None  # None: every shot from the job's first unfinished one, in one call (dit)
    pool: str  # "gpu" or "cpu"
    attempts: int = 0
    avoid: str | None = None  # the worker it died on
    reasons: list[str] = field(default_factory=list)

    def describe(self) -> str:
        if self.shots is None:
            return "the job's shots"
        return "shot " + ", ".join(str(i + 1) for i in self.shots)


@dataclass
class RunningJob:
    job: Job
    assembly: ShotAssembly
    request_ref: object
    pending: deque[Unit]
    running: dict[str, tuple["Slot", Unit]] = field(default_factory=dict)  # token -> where it runs
    failure: BaseException | None = None


class Slot:
    """One actor and the engine thread that feeds it."""

    def __init__(self, name: str, pool: str, make: Callable[[], object]):
        self.name, self.pool, self._make = name, pool, make
        self.actor = make()

    def replace(self) -> None:
        """The actor died: start another in its place (Ray places it where there is room)."""
        try:
            ray.kill(self.actor, no_restart=True)
        except Exception:  # noqa: BLE001 - already gone
            pass
        self.actor = self._make()


class Farm:
    """The connection to Ray and the worker actors (``cpu_workers`` CPU actors, one actor per GPU)."""

    def __init__(self, address: str = "auto", device: str = "auto", model_dirs=None, cpu_workers: int | None = None,
                 backends_factory: Callable[..., dict[str, Backend]] | None = None, gpus: int | None = None):
        if not ray.is_initialized():
            # auto: the Ray on this machine, started if none is running; else the cluster at ADDRESS.
            ray.init(address=None if address == "auto" else address, include_dashboard=False, logging_level="WARNING", log_to_driver=True)
        resources = ray.cluster_resources()
        gpus = int(resources.get("GPU", 0)) if gpus is None else gpus
        if device == "cpu":
            gpus = 0
        cpus = int(resources.get("CPU", 1))
        cpu_workers = max(1, cpus - gpus) if cpu_workers is None else cpu_workers
        if cpu_workers < 1:
            raise ShotlineError("must be at least 1", "", "--ray-workers")
        remote = ray.remote(ShotWorker)
        factory = backends_factory

        def cpu_actor():
            return remote.options(num_cpus=1, num_gpus=0, max_concurrency=2).remote("cpu", model_dirs, factory)

        def gpu_actor():
            return remote.options(num_cpus=0, num_gpus=1, max_concurrency=2).remote("cuda", model_dirs, factory)

        self.slots = [Slot(f"cpu-{i + 1}", "cpu", cpu_actor) for i in range(cpu_workers)]
        self.slots += [Slot(f"gpu-{i + 1}", "gpu", gpu_actor) for i in range(gpus)]
        self.gpus = gpus

    def pool_for(self, backend: Backend) -> str:
        """Model backends on the GPU workers (when there are any); the grid and the grey-box on the CPU ones."""
        return "gpu" if not backend.independent_shots and self.gpus else "cpu"

    def workers(self) -> dict[str, dict]:
        """What each worker says about itself (its process, host, GPUs), by slot name."""
        return {slot.name: ray.get(slot.actor.info.remote()) for slot in self.slots}

    def describe(self) -> str:
        cpu = sum(1 for s in self.slots if s.pool == "cpu")
        return f"ray: {cpu} CPU worker{'s' * (cpu != 1)}, {self.gpus} GPU worker{'s' * (self.gpus != 1)}"


class FarmQueue(JobQueue):
    """The job queue with its shots rendered by a :class:`Farm`'s actors (see the module's doc)."""

    def __init__(self, farm: Farm, backends: dict[str, Backend], output: Path, device: str, retention: Retention | None = None, **kw):
        self.farm = farm
        self._running: dict[str, RunningJob] = {}
        self._turn = 0  # round robin over the running jobs
        self._slot_threads: list[threading.Thread] = []
        super().__init__(backends, output, device, retention, **kw)

    # -- admission: the base class's worker thread starts jobs while there are free workers ------

    def _run(self) -> None:
        for slot in self.farm.slots:
            t = threading.Thread(target=self._serve, args=(slot,), name=f"shotline-farm-{slot.name}", daemon=True)
            t.start()
            self._slot_threads.append(t)
        while True:
            with self._lock:
                self._lock.wait_for(lambda: self._stopping or (self._queue and len(self._running) < len(self.farm.slots)))
                if self._stopping:
                    return
                job = self._start_next()
            self._begin(job)

    def _begin(self, job: Job) -> None:
        request = job.request
        assembly = self._start(job)
        try:
            assembly.__enter__()
        except BaseException as exc:  # noqa: BLE001
            self._end(job, exc)
            self._retire(job)
            return
        todo = [i for i in range(len(request.shots)) if i not in assembly.earlier]
        backend = self.backends[request.backend]
        pool = self.farm.pool_for(backend)
        if not todo:
            units = []
        elif backend.independent_shots:
            units = [Unit(job, [i], pool) for i in todo]
        else:
            units = [Unit(job, None, pool)]
        run = RunningJob(job, assembly, ray.put(request), deque(units))
        if not units:  # a resumed job whose shots were all made: only the sequence is left
            self._complete(run)
            return
        with self._lock:
            cancelled = job.cancel_requested  # cancelled between leaving the queue and now: no unit will end it
            if not cancelled:
                self._running[job.id] = run
                self._lock.notify_all()
        if cancelled:
            self._complete(run)

    # -- the workers ----------------------------------------------------------------------------

    def _take(self, slot: Slot) -> tuple[RunningJob, Unit] | None:
        """The next unit for ``slot``: from the next running job in turn that has one for its pool."""
        runs = list(self._running.values())
        others = sum(1 for s in self.farm.slots if s.pool == slot.pool) > 1
        for k in range(len(runs)):
            run = runs[(self._turn + k) % len(runs)]
            if run.failure is not None or run.job.cancel_requested:
                continue
            for unit in run.pending:
                if unit.pool == slot.pool and not (others and unit.avoid == slot.name):
                    run.pending.remove(unit)
                    self._turn = (self._turn + k + 1) % max(1, len(runs))
                    return run, unit
        return None

    def _serve(self, slot: Slot) -> None:
        while True:
            with self._lock:
                taken = None
                while not self._stopping and (taken := self._take(slot)) is None:
                    self._lock.wait()
                if self._stopping:
                    return
                run, unit = taken
                token = uuid.uuid4().hex
                run.running[token] = (slot, unit)
            try:
                self._render_unit(slot, run, unit, token)
            finally:
                with self._lock:
                    run.running.pop(token, None)
                    over = not run.running and (run.failure is not None or run.job.cancel_requested or not run.pending)
                    if over:
                        self._running.pop(run.job.id, None)
                    self._lock.notify_all()
                if over:
                    self._complete(run)

    def _render_unit(self, slot: Slot, run: RunningJob, unit: Unit, token: str) -> None:
        job = run.job
        first = run.assembly.first
        try:
            for ref in slot.actor.render.remote(run.request_ref, unit.shots, first, token):
                item = ray.get(ref)
                kind = item[0]
                if kind == "progress":
                    _, shot, step, steps, jpeg = item
                    self._emit(job, "progress", shot=shot, step=step, steps=steps, worker=slot.name, **({"preview": jpeg} if jpeg else {}))
                elif kind == "file":
                    _, name, data = item
                    with atomic_write(safe_path(run.assembly.folder, name), "wb", encoding=None) as fh:
                        fh.write(data)
                    with self._lock:
                        if name not in job.files:
                            job.files.append(name)
                elif kind == "shot":
                    run.assembly.add(item[1], item[2])
                elif kind == "cancelled" and not job.cancel_requested:
                    raise JobCancelled()  # stopped by the engine (the engine is stopping)
        except RayTaskError as exc:  # the backend raised: the job fails with its error
            cause = getattr(exc, "cause", None)
            self._fail(run, cause if isinstance(cause, BaseException) else exc)
        except JobCancelled:
            pass
        except RayError as exc:  # the worker died under the unit
            reason = f"worker {slot.name} died while rendering {unit.describe()} ({type(exc).__name__})"
            slot.replace()
            with self._lock:
                unit.reasons.append(reason)
                unit.attempts += 1
                if job.cancel_requested or run.failure is not None:
                    return
                if unit.attempts <= RETRIES:
                    unit.avoid = slot.name
                    run.pending.appendleft(unit)
                    self._emit(job, "retry", shots=unit.shots, worker=slot.name, reason=reason)
                    return
            self._fail(run, WorkerDied(f"{unit.describe()} failed {unit.attempts} times: " + "; ".join(unit.reasons)))
        except BaseException as exc:  # noqa: BLE001 - writing a file failed, say: the job fails, the engine goes on
            self._fail(run, exc)

    def _fail(self, run: RunningJob, exc: BaseException) -> None:
        with self._lock:
            if run.failure is None:
                run.failure = exc
            run.pending.clear()
            others = list(run.running.items())
        for token, (slot, _unit) in others:  # the job's other units stop at their next step
            slot.actor.cancel.remote(token)

    def _complete(self, run: RunningJob) -> None:
        job = run.job
        exc = run.failure or (JobCancelled() if job.cancel_requested else None)
        try:
            run.assembly.__exit__(type(exc) if exc else None, exc, None)
        except BaseException as close_exc:  # noqa: BLE001 - a shot never came: the job fails
            exc = exc or close_exc
        self._end(job, exc)
        self._retire(job)
        self.prune()

    # -- what clients call ---------------------------------------------------------------------

    def cancel(self, job_id: str) -> dict:
        summary = super().cancel(job_id)
        with self._lock:
            run = self._running.get(job_id)
            running = list(run.running.items()) if run else []
            idle = run is not None and not running  # between units: nobody else will end it
            if run is not None:
                run.pending.clear()
                if idle:
                    self._running.pop(job_id)
                    self._lock.notify_all()
        for token, (slot, _unit) in running:
            slot.actor.cancel.remote(token)
        if idle:
            self._complete(run)
            summary = run.job.summary()
        return summary

    def stop(self) -> None:
        with self._lock:
            running = [(t, s) for run in self._running.values() for t, (s, _u) in run.running.items()]
        for token, slot in running:
            slot.actor.cancel.remote(token)
        super().stop()
        for t in self._slot_threads:
            t.join(timeout=10)

