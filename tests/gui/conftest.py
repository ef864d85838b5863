import os

import pytest


@pytest.fixture(autouse=True)
def collect_garbage_on_the_gui_thread(qapp):
    """No automatic garbage collection while a GUI test runs, then a collection here, on the GUI
    thread: the engine client's and the in-process server's threads otherwise run the collector when
    it happens to fall due, and a cycle holding a Qt wrapper of an earlier test destroyed off the GUI
    thread segfaults the worker (seen once: a render-panel test, collecting in the server's thread).
    The app does the same with pyqtgraph's GarbageCollector (app/main.py)."""
    import gc

    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        gc.freeze()  # what outlived the collection is left out of later ones: each then costs ms, not 0.2 s
        gc.enable()


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch, qapp):
    """Each test gets its own QSettings and autosave folder: nothing leaks between tests or to ~."""
    from PySide6.QtCore import QSettings

    monkeypatch.setenv("SHOTLINE_STATE_DIR", str(tmp_path / "state"))
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield


@pytest.fixture
def needs_gl():
    """OpenGL tests (the vispy viewport) need an X server: pytest-xvfb starts one; CI must have it."""
    if not os.environ.get("DISPLAY"):
        if os.environ.get("CI"):
            pytest.fail("no X display: the viewport tests need Xvfb (pytest-xvfb) in CI")
        pytest.skip("no X display for OpenGL (install xvfb; pytest-xvfb starts it)")
    from tests import gl_probe

    if gl_probe.FAILURE:  # probed as the process started (tests/conftest.py)
        pytest.fail(f"no OpenGL in this test process: {gl_probe.FAILURE}")
