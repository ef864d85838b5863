"""The engine's job journal: every job's request, state, files and events, in SQLite in the output
folder (``jobs.sqlite``), so that jobs outlive the engine process.

A job's record is written when it is submitted and again at each change of state and each
finished shot; its events are kept without their preview images (those are for watching live).
After a crash the next engine reads the journal back: jobs that were queued or running become
``interrupted``, with the shots they finished, and can be resumed. Finished jobs leave the
engine's memory but keep their record here. SQLite is in the standard library and survives a
``kill -9`` mid-write (its own journal is rolled back when the database is next opened).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

JOURNAL_NAME = "jobs.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    created REAL NOT NULL,
    finished REAL,
    state TEXT NOT NULL,
    request TEXT NOT NULL,
    shots_done TEXT NOT NULL DEFAULT '[]',
    files TEXT NOT NULL DEFAULT '[]',
    error TEXT,
    shots INTEGER NOT NULL,
    frames INTEGER NOT NULL,
    backend TEXT NOT NULL,
    pruned INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS events (
    job TEXT NOT NULL,
    seq INTEGER NOT NULL,
    event TEXT NOT NULL,
    PRIMARY KEY (job, seq)
);
"""


_SUMMARY = "id, created, finished, state, shots_done, files, error, shots, frames, backend, pruned"


class Journal:
    """A thread-safe handle on ``jobs.sqlite`` (the worker thread and the server both write)."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / JOURNAL_NAME
        self._lock = threading.Lock()
        self._closed = False
        try:
            self._db = self._open()
        except sqlite3.DatabaseError:
            # Not a database (a disk error, a stray file): keep it for a person to look at, start afresh.
            self.path.rename(self.path.with_name(f"{JOURNAL_NAME}.unreadable-{int(time.time())}"))
            self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # durable across a process crash; cheap commits
        db.executescript(_SCHEMA)
        db.execute("SELECT count(*) FROM jobs").fetchone()  # fails here if the file is not a database
        return db

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._db.close()

    def _write(self, sql: str, args: tuple) -> None:
        with self._lock:
            if not self._closed:  # a job still stopping while the engine shuts down: nothing to keep
                self._db.execute(sql, args)

    # -- writes --------------------------------------------------------------------------------

    def add(self, job, body: bytes | None = None) -> None:
        request = body.decode("utf-8") if body is not None else job.request.model_dump_json()
        self._write(
            "INSERT OR REPLACE INTO jobs (id, created, state, request, shots, frames, backend) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (job.id, job.created, job.state, request, len(job.request.shots), job.request.total_frames, job.request.backend),
        )

    def update(self, job, finished: float | None = None) -> None:
        self._write(
            "UPDATE jobs SET state = ?, shots_done = ?, files = ?, error = ?, finished = coalesce(?, finished) WHERE id = ?",
            (job.state, json.dumps(sorted(job.shots_done)), json.dumps(job.files), job.error, finished, job.id),
        )

    def add_event(self, job_id: str, event: dict) -> None:
        kept = {k: v for k, v in event.items() if k != "preview"}
        self._write("INSERT OR REPLACE INTO events (job, seq, event) VALUES (?, ?, ?)", (job_id, event["seq"], json.dumps(kept)))

    def mark_pruned(self, job_id: str) -> None:
        self._write("UPDATE jobs SET pruned = 1, files = '[]' WHERE id = ?", (job_id,))

    def set_finished(self, job_id: str, when: float) -> None:
        self._write("UPDATE jobs SET finished = ? WHERE id = ?", (when, job_id))

    # -- reads ---------------------------------------------------------------------------------

    def record(self, job_id: str) -> dict | None:
        """A job's record, less its request (which can be megabytes: see :meth:`request`)."""
        with self._lock:
            cur = self._db.execute(f"SELECT {_SUMMARY} FROM jobs WHERE id = ?", (job_id,))
            row = cur.fetchone()
            names = [d[0] for d in cur.description]
        return _record(names, row) if row else None

    def request(self, job_id: str) -> str:
        with self._lock:
            (text,) = self._db.execute("SELECT request FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return text

    def records(self, states: tuple[str, ...] | None = None) -> list[dict]:
        """Every job's record (less its request), oldest first (only those in ``states`` when given)."""
        with self._lock:
            cur = self._db.execute(f"SELECT {_SUMMARY} FROM jobs ORDER BY created")
            names = [d[0] for d in cur.description]
            rows = cur.fetchall()
        out = [_record(names, r) for r in rows]
        return [r for r in out if states is None or r["state"] in states]

    def events(self, job_id: str, after: int = 0) -> list[dict]:
        with self._lock:
            rows = self._db.execute("SELECT event FROM events WHERE job = ? AND seq > ? ORDER BY seq", (job_id, after)).fetchall()
        return [json.loads(r[0]) for r in rows]

    def last_seq(self, job_id: str) -> int:
        with self._lock:
            (seq,) = self._db.execute("SELECT coalesce(max(seq), 0) FROM events WHERE job = ?", (job_id,)).fetchone()
        return int(seq)


def _record(names: list[str], row: tuple) -> dict:
    r = dict(zip(names, row))
    r["shots_done"] = json.loads(r["shots_done"])
    r["files"] = json.loads(r["files"])
    r["pruned"] = bool(r["pruned"])
    return r
