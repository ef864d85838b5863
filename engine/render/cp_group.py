"""The processes of ``shotline-engine --context-parallel N``: rank 0 (the engine) and N-1 followers.

One shot's tokens are split over N processes (``context_parallel.enable``), so every forward pass
of the dit backend needs all N of them. Rank 0 is the engine: HTTP, the job queue, files, events.
It starts the followers itself (``python -m engine.render.cp_group``, one a GPU) and forms one
``torch.distributed`` group with them (NCCL on GPUs, gloo on CPU), plus a gloo group for orders.

A dit render on rank 0 goes like this (:meth:`ContextParallelGroup.sample`):
1. the order — model name, captions, every shot's cameras and control arrays, the sampler's options
   (seed included) — is sent to the followers as JSON plus raw array bytes (never a pickle);
2. every rank loads the model (once) and says whether it could; one refusal ends the job for all;
3. every rank samples the same inputs; at each step rank 0 sends "go on" or "cancel", so a cancel
   stops all ranks at the same step and they are ready for the next job;
4. the ranks compare digests of the latents they denoised: a disagreement fails the job.
Only rank 0 reports progress and writes anything. Followers exit on a "stop" order (engine
shutdown), when rank 0's process goes away, or when their own work fails: a follower's failure is
printed as one ``FAILED:`` line, rank 0 reads it, the job fails with it, and the next job starts a
fresh group (rank 0 owns the followers, so it can: this is why the engine spawns them rather than
being started by ``torchrun``, which ends every rank when one dies).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

import numpy as np

from engine.errors import ShotlineError
from engine.render.backend import JobCancelled
from engine.render.context_parallel import FLAG

LOAD, JOB, STOP = 1, 2, 3  # orders
GO_ON, CANCEL = 0, 1  # per step
REASON_BYTES = 1024  # a refusal's text, fixed-size so it can be gathered
IDLE = datetime.timedelta(days=7)  # how long a follower waits for the next order


# -- orders as JSON + array bytes ---------------------------------------------------------------


def pack(obj) -> bytes:
    """``obj`` (JSON values, dataclasses and numpy arrays, nested) as bytes: a JSON header with
    the arrays' dtype and shape, then their bytes."""
    arrays: list[np.ndarray] = []

    def walk(x):
        if isinstance(x, np.ndarray):
            arrays.append(np.ascontiguousarray(x))
            return {"__array__": len(arrays) - 1, "dtype": x.dtype.str, "shape": list(x.shape)}
        if dataclasses.is_dataclass(x):
            return {f.name: walk(getattr(x, f.name)) for f in dataclasses.fields(x)}
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [walk(v) for v in x]
        if isinstance(x, (np.integer, np.floating, np.bool_)):
            return x.item()
        return x

    head = json.dumps(walk(obj)).encode("utf-8")
    return b"".join([len(head).to_bytes(8, "little"), head] + [a.tobytes() for a in arrays])


def unpack(data: bytes):
    n = int.from_bytes(data[:8], "little")
    head = json.loads(data[8 : 8 + n].decode("utf-8"))
    offset = 8 + n

    def walk(x):
        nonlocal offset
        if isinstance(x, dict) and "__array__" in x:
            dtype, shape = np.dtype(x["dtype"]), tuple(x["shape"])
            size = dtype.itemsize * int(np.prod(shape))
            arr = np.frombuffer(data, dtype, count=int(np.prod(shape)), offset=offset).reshape(shape).copy()
            offset += size
            return arr
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items()}
        if isinstance(x, list):
            return [walk(v) for v in x]
        return x

    return walk(head)


