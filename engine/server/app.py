"""The engine's HTTP + WebSocket API (FastAPI; the OpenAPI document is at /openapi.json, /docs).

GET /health, GET /models, POST /jobs, GET /jobs, GET /jobs/{id}, DELETE /jobs/{id} (cancel),
POST /jobs/{id}/resume (an interrupted job, from its first unfinished shot),
GET /jobs/{id}/files/{name} (a finished MP4), WS /jobs/{id}/events?since=N (every event after
sequence number N, then live ones until the job ends; the stream closes once the job is over and
the client has every event).

What it accepts (see the README's "Security"):
- On loopback, only requests whose ``Host`` is 127.0.0.1, localhost or [::1] (any port): a web page
  whose name was rebound to 127.0.0.1 sends its own name and is refused (403). A request that
  carries an ``Origin`` (a browser) must come from the engine's own origin, on HTTP and WebSocket.
- With a token configured every request must carry it, as ``Authorization: Bearer T``, or for a
  WebSocket from a browser (which cannot set headers) as the subprotocol ``shotline.bearer.B64``
  (the token in base64url without padding). Tokens in the URL are refused: URLs end up in logs.
- A request body is at most 16 MiB (413 beyond); a job is validated off the event loop (a big one in
  a helper process, ``engine/server/validation.py``), so /health and streams go on meanwhile.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import re
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI, HTTPException, Request, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, JSONResponse

import engine
from engine.render.backend import Backend
from engine.render.request import RenderRequest
from engine.server import validation
from engine.server.jobs import JobQueue, Retention, safe_path
from engine.server.memory import MemoryKeeper
from engine.server.validation import InvalidRequest, validate_request

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]"})
MAX_BODY_BYTES = 16 * 1024 * 1024  # the largest job (20,000 frames of 4x4 poses) is ~8 MB of JSON
TOKEN_SUBPROTOCOL = "shotline.bearer."
IDLE_RECHECK_S = 5.0  # a quiet stream looks at its job this often, in case a wake-up was missed
JOB_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass
class EngineSettings:
    output: Path
    device: str = "cpu"
    token: str | None = None
    # Host names accepted in the Host header; None accepts any (an engine bound beyond loopback,
    # which needs a token). The default is loopback's.
    allowed_hosts: frozenset[str] | None = field(default=LOOPBACK_HOSTS)
    retention: Retention = field(default_factory=Retention)
    max_body_bytes: int = MAX_BODY_BYTES


def _token_ok(expected: str | None, given: str | None) -> bool:
    return expected is None or (given is not None and hmac.compare_digest(expected.encode(), given.encode()))


def _bearer(headers) -> str | None:
    auth = headers.get("authorization", "")
    return auth[7:].strip() if auth.lower().startswith("bearer ") else None


def _subprotocol_token(headers) -> tuple[str | None, str | None]:
    """(token, the subprotocol to answer with) from ``Sec-WebSocket-Protocol``, if one carries it."""
    for offered in headers.get("sec-websocket-protocol", "").split(","):
        offered = offered.strip()
        if offered.startswith(TOKEN_SUBPROTOCOL):
            b64 = offered[len(TOKEN_SUBPROTOCOL) :]
            try:
                return base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4)).decode(), offered
            except (binascii.Error, UnicodeDecodeError):
                return None, offered
    return None, None


def token_subprotocol(token: str) -> str:
    return TOKEN_SUBPROTOCOL + base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")


def _host_name(host: str) -> str:
    """``127.0.0.1:8765`` -> ``127.0.0.1``, ``[::1]:8765`` -> ``[::1]``, lower case."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def refusal(settings: EngineSettings, headers) -> str | None:
    """Why a request with these headers is refused (DNS rebinding, another site), or None."""
    host = headers.get("host", "")
    if settings.allowed_hosts is not None and _host_name(host) not in settings.allowed_hosts:
        return f"Host {host[:100]!r} is not this engine's (it answers on {', '.join(sorted(settings.allowed_hosts))})"
    origin = headers.get("origin")
    if origin is not None:
        netloc = urlsplit(origin).netloc.lower() if origin != "null" else "null"
        if netloc != host.strip().lower():
            return f"Origin {origin[:100]!r} is not this engine's own ({host[:100]})"
    return None


