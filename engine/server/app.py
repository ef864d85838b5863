"""The engine's HTTP + WebSocket API (FastAPI; the OpenAPI document is at /openapi.json, /docs).

GET /health, GET /models, POST /jobs, GET /jobs, GET /jobs/{id}, DELETE /jobs/{id} (cancel),
GET /jobs/{id}/files/{name} (a finished MP4), WS /jobs/{id}/events?since=N (every event after
sequence number N, then live ones until the job ends).

With a token configured every request must carry it, as ``Authorization: Bearer T`` or ``?token=T``.
"""

from __future__ import annotations

import asyncio
import hmac
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request, WebSocket, WebSocketDisconnect
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse

import engine
from engine.render.backend import Backend
from engine.server.jobs import FINISHED, JobQueue, safe_path
from engine.render.request import RenderRequest


EVENT_POLL_S = 0.03  # how often a connected client's new events are looked for


@dataclass
class EngineSettings:
    output: Path
    device: str = "cpu"
    token: str | None = None


def _token_ok(expected: str | None, given: str | None) -> bool:
    return expected is None or (given is not None and hmac.compare_digest(expected.encode(), given.encode()))


def _given_token(headers, query) -> str | None:
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return query.get("token")


def create_app(settings: EngineSettings, backends: dict[str, Backend]) -> FastAPI:
    queue = JobQueue(backends, settings.output, settings.device)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        queue.stop()  # running jobs stop at their next step; queued ones are cancelled

    app = FastAPI(title="Shotline engine", version=engine.__version__, description=__doc__, lifespan=lifespan)
    app.state.queue = queue

    @app.middleware("http")
    async def _require_token(request: Request, call_next):
        if not _token_ok(settings.token, _given_token(request.headers, request.query_params)):
            return JSONResponse({"detail": "missing or wrong token: send Authorization: Bearer <token>"}, status_code=401)
        return await call_next(request)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError):
        # The field path of each problem, e.g. body.shots.0.poses.3: never the raw input back (it can be megabytes).
        problems = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        return JSONResponse({"detail": problems}, status_code=422)

    def _job(job_id: str):
        job = queue.jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"no job {job_id!r}")
        return job

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
        return {name: {"description": b.description, "models": b.models(), "not_ready": b.not_ready()} for name, b in backends.items()}

    @app.post("/jobs", status_code=202)
    def submit(request: RenderRequest) -> dict:
        if request.backend not in backends:
            raise HTTPException(422, [{"loc": ["body", "backend"], "msg": f"unknown backend {request.backend!r}; this engine has {', '.join(sorted(backends))}", "type": "value_error"}])
        reason = backends[request.backend].not_ready()
        if reason:
            raise HTTPException(422, [{"loc": ["body", "backend"], "msg": reason, "type": "value_error"}])
        offered = backends[request.backend].models()
        if request.model is not None and request.model not in offered:
            raise HTTPException(422, [{"loc": ["body", "model"], "msg": f"unknown model {request.model!r} for {request.backend}; choose from {', '.join(offered)}", "type": "value_error"}])
        job = queue.submit(request)
        return {"id": job.id, "state": job.state, "position": job.events[-1].get("position", 0)}

    @app.get("/jobs")
    def jobs() -> list[dict]:
        return [j.summary() for j in queue.jobs.values()]

    @app.get("/jobs/{job_id}")
    def job(job_id: str) -> dict:
        return _job(job_id).summary()

    @app.delete("/jobs/{job_id}")
    def cancel(job_id: str) -> dict:
        _job(job_id)
        return queue.cancel(job_id).summary()

    @app.get("/jobs/{job_id}/files/{name}")
    def file(job_id: str, name: str):
        job = _job(job_id)
        if name not in job.files:
            raise HTTPException(404, f"job {job_id} has no file {name!r}")
        return FileResponse(safe_path(queue.job_dir(job), name), media_type="video/mp4", filename=name)

    @app.websocket("/jobs/{job_id}/events")
    async def events(ws: WebSocket, job_id: str, since: int = 0):
        await ws.accept()  # then close with a reason: a refusal before accepting reaches clients as a bare 403
        if not _token_ok(settings.token, _given_token(ws.headers, ws.query_params)):
            await ws.close(code=4401, reason="missing or wrong token")
            return
        if job_id not in queue.jobs:
            await ws.close(code=4404, reason=f"no job {job_id!r}")
            return
        seq = max(0, since)
        try:
            while True:
                batch = queue.events_after(job_id, seq)  # quick, under the queue's lock
                if not batch:
                    await asyncio.sleep(EVENT_POLL_S)
                    continue
                for event in batch:
                    await ws.send_json(event)
                    seq = event["seq"]
                if batch and batch[-1]["type"] in FINISHED:
                    break
            await ws.close()
        except WebSocketDisconnect:
            pass  # the job goes on; the client comes back with ?since=

    return app