def digest(latents) -> str:
    """A fingerprint of a sample's denoised latents. Every rank steps its own copy of the latents
    with the gathered predictions, so they agree bit for bit unless the ranks started from other
    inputs (the VAE's frames are not compared: its kernels need not be bit-reproducible)."""
    h = hashlib.sha256()
    for t in latents:
        h.update(t.detach().float().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


# -- the wire (gloo group for orders) ------------------------------------------------------------


class _Wire:
    """What rank 0 and the followers say to each other, on a gloo group of its own."""

    def __init__(self, group):
        import torch

        self.torch, self.group = torch, group

    def send(self, kind: int, payload: bytes = b"") -> None:  # rank 0
        torch, dist = self.torch, self.torch.distributed
        dist.broadcast(torch.tensor([kind, len(payload)], dtype=torch.int64), 0, group=self.group)
        if payload:
            dist.broadcast(torch.frombuffer(bytearray(payload), dtype=torch.uint8), 0, group=self.group)

    def receive(self) -> tuple[int, bytes]:  # followers
        torch, dist = self.torch, self.torch.distributed
        head = torch.zeros(2, dtype=torch.int64)
        dist.broadcast(head, 0, group=self.group)
        kind, n = int(head[0]), int(head[1])
        if not n:
            return kind, b""
        body = torch.zeros(n, dtype=torch.uint8)
        dist.broadcast(body, 0, group=self.group)
        return kind, body.numpy().tobytes()

    def step(self, code: int = GO_ON) -> int:
        """Rank 0's word for this step (rank 0 gives it, the followers get it)."""
        t = self.torch.tensor([code], dtype=self.torch.int64)
        self.torch.distributed.broadcast(t, 0, group=self.group)
        return int(t[0])

    def gather_text(self, text: str) -> list[str]:
        """Every rank's ``text`` (cut to REASON_BYTES), in rank order."""
        torch, dist = self.torch, self.torch.distributed
        raw = text.encode("utf-8")[:REASON_BYTES]
        mine = torch.zeros(REASON_BYTES + 8, dtype=torch.uint8)
        mine[:8] = torch.frombuffer(bytearray(len(raw).to_bytes(8, "little")), dtype=torch.uint8)
        if raw:
            mine[8 : 8 + len(raw)] = torch.frombuffer(bytearray(raw), dtype=torch.uint8)
        every = [torch.zeros_like(mine) for _ in range(dist.get_world_size(self.group))]
        dist.all_gather(every, mine, group=self.group)
        out = []
        for t in every:
            b = t.numpy().tobytes()
            out.append(b[8 : 8 + int.from_bytes(b[:8], "little")].decode("utf-8", "replace"))
        return out


def _init(rank: int, world: int, port: int, device: str, timeout_s: float):
    import torch
    import torch.distributed as dist

    if device == "cuda":
        torch.cuda.set_device(rank)
    dist.init_process_group("nccl" if device == "cuda" else "gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world,
                            timeout=datetime.timedelta(seconds=timeout_s))  # fmt: skip
    return _Wire(dist.new_group(backend="gloo", timeout=IDLE))


def _order(model: str, prompt: str, shots, opts) -> dict:
    return {"model": model, "prompt": prompt, "shots": list(shots), "opts": opts}


class InStep(ShotlineError):
    """A job every rank gave up at the same point (a model one could not load, frames that differ):
    the job fails and the group stays usable."""


def _load(name: str, pipeline: Callable, wire: _Wire):
    """Every rank loads model ``name`` (its first load forms sub-groups, a collective) and says
    whether it could; one refusal ends the job for all."""
    try:
        pipe, why = pipeline(name), ""
    except Exception as exc:  # noqa: BLE001 - told to every rank, then the job ends
        pipe, why = None, f"{type(exc).__name__}: {exc}".replace("\n", " ")
    reasons = wire.gather_text(why)
    refused = [(r, t) for r, t in enumerate(reasons) if t]
    if refused:
        raise InStep("; ".join(f"rank {r} could not load {name!r}: {t}" for r, t in refused), "", FLAG)
    return pipe


def _run_order(order: dict, pipeline: Callable, wire: _Wire, progress=None, is_cancelled=lambda: False, group=None) -> list[np.ndarray]:
    """Load, sample in step, compare: what every rank does with one order."""
    from engine.render.dit import SampleOptions, ShotSpec

    pipe = _load(order["model"], pipeline, wire)
    shots = [ShotSpec(**s) for s in order["shots"]]
    opts = order["opts"]
    opts = SampleOptions(**{**opts, "temporal_budget": tuple(opts["temporal_budget"])})

    def check() -> None:
        if wire.step(CANCEL if is_cancelled() else GO_ON) == CANCEL:
            raise JobCancelled()

    frames = pipe.sample(order["prompt"], shots, opts, progress=progress, check=check)
    digests = wire.gather_text(digest(pipe.last_latents))
    if group is not None:
        group.last_digests = digests
    if len(set(digests)) != 1:
        raise InStep(f"the {len(digests)} processes denoised to different latents from the same order (digests {', '.join(d[:8] for d in digests)})", "", FLAG)
    return frames


# -- rank 0 --------------------------------------------------------------------------------------


class ContextParallelGroup:
    """Rank 0's side: starts the followers, sends them each dit render, stops them."""

    def __init__(self, degree: int, device: str, model_dirs=(), timeout_s: float = 600.0):
        self.degree, self.device, self.model_dirs, self.timeout_s = degree, device, [str(p) for p in model_dirs], timeout_s
        self.generation = 0  # goes up with each fresh group: models enabled on an old one are loaded again
        self.last_digests: list[str] = []
        self._procs: list[subprocess.Popen] = []
        self._failures: dict[int, str] = {}
        self._wire: _Wire | None = None
        self._lock = threading.Lock()
        self._busy = False
        self._models: set[tuple[int, str]] = set()  # (generation, model) loaded on every rank

    # -- life ----------------------------------------------------------------------------------

    def start(self) -> None:
        """Spawn the followers and form the group (blocks until all have joined)."""
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self._failures = {}
        env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
        for rank in range(1, self.degree):
            cmd = [sys.executable, "-m", "engine.render.cp_group", "--rank", str(rank), "--world", str(self.degree), "--port", str(port),
                   "--device", self.device, "--timeout", str(self.timeout_s), "--parent", str(os.getpid())]  # fmt: skip
            for d in self.model_dirs:
                cmd += ["--model-dir", d]
            # A session of its own: a Ctrl-C in the engine's terminal reaches the engine, which stops them.
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True, errors="replace", start_new_session=True)
            # Each group's followers report into that group's dict: a killed old follower's last
            # word cannot mark the fresh group as failed.
            threading.Thread(target=self._read_stderr, args=(rank, proc, self._failures), daemon=True).start()
            self._procs.append(proc)
        try:
            self._wire = _init(0, self.degree, port, self.device, self.timeout_s)
        except Exception as exc:
            why = self._why()  # a follower that died on its own says why; else rank 0's own error
            self._kill()
            raise ShotlineError(f"could not form a group of {self.degree} processes: {why or exc}", "", FLAG) from None
        self.generation += 1
        threading.Thread(target=self._watch_followers, daemon=True).start()

    def close(self, timeout_s: float = 10.0) -> None:
        """Stop the followers: a "stop" order when the group is idle, else (a job hung) they are killed."""
        if self._lock.acquire(timeout=timeout_s):
            try:
                if self._wire is not None and not self._failures:
                    try:
                        self._wire.send(STOP)
                    except Exception:  # noqa: BLE001 - a follower already gone: killed below
                        pass
                deadline = time.monotonic() + timeout_s
                for p in self._procs:
                    try:
                        p.wait(max(0.1, deadline - time.monotonic()))
                    except subprocess.TimeoutExpired:
                        pass
                self._kill()
                self._destroy()
            finally:
                self._lock.release()
        else:
            self._kill()

    @property
    def alive(self) -> list[int]:
        return [p.pid for p in self._procs if p.poll() is None]

    # -- a render ------------------------------------------------------------------------------

    def ensure_loaded(self, pipeline: Callable, model: str) -> None:
        """Load model ``model`` on every rank (rank 0 needs it to prepare a render's inputs)."""
        with self._lock:
            if (self.generation, model) not in self._models:
                self._guarded(lambda: (self._wire.send(LOAD, model.encode("utf-8")), _load(model, pipeline, self._wire)))
                self._models.add((self.generation, model))

    def sample(self, pipeline: Callable, model: str, prompt: str, shots, opts, progress=None, is_cancelled=lambda: False) -> list[np.ndarray]:
        """Run one dit render on every rank; ``pipeline(name)`` loads (and enables) a model here."""
        order = pack(_order(model, prompt, shots, opts))

        def run():
            self._wire.send(JOB, order)
            # Rank 0 samples what the followers got, byte for byte.
            return _run_order(unpack(order), pipeline, self._wire, progress, is_cancelled, self)

        with self._lock:
            frames = self._guarded(run)
            self._models.add((self.generation, model))
            return frames

    def _guarded(self, work: Callable):
        """``work`` with the followers; a failure that leaves the ranks out of step ends the group
        (the next order starts a fresh one) and says which follower failed and why."""
        if self._wire is None or self._failures or len(self.alive) != self.degree - 1:
            self._break()
            self.start()
        self._busy = True
        try:
            return work()
        except (JobCancelled, InStep):
            raise  # every rank stopped at the same point: the group is ready for the next order
        except BaseException as exc:
            why = self._wait_for_failure()
            self._break()
            if why:
                raise ShotlineError(f"a context-parallel follower failed ({why}); the next job starts the followers again", "", FLAG) from None
            raise exc
        finally:
            self._busy = False

    # -- failures ------------------------------------------------------------------------------

    @staticmethod
    def _read_stderr(rank: int, proc: subprocess.Popen, failures: dict[int, str]) -> None:
        """Pass a follower's messages on to the engine's log and keep its reason if it fails."""
        for line in proc.stderr:
            line = line.rstrip("\n")
            if line.startswith("FAILED: "):
                failures[rank] = line[len("FAILED: ") :]
            print(f"[context-parallel rank {rank}] {line}", file=sys.stderr, flush=True)
        code = proc.wait()
        if code and rank not in failures:
            failures[rank] = f"killed by signal {signal.Signals(-code).name}" if code < 0 else f"exited with code {code}"

    def _watch_followers(self) -> None:
        """While a job runs, a follower that is gone aborts the group, so that rank 0 is not left
        waiting in a collective (NCCL waits for a dead peer until its timeout; gloo sees the
        closed socket itself)."""
        procs = list(self._procs)
        while self._procs == procs:
            if self._busy and any(p.poll() is not None for p in procs):
                try:
                    import torch.distributed.distributed_c10d as c10d

                    if self.device == "cuda":
                        c10d._abort_process_group()
                except Exception:  # noqa: BLE001 - best effort; the job fails either way
                    pass
                return
            time.sleep(0.2)

    def _wait_for_failure(self, timeout_s: float = 5.0) -> str:
        """A follower's reason, waiting a moment for its last line (it dies just after saying it);
        "" when they all still run a second on (the failure was rank 0's own)."""
        start = time.monotonic()
        while time.monotonic() - start < timeout_s:
            if self._failures:
                return self._why()
            if time.monotonic() - start > 1.0 and all(p.poll() is None for p in self._procs):
                return ""
            time.sleep(0.05)
        return self._why()

    def _why(self) -> str:
        return "; ".join(f"rank {r}: {t}" for r, t in sorted(self._failures.items()))

    def _break(self) -> None:
        """After a failure mid-render the ranks are out of step: end this group (the next job starts a new one)."""
        self._kill()
        self._destroy()

    def _kill(self) -> None:
        for p in self._procs:
            if p.poll() is None:
                p.kill()
        for p in self._procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                pass
        self._procs = []

    def _destroy(self) -> None:
        import torch.distributed as dist

        self._wire = None
        if dist.is_initialized():
            try:
                dist.destroy_process_group()
            except Exception:  # noqa: BLE001 - an aborted group may refuse; it is gone either way
                pass


