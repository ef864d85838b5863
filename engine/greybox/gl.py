"""The headless OpenGL context: moderngl on EGL (Mesa llvmpipe without a GPU), one per thread.

A GL context is current in one thread only, and the engine renders in its worker thread while
health checks run elsewhere: each thread gets its own context, made on first use. EGL needs no X server; ``EGL_PLATFORM=surfaceless`` makes Mesa skip looking for a display.
When no context can be made the caller gets a :class:`ShotlineError` that says what to install,
never a crash deep inside a render.
"""

from __future__ import annotations

import os
import threading

from engine.errors import ShotlineError

FIX = (
    "install the EGL and Mesa drivers (Debian/Ubuntu: apt install libegl1 libgl1-mesa-dri; "
    "pip install moderngl) and run with EGL_PLATFORM=surfaceless when there is no display"
)

_lock = threading.Lock()
_local = threading.local()
_failure: ShotlineError | None = None  # once no context can be made, no thread tries again


def gl_context():
    """This thread's standalone context (made on first use; later calls reuse it)."""
    global _failure
    with _lock:
        ctx = getattr(_local, "context", None)
        if ctx is not None:
            return ctx
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
        _local.context = ctx
        return ctx


def gl_available() -> str | None:
    """None when a context can be made, else the one-line reason (for skips and /health)."""
    try:
        gl_context()
    except ShotlineError as exc:
        return str(exc)
    return None


def _reset_for_tests() -> None:
    global _failure
    with _lock:
        _local.context, _failure = None, None
