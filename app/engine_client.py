"""The app's link to the render engine: find it at the configured URL or start one as a child
process (and stop it on exit if the app started it); submit, follow events, cancel.

The network work runs on a Python thread; its results reach the UI as Qt signals (queued onto the
UI thread because the receiving objects live there), so the window never waits on the engine.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from engine.server.client import DEFAULT_URL, EngineClient, EngineError, EngineUnavailable, LocalEngine
from engine.render.request import RenderRequest


class EngineConnection(QObject):
    connected = Signal(dict)  # the engine's /health
    event = Signal(dict)  # every event of the job being followed
    failed = Signal(str)  # the engine refused, or could not be reached / died

    def __init__(self, url: str = DEFAULT_URL, token: str | None = None, autostart: bool = True, parent: QObject | None = None):
        super().__init__(parent)
        self.url, self.token, self.autostart = url, token, autostart
        self.client: EngineClient | None = None
        self.local: LocalEngine | None = None
        self.job_id: str | None = None
        self._lock = threading.Lock()

    def _thread(self, target, *args) -> threading.Thread:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        return thread

    # -- connecting ----------------------------------------------------------------------------

    def ensure(self) -> dict:
        """Connect (blocking: call it off the UI thread): the engine at the URL, else a local one."""
        with self._lock:
            if self.client is not None:
                try:
                    return self.client.health()
                except EngineUnavailable:
                    self.client = None
            client = EngineClient(self.url, self.token)
            try:
                health = client.health()
            except EngineUnavailable:
                if not self.autostart:
                    raise
                if self.local is not None:
                    self.local.stop()
                self.local = LocalEngine(token=self.token)
                client = self.local.client
                health = client.health()
            self.client = client
            return health

    def connect_async(self) -> None:
        def run() -> None:
            try:
                self.connected.emit(self.ensure())
            except (EngineUnavailable, EngineError) as exc:
                self.failed.emit(str(exc))

        self._thread(run)

    # -- jobs ----------------------------------------------------------------------------------

    def render(self, request: RenderRequest, into: Path) -> threading.Thread:
        """Submit and follow a job on a worker thread; events arrive through :attr:`event`. Each
        finished shot is downloaded into ``into`` first, and its "shot" event carries ``local_path``."""

        def run() -> None:
            try:
                self.connected.emit(self.ensure())
                self.job_id = self.client.submit(request)
                for event in self.client.events(self.job_id):
                    if event["type"] == "shot":
                        local = Path(into) / f"{self.job_id[:8]}_{event['file']}"
                        self.client.download(self.job_id, event["file"], local)
                        event = dict(event, local_path=str(local))
                    self.event.emit(event)
            except EngineError as exc:
                self.failed.emit(str(exc))
            except EngineUnavailable as exc:
                self.client = None
                self.failed.emit(f"{exc}. Your project is safe; start the engine again and render again.")

        return self._thread(run)

    def cancel(self) -> None:
        if self.client is not None and self.job_id is not None:
            job_id = self.job_id

            def run() -> None:
                try:
                    self.client.cancel(job_id)
                except (EngineError, EngineUnavailable) as exc:
                    self.failed.emit(str(exc))

            self._thread(run)

    def shutdown(self) -> None:
        """Stop the engine if the app started it (an engine it found running is left alone)."""
        if self.local is not None:
            self.local.stop()
            self.local = None