# -- a follower ----------------------------------------------------------------------------------


def follow(rank: int, world: int, port: int, device: str, model_dirs: list[str], timeout_s: float, parent: int | None) -> int:
    """A follower's life: join the group, then run every order rank 0 sends until "stop"."""
    from engine.render.dit_backend import DitBackend

    if parent is not None:
        threading.Thread(target=_leave_with, args=(parent,), daemon=True).start()
    wire = _init(rank, world, port, device, timeout_s)
    backend = DitBackend(device, [Path(d) for d in model_dirs], context_parallel=world)
    while True:
        try:
            kind, body = wire.receive()
        except Exception as exc:  # noqa: BLE001 - rank 0 is gone
            print(f"FAILED: lost rank 0 ({exc})", file=sys.stderr, flush=True)
            return 1
        if kind == STOP:
            break
        try:
            if kind == LOAD:
                _load(body.decode("utf-8"), backend.pipeline, wire)
            else:
                _run_order(unpack(body), backend.pipeline, wire)
        except (JobCancelled, InStep):
            continue  # every rank stopped together (a cancel, a refusal all ranks heard)
        except BaseException as exc:  # noqa: BLE001 - say why, then leave: the ranks are out of step
            print(f"FAILED: {type(exc).__name__}: {exc}".replace("\n", " "), file=sys.stderr, flush=True)
            os._exit(1)
    import torch.distributed as dist

    dist.destroy_process_group()
    return 0


def _leave_with(parent: int) -> None:
    """A follower whose engine is gone (killed, crashed) leaves too: nothing is left running."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(3)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m engine.render.cp_group", description="A follower of shotline-engine --context-parallel (started by the engine).")
    p.add_argument("--rank", type=int, required=True)
    p.add_argument("--world", type=int, required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--device", choices=["cuda", "cpu"], required=True)
    p.add_argument("--model-dir", action="append", default=[])
    p.add_argument("--timeout", type=float, default=600.0)
    p.add_argument("--parent", type=int, default=None)
    a = p.parse_args(argv)
    return follow(a.rank, a.world, a.port, a.device, a.model_dir, a.timeout, a.parent)


if __name__ == "__main__":
    sys.exit(main())
