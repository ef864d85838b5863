"""Long exports off the GUI thread, with a progress dialog and Cancel.

The work runs in a Python thread on an immutable snapshot of the project (a pydantic model: edits
make new ones), so the views keep drawing while it runs. The dialog is window-modal: the user cannot
edit what is being exported. The caller still reads a plain return value or exception, because
:meth:`BackgroundTask.run` spins a local event loop until the thread ends.

Cancel sets a flag; the work's next ``progress(done, total)`` raises :class:`engine.progress.Cancelled`,
which unwinds through the atomic writer, so nothing half-written is left."""

from __future__ import annotations

import threading
from typing import Callable, TypeVar

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from engine.progress import Cancelled, Progress

T = TypeVar("T")

POLL_MS = 50
# Called in the GUI thread on every poll as observer(task, done, total). Tests cancel from here.
observers: list[Callable[["BackgroundTask", int, int], None]] = []


class BackgroundTask:
    def __init__(self, parent: QWidget | None, title: str, label: str):
        self.dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(400)  # a quick export never flashes a dialog
        self.dialog.setAutoReset(False)
        self.dialog.setAutoClose(False)
        self.dialog.canceled.connect(self.cancel)
        self._cancel = threading.Event()
        self._done = (0, 0)
        self.updates = 0  # polls that saw progress (tests read it)

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()
        self.dialog.setLabelText("Cancelling…")

    def progress(self, done: int, total: int) -> None:
        """The work's callback (worker thread)."""
        if self._cancel.is_set():
            raise Cancelled()
        self._done = (done, total)

    def run(self, work: Callable[[Progress], T]) -> T:
        """``work(progress)`` in a thread; returns its result or raises its exception here."""
        outcome: dict = {}

        def target() -> None:
            try:
                outcome["value"] = work(self.progress)
            except BaseException as exc:  # handed to the GUI thread, raised there
                outcome["error"] = exc

        thread = threading.Thread(target=target, name="shotline-export", daemon=True)
        loop = QEventLoop()
        timer = QTimer()
        timer.setInterval(POLL_MS)
        timer.timeout.connect(lambda: self._poll(thread, loop))
        thread.start()
        timer.start()
        if thread.is_alive():
            loop.exec()
        timer.stop()
        thread.join()
        self.dialog.reset()
        self.dialog.close()
        self.dialog.deleteLater()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    def _poll(self, thread: threading.Thread, loop: QEventLoop) -> None:
        done, total = self._done
        if total:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))
            self.updates += 1
        for observe in list(observers):
            observe(self, done, total)
        if not thread.is_alive():
            loop.quit()


def run_with_progress(parent: QWidget | None, title: str, label: str, work: Callable[[Progress], T]) -> T:
    return BackgroundTask(parent, title, label).run(work)


def export_with_progress(window, what: str, work: Callable[[Progress], T]) -> T | None:
    """An export from a menu: the result, or None (said in the status bar) when cancelled."""
    try:
        return run_with_progress(window, "Shotline", f"Exporting {what}…", work)
    except Cancelled:
        window.statusBar().showMessage(f"Export of {what} cancelled: nothing was written", 8000)
        return None