class GuardMiddleware:
    """Host, Origin, token and body size, checked before any route runs (pure ASGI, so it adds
    nothing to a response's path). WebSockets are checked in their route, which closes them with
    a reason a client can show."""

    def __init__(self, app, settings: EngineSettings):
        self.app, self.settings = app, settings

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        why, status = refusal(self.settings, headers), 403
        if why is None and not _token_ok(self.settings.token, _bearer(headers)):
            why, status = "missing or wrong token: send Authorization: Bearer <token>", 401
        if why is None and int(headers.get("content-length") or 0) > self.settings.max_body_bytes:
            why, status = f"the request body is larger than {self.settings.max_body_bytes} bytes", 413
        if why is None:
            return await self.app(scope, receive, send)
        await JSONResponse({"detail": why}, status_code=status)(scope, receive, send)


def create_app(settings: EngineSettings, backends: dict[str, Backend], queue_factory=None) -> FastAPI:
    """``queue_factory`` makes the job queue (``JobQueue``'s signature); the farm passes its own."""
    queue = (queue_factory or JobQueue)(backends, settings.output, settings.device, settings.retention)
    wakers: dict[str, set[asyncio.Event]] = {}  # the streams waiting on each job
    loop_box: list[asyncio.AbstractEventLoop] = []

    def _wake_all(job_id: str) -> None:
        for event in wakers.get(job_id, ()):
            event.set()

    def _on_event(job_id: str) -> None:  # from the worker thread
        if loop_box and job_id in wakers:
            loop_box[0].call_soon_threadsafe(_wake_all, job_id)

    queue.listeners.append(_on_event)
    memory = MemoryKeeper()
    queue.on_retired.append(memory.something_ended)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        loop_box.append(asyncio.get_running_loop())
        yield
        queue.stop()  # running jobs stop at their next step; queued ones are cancelled
        queue.journal.close()
        validation.shutdown()
        memory.stop()

    # redirect_slashes off: an unknown path is a 404, never a redirect that echoes it back.
    app = FastAPI(title="Shotline engine", version=engine.__version__, description=__doc__, lifespan=lifespan, redirect_slashes=False)
    app.state.queue = queue
    app.state.open_streams = lambda: sum(len(w) for w in wakers.values())  # event streams being served
    app.add_middleware(GuardMiddleware, settings=settings)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError):
        # The field path of each problem, e.g. body.shots.0.poses.3: never the raw input back (it can be megabytes).
        problems = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        return JSONResponse({"detail": problems}, status_code=422)

    def _known(job_id: str) -> str:
        if not JOB_ID.match(job_id) or not queue.known(job_id):
            raise HTTPException(404, f"no job {job_id[:40]!r}{'…' if len(job_id) > 40 else ''}")
        return job_id

    @app.get("/health")
    def health() -> dict:
        return {
            "status": "ok",
            "version": engine.__version__,
            "device": settings.device,
            "backends": sorted(backends),
            "models": {name: b.models() for name, b in backends.items()},
            "not_ready": {name: reason for name, b in backends.items() if (reason := b.not_ready())},
            "queued": queue.queued,
        }

    @app.get("/models")
    def models() -> dict:
        return {
            name: {"description": b.description, "models": b.models(), "not_ready": b.not_ready(), "refused": list(b.problems)}
            for name, b in backends.items()
        }

    def _parse(body: bytes) -> RenderRequest:
        try:
            return validate_request(body)
        except InvalidRequest as exc:
            raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors]) from None

    @app.post("/jobs", status_code=202, openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RenderRequest"}}}}})
    async def submit(http: Request) -> dict:
        body = bytearray()
        async for chunk in http.stream():  # a body without Content-Length is capped as it arrives
            body += chunk
            if len(body) > settings.max_body_bytes:
                raise HTTPException(413, f"the request body is larger than {settings.max_body_bytes} bytes")
        # Validation of a big job takes a while: off the event loop, so /health and streams go on.
        request = await run_in_threadpool(_parse, bytes(body))
        if request.backend not in backends:
            raise HTTPException(422, [{"loc": ["body", "backend"], "msg": f"unknown backend {request.backend!r}; this engine has {', '.join(sorted(backends))}", "type": "value_error"}])
        reason = backends[request.backend].not_ready()
        if reason:
            raise HTTPException(422, [{"loc": ["body", "backend"], "msg": reason, "type": "value_error"}])
        refused = backends[request.backend].refusal(request)
        if refused:
            raise HTTPException(422, refused)
        offered = backends[request.backend].models()
        if request.model is not None and request.model not in offered:
            raise HTTPException(422, [{"loc": ["body", "model"], "msg": f"unknown model {request.model!r} for {request.backend}; choose from {', '.join(offered)}", "type": "value_error"}])
        job = await run_in_threadpool(queue.submit, request, bytes(body))
        return {"id": job.id, "state": job.state, "position": job.events[-1].get("position", 0)}

    @app.get("/jobs")
    def jobs() -> list[dict]:
        return queue.summaries()

    @app.get("/jobs/{job_id}")
    def job(job_id: str) -> dict:
        return queue.summary(_known(job_id))

    @app.delete("/jobs/{job_id}")
    def cancel(job_id: str) -> dict:
        return queue.cancel(_known(job_id))

    @app.post("/jobs/{job_id}/resume", status_code=202)
    def resume(job_id: str) -> dict:
        try:
            return queue.resume(_known(job_id)).summary()
        except ValueError as exc:
            raise HTTPException(409, str(exc)) from None

    @app.get("/jobs/{job_id}/files/{name}")
    def file(job_id: str, name: str):
        if name not in queue.files(_known(job_id)):
            raise HTTPException(404, f"job {job_id} has no file {name[:100]!r}")
        path = safe_path(queue.job_dir(job_id), name)
        if not path.is_file():  # deleted, or pruned, since the job wrote it
            raise HTTPException(404, f"{name} of job {job_id} is no longer on the engine's disk")
        return FileResponse(path, media_type="video/mp4", filename=name)

    @app.websocket("/jobs/{job_id}/events")
    async def events(ws: WebSocket, job_id: str, since: int = 0):
        given, subprotocol = _subprotocol_token(ws.headers)
        await ws.accept(subprotocol=subprotocol)  # then close with a reason: a refusal before accepting reaches clients as a bare 403
        why = refusal(settings, ws.headers)
        if why is not None:
            await ws.close(code=4403, reason=why[:120])
            return
        if not _token_ok(settings.token, _bearer(ws.headers) or given):
            await ws.close(code=4401, reason="missing or wrong token")
            return
        if not JOB_ID.match(job_id) or not queue.known(job_id):
            await ws.close(code=4404, reason=f"no job {job_id[:40]!r}")
            return
        seq = max(0, since)
        wake = asyncio.Event()
        wakers.setdefault(job_id, set()).add(wake)
        incoming = asyncio.ensure_future(ws.receive())  # tells us when the client goes
        try:
            while True:
                wake.clear()  # before reading, so an event emitted meanwhile wakes the next wait
                batch, over = await run_in_threadpool(queue.events_after, job_id, seq) if _is_evicted(queue, job_id) else queue.events_after(job_id, seq)
                for event in batch:
                    await ws.send_json(event)
                    seq = event["seq"]
                if over:
                    await ws.close()  # the job is over and the client has every event
                    return
                waiting = asyncio.ensure_future(wake.wait())
                done, _ = await asyncio.wait({incoming, waiting}, timeout=IDLE_RECHECK_S, return_when=asyncio.FIRST_COMPLETED)
                waiting.cancel()
                if incoming in done:
                    if incoming.result()["type"] == "websocket.disconnect":
                        return  # the job goes on; the client comes back with ?since=
                    incoming = asyncio.ensure_future(ws.receive())  # a message from the client: ignored
        except (WebSocketDisconnect, RuntimeError):
            pass  # the client left mid-send
        finally:
            incoming.cancel()
            waiters = wakers.get(job_id)
            if waiters is not None:
                waiters.discard(wake)
                if not waiters:
                    del wakers[job_id]
                    memory.something_ended()

    def openapi() -> dict:
        # The job's schema is served although the route reads its body itself (to validate it off the loop).
        if app.openapi_schema is None:
            doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            schema = RenderRequest.model_json_schema(ref_template="#/components/schemas/{model}")
            components = doc.setdefault("components", {}).setdefault("schemas", {})
            components.update(schema.pop("$defs", {}))
            components["RenderRequest"] = schema
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = openapi
    return app


def _is_evicted(queue: JobQueue, job_id: str) -> bool:
    return job_id not in queue.jobs  # its events come from the journal (disk): read them off the loop
