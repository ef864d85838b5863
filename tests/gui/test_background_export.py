"""Long exports run off the GUI thread with a progress dialog; Cancel leaves no file behind."""

from __future__ import annotations

import threading

import pytest

from app.ui import background_task
from app.ui import sound_and_paper as sp
from app.ui.main_window import MainWindow
from engine.demo import build_demo_project
from engine.progress import Cancelled


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setattr(MainWindow, "ask_unsaved", lambda self: "discard")
    errors = []
    monkeypatch.setattr(MainWindow, "show_error", lambda self, message: errors.append(message))
    w = MainWindow(build_demo_project(), None)
    w.errors = errors
    qtbot.addWidget(w)
    return w


@pytest.fixture
def observe(monkeypatch):
    seen = []
    monkeypatch.setattr(background_task, "observers", [])

    def add(fn):
        background_task.observers.append(fn)
        return seen

    return add


def test_animatic_export_reports_progress_and_runs_outside_the_gui_thread(window, tmp_path, observe, monkeypatch):
    import engine.interchange.animatic as animatic

    threads = []
    real = animatic.write_animatic

    def spy(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(animatic, "write_animatic", spy)
    seen = observe(lambda task, done, total: seen.append((done, total)) if total else None)
    sp.export_animatic(window, tmp_path / "a.mp4")
    assert (tmp_path / "a.mp4").stat().st_size > 0
    assert threads and threads[0] is not threading.main_thread()
    totals = {t for _, t in seen}
    assert totals == {window.document.project.total_frames}  # the dialog's range is the frame count
    dones = [d for d, _ in seen]
    assert dones == sorted(dones)  # progress only goes forward


@pytest.mark.parametrize("export", ["animatic", "storyboard", "edl", "preview"])
def test_cancel_leaves_no_file_and_says_so(window, tmp_path, monkeypatch, export):
    real = background_task.BackgroundTask.progress

    def cancel_once_started(task, done, total):  # as if Cancel were pressed after the first step
        if done >= 1:
            task._cancel.set()
        real(task, done, total)

    monkeypatch.setattr(background_task.BackgroundTask, "progress", cancel_once_started)
    out = tmp_path / f"out.{ {'animatic': 'mp4', 'storyboard': 'pdf', 'edl': 'edl', 'preview': 'mp4'}[export] }"
    if export == "animatic":
        sp.export_animatic(window, out)
    elif export == "preview":
        window.choose_save_path = lambda *a, **k: out
        window._guarded(window.export_preview)
    else:
        sp.export_document(window, export, "", out.suffix, out)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary, no media folder left either
    assert "cancelled" in window.statusBar().currentMessage()
    assert not window.errors


def test_an_error_in_the_worker_reaches_the_user_as_one_line(window, tmp_path):
    empty = window.document.project.model_copy(update={"shots": []})
    window.document.edit(empty, "Remove all shots")
    window._guarded(lambda: sp.export_animatic(window, tmp_path / "a.mp4"))
    assert window.errors and "no shots" in window.errors[-1]


def test_task_raises_cancelled_only_after_cancel():
    task = background_task.BackgroundTask(None, "t", "l")
    task.progress(1, 10)
    task.cancel()
    with pytest.raises(Cancelled):
        task.progress(2, 10)
