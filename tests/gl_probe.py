"""The OpenGL tests' first contact with the X server, made as soon as a test process has its Xvfb.

Qt's offscreen platform (the GUI tests' platform) opens its X connection for OpenGL once, at the
first GL context the process makes, and keeps a failure for the rest of the process's life. In one
CI run every viewport test of one worker failed with the same IndexError deep in vispy (no context
current, so framebuffers came back as handle 0), while the other worker's passed. Making that first
context here, right after pytest-xvfb has started this process's Xvfb, ties Qt's connection to a
server just seen answering; a server that does not answer is started again once (said on stderr);
and when no context can be made ``FAILURE`` says why in one line, for the tests that need GL.
"""

from __future__ import annotations

import os
import socket
import sys

FAILURE: str | None = None  # why this process has no OpenGL, once probed
_KEEP: list = []  # the probe's context and surface live as long as the process, like Qt's connection


def _display_answers(display: str) -> bool:
    """Whether a local X server accepts a connection on ``display`` (":N" or ":N.S")."""
    number = display.split(":")[-1].split(".")[0]
    for address in (f"\0/tmp/.X11-unix/X{number}", f"/tmp/.X11-unix/X{number}"):  # abstract socket first, as Xlib does
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(10)
            try:
                s.connect(address)
                return True
            except OSError:
                continue
    return False


def _restart_xvfb() -> tuple[bool, str]:
    """A new Xvfb in place of pytest-xvfb's, which does not answer: whether one was started, and
    what happened, in words."""
    try:
        import pytest_xvfb
    except ImportError:
        return False, "pytest-xvfb is not installed, so it was not restarted"
    xvfb = pytest_xvfb.xvfb_instance
    if xvfb is None or xvfb._virtual_display is None:
        return False, "this process's DISPLAY is not pytest-xvfb's, so it was not restarted"
    old = xvfb._virtual_display
    if old.is_alive():
        was = "alive but not answering"
    else:
        server = getattr(old, "_obj", None)  # pyvirtualdisplay's server object: its exit code and what it said
        code = getattr(getattr(server, "_subproc", None), "returncode", None)
        said = (getattr(server, "stderr", None) or b"").decode(errors="replace").strip().splitlines()
        was = f"dead (exit {code}{': ' + said[-1] if said else ''})"
    return True, f"its Xvfb was {was}; started again on {_another_xvfb()}"  # pytest-xvfb stops the old one at the end


def probe() -> str | None:
    """Make this process's first OpenGL context; None when it works, else the reason (kept in FAILURE)."""
    global FAILURE
    display = os.environ.get("DISPLAY")
    if not display:
        FAILURE = "no X display (install xvfb; pytest-xvfb starts it)"
        return FAILURE
    if not _display_answers(display):
        started, restart = _restart_xvfb()
        print(f"gl_probe: the X display {display} does not answer; {restart}", file=sys.stderr, flush=True)
        # not asked again: a connection that closes would end the new server (``-terminate``)
        if not started:
            FAILURE = f"the X display does not answer ({restart})"
            return FAILURE
        display = os.environ["DISPLAY"]
    reason = _make_context(display)
    for attempt in range(1, GL_ATTEMPTS):
        if reason is None:
            break
        # Seen once in a fresh clone's CI: one worker's first context failed on an X server that
        # answered. Qt keeps that failure for the application's life, so the application is shut
        # down and made again, on an X server of its own.
        _shutdown_app()
        display = _another_xvfb()
        print(f"gl_probe: {reason}; trying again on a new Xvfb, {display} ({attempt + 1} of {GL_ATTEMPTS})", file=sys.stderr, flush=True)
        reason = _make_context(display)
    FAILURE = reason
    return FAILURE


GL_ATTEMPTS = 3


def _make_context(display: str) -> str | None:
    """This process's QApplication (made if there is none) and one OpenGL context made current on
    it; None when that works, else why not."""
    from PySide6.QtGui import QOffscreenSurface, QOpenGLContext
    from PySide6.QtWidgets import QApplication

    global _APP
    app = _APP = QApplication.instance() or QApplication([])  # held here: an unreferenced one is destroyed
    context, surface = QOpenGLContext(), QOffscreenSurface()
    _KEEP.extend([context, surface])
    if not context.create():
        return f"Qt could not make an OpenGL context on {display} (platform {app.platformName()}; is Mesa's GLX installed: libglx-mesa0 libgl1-mesa-dri?)"
    surface.setFormat(context.format())
    surface.create()
    if not context.makeCurrent(surface):
        return f"Qt made an OpenGL context on {display} but could not make it current"
    version = context.functions().glGetString(0x1F02)  # GL_VERSION
    context.doneCurrent()
    if not version:
        return f"the OpenGL context on {display} gives no GL_VERSION"
    return None


def _shutdown_app() -> None:
    """Drop the probe's GL objects and shut the QApplication down (its X connection with it)."""
    import gc

    from PySide6.QtWidgets import QApplication

    global _APP
    _KEEP.clear()
    app, _APP = _APP or QApplication.instance(), None
    if app is not None:
        app.shutdown()
    del app
    gc.collect()


def _another_xvfb() -> str:
    """A new Xvfb beside pytest-xvfb's (that one is left as it is: something may hold a connection
    to it), as DISPLAY for the rest of the process. It ends with its last client (``-terminate``):
    stopping it at exit, while Qt still holds its connection, would end the process in an X IO error."""
    from pyvirtualdisplay.display import Display

    server = Display(backend="xvfb", size=(1920, 1200), color_depth=24, visible=False, manage_global_env=True, extra_args=["-terminate"])
    server.start()
    _SERVERS.append(server)
    return os.environ["DISPLAY"]


_SERVERS: list = []
_APP = None
