"""Validating a render request without stalling the engine.

pydantic validates a request in one call that holds Python's GIL throughout: a 10 MB job (64 shots
of 4x4 poses) holds it for about a second, and a thread does not help, since the event loop needs
the GIL to answer /health. So a big body is parsed and validated in a helper process, which sends
back the request with its poses as float64 arrays (a compact pickle); this process rebuilds the
validated model shot by shot, in steps of a millisecond. Small bodies (most jobs) are validated
here, in a thread: starting the helper costs more than they take.
"""

from __future__ import annotations

import atexit
import json
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import numpy as np
from pydantic import ValidationError

from engine.render.request import RenderRequest, ShotRequest

BIG_BODY_BYTES = 1024 * 1024  # above this a body is validated in the helper process


class InvalidRequest(Exception):
    """The body is not a valid request; ``errors`` are pydantic's (loc, msg, type), loc from the body."""

    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


def _errors(exc: ValidationError) -> list[dict]:
    return [{"loc": tuple(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors(include_url=False, include_context=False, include_input=False)]


def _parse(body: bytes) -> RenderRequest:
    # json first, then the model: the request's "before" checks (the frame count) then refuse a
    # quarter of a million poses at once, where pydantic's JSON mode would validate them all first.
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InvalidRequest([{"loc": (), "msg": f"Invalid JSON: {str(exc)[:200]}", "type": "json_invalid"}]) from None
    try:
        return RenderRequest.model_validate(data)
    except ValidationError as exc:
        raise InvalidRequest(_errors(exc)) from None


def validate_here(body: bytes) -> RenderRequest:
    return _parse(body)


def _validate_in_helper(body: bytes):
    """In the helper process: ("ok", fields, shot fields, poses arrays) or ("invalid", errors)."""
    try:
        request = _parse(body)
    except InvalidRequest as exc:
        return ("invalid", exc.errors)
    shots = [s.model_dump(exclude={"poses"}) for s in request.shots]
    poses = [np.asarray(s.poses, float) if len({len(p) for p in s.poses}) == 1 else [np.asarray(p, float) for p in s.poses] for s in request.shots]
    return ("ok", request.model_dump(exclude={"shots"}), shots, poses)


def _rebuild(fields: dict, shots: list[dict], poses: list) -> RenderRequest:
    # Already validated in the helper: construct without validating again.
    built = [
        ShotRequest.model_construct(**s, poses=(p.tolist() if isinstance(p, np.ndarray) else [q.tolist() for q in p]))
        for s, p in zip(shots, poses)
    ]
    return RenderRequest.model_construct(**fields, shots=built)


_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _helper() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            # spawn: the engine has threads, and a forked child of a threaded process can deadlock.
            _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            atexit.register(_pool.shutdown, wait=False, cancel_futures=True)
        return _pool


def validate_request(body: bytes) -> RenderRequest:
    """The validated request, or :class:`InvalidRequest`. Blocking: call it off the event loop."""
    global _pool
    if len(body) <= BIG_BODY_BYTES:
        return validate_here(body)
    try:
        result = _helper().submit(_validate_in_helper, body).result()
    except BrokenProcessPool:  # the helper died (out of memory?): start another next time, validate here now
        with _pool_lock:
            _pool = None
        return validate_here(body)
    if result[0] == "invalid":
        raise InvalidRequest(result[1])
    return _rebuild(*result[1:])


def shutdown() -> None:
    """Stop the helper process (the engine does it when it stops)."""
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
            _pool = None
