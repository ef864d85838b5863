"""Atomic file writes: a reader sees the old file or the new one, never half of one.

A write goes to a hidden temporary beside the target whose name carries the writer's process id
(``.NAME.<pid>-<random>.part``, or ``.STEM.<pid>-<random>.SUFFIX`` for files a library writes).
A writer killed mid-write leaves its temporary behind; the next write of the same target removes
the temporaries of writers that are no longer alive (as SQLite finds a leftover journal when it
next opens the database), and :func:`sweep_stale` clears a whole folder (the engine does it at start).
A temporary of a live writer is never touched, so two processes may save side by side.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, Iterator

# What a temporary of ours looks like: .<target>.<pid>-<mkstemp's 8 characters><.part | target suffix>
_TEMP = re.compile(r"^\.(?P<target>.+)\.(?P<pid>\d+)-[A-Za-z0-9_]{8}(?P<suffix>\.part|\.old|\.[A-Za-z0-9]+)?$")
# Temporaries written before names carried a pid: swept once they are this old.
_LEGACY = re.compile(r"^\.(?P<target>.+)\.[a-z0-9_]{8}(\.part|\.old|\.mp4|\.usd[ac]?|\.safetensors)$")
LEGACY_STALE_S = 3600.0
_ours: set[str] = set()  # real paths of the temporaries this process is writing right now
_ours_lock = threading.Lock()


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def _stale(entry: Path, now: float) -> bool:
    m = _TEMP.match(entry.name)
    if m is not None:
        pid = int(m["pid"])
        if pid == os.getpid():  # ours: stale unless a write of this process holds it
            return os.path.realpath(entry) not in _ours
        return not _pid_alive(pid)
    if _LEGACY.match(entry.name):
        with contextlib.suppress(OSError):
            return now - entry.stat().st_mtime > LEGACY_STALE_S
    return False


def _remove(entry: Path) -> bool:
    try:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
        return True
    except FileNotFoundError:
        return False
    except OSError:
        return False


def sweep_stale(directory: str | Path, target: str | Path | None = None) -> list[Path]:
    """Remove the temporaries that dead writers left in ``directory`` (of ``target`` only, if given).

    Returns what was removed. Temporaries of live writers, and every other file, are left alone.
    """
    directory = Path(directory)
    names = None
    if target is not None:
        target = Path(target)
        names = {target.name, target.stem}
    removed = []
    now = time.time()
    try:
        entries = list(directory.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith("."):
            continue
        m = _TEMP.match(entry.name) or _LEGACY.match(entry.name)
        if m is None or (names is not None and m["target"] not in names):
            continue
        with _ours_lock:
            if not _stale(entry, now):
                continue
            original = directory / m["target"]
            if entry.name.endswith(".old") and not original.exists():
                # A writer died between moving the old folder aside and moving the new one in:
                # the old one is the only copy, so it goes back.
                with contextlib.suppress(OSError):
                    os.replace(entry, original)
                continue
            if _remove(entry):
                removed.append(entry)
    return removed


def _temp_prefix(name: str) -> str:
    return f".{name}.{os.getpid()}-"


def _claim(make) -> str:
    """Create a temporary (``make()`` returns its path) and mark it as being written, atomically
    with respect to sweeps in other threads of this process."""
    with _ours_lock:
        made = make()
        _ours.add(os.path.realpath(made[1] if isinstance(made, tuple) else made))
    return made


def _release(tmp) -> None:
    _ours.discard(os.path.realpath(tmp))


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Write to a temporary file beside ``path``; fsync and rename it over ``path`` on success.

    On any exception the temporary file is removed and ``path`` is left untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(path.parent, path)
    binary = "b" in mode
    fd, tmp = _claim(lambda: tempfile.mkstemp(prefix=_temp_prefix(path.name), suffix=".part", dir=path.parent))
    try:
        with os.fdopen(fd, mode, encoding=None if binary else encoding, newline=None if binary else "") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        _give_normal_mode(Path(tmp), path)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    finally:
        _release(tmp)


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path`` for libraries that write files themselves (USD, PyAV).

    The caller writes to the yielded path; it is renamed over ``path`` on success, removed on failure.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(path.parent, path)
    fd, tmp = _claim(lambda: tempfile.mkstemp(prefix=_temp_prefix(path.stem), suffix=path.suffix, dir=path.parent))
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
        _give_normal_mode(tmp_path, path)
        os.replace(tmp_path, path)
        _fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_path)
        raise
    finally:
        _release(tmp)


@contextlib.contextmanager
def atomic_directory(path: str | Path) -> Iterator[Path]:
    """A temporary directory beside ``path``, renamed to ``path`` when complete.

    An existing ``path`` is replaced only after the new one is fully written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(path.parent, path)
    tmp = Path(_claim(lambda: tempfile.mkdtemp(prefix=_temp_prefix(path.name), suffix=".part", dir=path.parent)))
    try:
        yield tmp
        if path.exists():
            old = Path(_claim(lambda: tempfile.mkdtemp(prefix=_temp_prefix(path.name), suffix=".old", dir=path.parent)))
            try:
                old.rmdir()
                os.replace(path, old)
                os.replace(tmp, path)
                shutil.rmtree(old, ignore_errors=True)
            finally:
                _release(old)
        else:
            os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        _release(tmp)


def _read_umask() -> int:
    # os.umask can only be read by setting it; do it once at import, not around every write,
    # where another thread could create a file in the moment it is 0.
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


_UMASK = _read_umask()


def _give_normal_mode(tmp: Path, path: Path) -> None:
    """mkstemp makes owner-only files; give the file the mode it had, or the usual one for new files."""
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_UMASK
    os.chmod(tmp, mode)


def _fsync_dir(directory: Path) -> None:
    # The rename itself must reach the disk, or a crash could bring the old name back.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
