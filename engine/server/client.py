"""A client of the engine (no Qt): submit, follow events, cancel, fetch results; or start a local
engine as a child process.

Events come over a WebSocket; when the connection drops the client reconnects with ``?since=`` the
last sequence number it saw, so it misses nothing. If the engine cannot be reached for
``give_up_s`` it raises :class:`EngineUnavailable` (the engine died, or the network went).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Iterator

from engine.server.jobs import FINISHED

DEFAULT_URL = "http://127.0.0.1:8765"


class EngineError(Exception):
    """The engine refused a request (4xx) or failed (5xx); ``status`` and ``detail`` say why."""

    def __init__(self, status: int, detail):
        self.status, self.detail = status, detail
        super().__init__(f"engine said {status}: {format_detail(detail)}")


class EngineUnavailable(Exception):
    """The engine cannot be reached."""


def format_detail(detail) -> str:
    """A 422's list of problems as "field.path: message; …"."""
    if isinstance(detail, list):
        return "; ".join(f"{'.'.join(str(p) for p in d.get('loc', []) if p != 'body')}: {d.get('msg', '')}" for d in detail if isinstance(d, dict))
    return str(detail)


class EngineClient:
    def __init__(self, url: str = DEFAULT_URL, token: str | None = None, timeout: float = 30.0):
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    # -- HTTP ----------------------------------------------------------------------------------

    def _call(self, method: str, path: str, body: dict | str | None = None, raw: bool = False):
        data = None
        headers = {"Accept": "application/json"}
        if body is not None:
            data = (body if isinstance(body, str) else json.dumps(body)).encode()
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                payload = resp.read()
        except urllib.error.HTTPError as exc:
            try:
                detail = json.loads(exc.read()).get("detail")
            except (ValueError, AttributeError):
                detail = exc.reason
            raise EngineError(exc.code, detail) from None
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            raise EngineUnavailable(f"cannot reach the engine at {self.url} ({getattr(exc, 'reason', exc)})") from None
        return payload if raw else json.loads(payload)

    def health(self) -> dict:
        return self._call("GET", "/health")

    def submit(self, request) -> str:
        """Queue a render (a :class:`RenderRequest` or its JSON/dict); returns the job id."""
        body = request.model_dump_json() if hasattr(request, "model_dump_json") else request
        return self._call("POST", "/jobs", body)["id"]

    def job(self, job_id: str) -> dict:
        return self._call("GET", f"/jobs/{job_id}")

    def jobs(self) -> list[dict]:
        return self._call("GET", "/jobs")

    def cancel(self, job_id: str) -> dict:
        return self._call("DELETE", f"/jobs/{job_id}")

    def resume(self, job_id: str) -> dict:
        """Queue an interrupted job again; it renders on from its first unfinished shot."""
        return self._call("POST", f"/jobs/{job_id}/resume")

    def download(self, job_id: str, name: str, to: Path) -> Path:
        from engine.atomic import atomic_path

        data = self._call("GET", f"/jobs/{job_id}/files/{urllib.parse.quote(name)}", raw=True)
        with atomic_path(to) as tmp:
            Path(tmp).write_bytes(data)
        return Path(to)

    # -- events --------------------------------------------------------------------------------

    def events(self, job_id: str, since: int = 0, give_up_s: float = 10.0) -> Iterator[dict]:
        """Every event of the job after ``since``, live, until it is done, failed, cancelled or
        interrupted (the engine restarted under it). The token goes in the Authorization header,
        never in the URL."""
        from websockets.exceptions import ConnectionClosed, InvalidStatus, InvalidURI
        from websockets.sync.client import connect

        ws_url = "ws" + self.url[4:] + f"/jobs/{job_id}/events"
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else None
        last_contact = time.monotonic()
        while True:
            try:
                with connect(f"{ws_url}?since={since}", additional_headers=headers, open_timeout=5, close_timeout=1) as ws:
                    for message in ws:
                        event = json.loads(message)
                        since = event["seq"]
                        last_contact = time.monotonic()
                        yield event
                        if event["type"] in FINISHED:
                            return
                    # The server closes after a finished event; a close without one is a drop,
                    # unless the job is over (the client had seen its last event already).
                over = self._finished_summary(job_id)
                if over is not None:
                    yield {"seq": since, "type": over["state"], "job": job_id, "files": over["files"], "message": over.get("error") or ""}
                    return
            except ConnectionClosed as exc:
                if exc.rcvd is not None and exc.rcvd.code in (4401, 4403, 4404):
                    raise EngineError(int(exc.rcvd.code) - 4000, exc.rcvd.reason) from None
            except InvalidStatus as exc:
                raise EngineError(exc.response.status_code, "refused the event stream") from None
            except (OSError, TimeoutError, InvalidURI):
                pass
            if time.monotonic() - last_contact > give_up_s:
                raise EngineUnavailable(f"lost the engine at {self.url} while following job {job_id}")
            time.sleep(0.2)


    def _finished_summary(self, job_id: str) -> dict | None:
        try:
            summary = self.job(job_id)
        except (EngineError, EngineUnavailable):
            return None
        return summary if summary["state"] in FINISHED else None


class LocalEngine:
    """An engine started as a child process on a free loopback port; stopped by :meth:`stop`."""

    def __init__(self, output: Path | None = None, device: str = "auto", token: str | None = None, start_timeout: float = 60.0, port: int = 0):
        cmd = [sys.executable, "-m", "engine.server.main", "--port", str(port), "--device", device]
        if output is not None:
            cmd += ["--output", str(output)]
        env = dict(os.environ)
        if token:
            env["SHOTLINE_ENGINE_TOKEN"] = token
        self.process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.url = self._wait_ready(start_timeout)
        self.client = EngineClient(self.url, token)

    def _wait_ready(self, timeout: float) -> str:
        from engine.server.main import READY

        deadline = time.monotonic() + timeout
        lines = []
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                if self.process.poll() is not None:
                    break
                continue
            lines.append(line.rstrip())
            if line.startswith(READY):
                # Keep draining the child's output so it never blocks on a full pipe.
                import threading

                threading.Thread(target=lambda: [None for _ in self.process.stdout], daemon=True).start()
                return line.split()[len(READY.split())]
        self.stop()
        raise EngineUnavailable("the engine did not start: " + (" | ".join(lines[-5:]) or "no output"))

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
