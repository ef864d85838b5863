"""The headless OpenGL context: moderngl on EGL (Mesa llvmpipe without a GPU), in a thread of its own.

All grey-box GL work runs in one thread (``run_gl``), which holds the process's one context. A GL
context is current in one thread only, and an EGL context current in a thread where Qt later makes
a GLX context (the viewport, vispy) crashes Mesa: so the thread that asks for a frame — the app's
GUI thread, the engine's worker, a test — never holds one. EGL needs no X server;
``EGL_PLATFORM=surfaceless`` makes Mesa skip looking for a display. When no context can be made the
caller gets a :class:`ShotlineError` that says what to install, never a crash deep inside a render.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

from engine.errors import ShotlineError

FIX = (
    "install the EGL and Mesa drivers (Debian/Ubuntu: apt install libegl1 libgl1-mesa-dri; "
    "pip install moderngl) and run with EGL_PLATFORM=surfaceless when there is no display"
)

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_gl_thread: threading.Thread | None = None
_context = None
_failure: ShotlineError | None = None  # once no context can be made, nothing tries again


def _mark_thread() -> None:
    global _gl_thread
    _gl_thread = threading.current_thread()


def run_gl(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` in the GL thread (directly when already there); its result or error."""
    global _executor
    if threading.current_thread() is _gl_thread:
        return fn(*args, **kwargs)
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="greybox-gl", initializer=_mark_thread)
        executor = _executor
    return executor.submit(fn, *args, **kwargs).result()


def gl_context():
    """The context (made on first use, in the GL thread; later calls reuse it)."""
    global _context, _failure
    if _context is not None:  # handing out the made one needs no trip to the GL thread (a frame's worth on a busy box)
        return _context
    if threading.current_thread() is not _gl_thread:
        return run_gl(gl_context)
    if _context is not None:
        return _context
    if _failure is not None:
        raise _failure
    os.environ.setdefault("EGL_PLATFORM", "surfaceless")
    try:
        import moderngl
    except ImportError as exc:
        _failure = ShotlineError(f"no OpenGL for the grey-box renderer (moderngl is not installed: {exc}); {FIX}", "greybox", "gl")
        raise _failure from None
    try:
        ctx = moderngl.create_standalone_context(backend=os.environ.get("SHOTLINE_GL_BACKEND", "egl"), require=330)
    except Exception as exc:  # moderngl raises plain Exceptions from glcontext
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        _failure = ShotlineError(f"cannot create an OpenGL 3.3 context for the grey-box renderer ({reason}); {FIX}", "greybox", "gl")
        raise _failure from None
    _context = ctx
    return ctx


def gl_available() -> str | None:
    """None when a context can be made, else the one-line reason (for skips and /health)."""
    try:
        gl_context()
    except ShotlineError as exc:
        return str(exc)
    return None


def _reset_for_tests() -> None:
    global _context, _failure
    _context, _failure = None, None
