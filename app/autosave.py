"""Autosave to a sidecar file, and recovery after a crash. The user's own file is never written here.

The sidecar of ``/shows/rooftop.shotline`` is ``/shows/.rooftop.shotline.autosave``; an untitled
project's lives in the state folder (``$SHOTLINE_STATE_DIR``, else ``~/.local/state/shotline``).
It is written 60 s after the first unsaved change, again before operations that could crash (a render,
an import), and removed when the project is saved or closed cleanly, so a sidecar found at launch
means the last session ended without saving.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from engine.project import Project, load_project, save_project

AUTOSAVE_MS = 60_000


def state_dir() -> Path:
    return Path(os.environ.get("SHOTLINE_STATE_DIR") or Path.home() / ".local" / "state" / "shotline")


def sidecar_path(project_path: Path | None) -> Path:
    if project_path is None:
        return state_dir() / "untitled.shotline.autosave"
    project_path = Path(project_path)
    return project_path.with_name(f".{project_path.name}.autosave")


def recovery_for(project_path: Path | None) -> Path | None:
    """The sidecar to offer at launch: one that exists and is newer than the project file."""
    side = sidecar_path(project_path)
    if not side.exists():
        return None
    if project_path is not None and Path(project_path).exists() and Path(project_path).stat().st_mtime > side.stat().st_mtime:
        return None
    return side


def recover(side: Path) -> Project:
    return load_project(side)


class Autosaver(QObject):
    """Watches a :class:`app.document.Document` and keeps its sidecar up to date."""

    def __init__(self, document, interval_ms: int = AUTOSAVE_MS, parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save_now)
        document.changed.connect(self._changed)
        document.dirtyChanged.connect(self._dirty_changed)
        document.pathChanged.connect(self._path_changed)
        self._written: Path | None = None

    @property
    def path(self) -> Path:
        return sidecar_path(self.document.path)

    def _changed(self) -> None:
        if self.document.dirty and not self.timer.isActive():
            self.timer.start()

    def _dirty_changed(self, dirty: bool) -> None:
        if dirty and not self.timer.isActive():
            self.timer.start()
        if not dirty:
            self.timer.stop()
            self.discard()

    def _path_changed(self, _path) -> None:
        self.discard()  # the old name's sidecar, if any

    def save_now(self) -> Path | None:
        """Write the sidecar now if there are unsaved changes (before anything crash-prone)."""
        self.timer.stop()
        if not self.document.dirty:
            return None
        path = self.path
        path.parent.mkdir(parents=True, exist_ok=True)
        save_project(self.document.project, path)
        self._written = path
        return path

    def discard(self) -> None:
        for p in {self._written, self.path} - {None}:
            try:
                p.unlink()
            except FileNotFoundError:
                pass
        self._written = None
