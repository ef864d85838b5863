"""``shotline``: open the app (on FILE, or on the bundled demo); any subcommand runs headless.

The subcommands live in ``engine.cli`` (no Qt); only opening the window imports PySide6, so the
command line works on a render box without a display.
"""

from __future__ import annotations

import sys
from pathlib import Path

from engine.cli import COMMANDS
from engine.cli import main as cli_main
from engine.errors import ShotlineError


def wants_window(argv: list[str]) -> bool:
    return not argv or (argv[0] not in COMMANDS and not argv[0].startswith("-"))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not wants_window(argv):
        return cli_main(argv)
    if len(argv) > 1:
        print(f"shotline: open one project at a time (got {len(argv)} files)", file=sys.stderr)
        return 2
    try:
        return open_app(Path(argv[0]) if argv else None)
    except ShotlineError as exc:
        print(f"shotline: {exc}", file=sys.stderr)
        return 2


def load_for_window(file: Path | None):
    """(project, path) to open: the file, or the demo as an untitled copy (Save asks where, so the
    bundled demo is never overwritten)."""
    from engine.demo import DEMO_PATH
    from engine.project import load_project

    if file is None:
        return load_project(DEMO_PATH), None
    if not file.exists():
        raise ShotlineError("no such file", file)
    return load_project(file), file


def open_app(file: Path | None) -> int:
    from PySide6.QtWidgets import QApplication

    from app.ui.main_window import MainWindow

    project, path = load_for_window(file)  # refuse a bad file before any window opens
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("Shotline")
    app.setApplicationName("Shotline")
    # Garbage is collected on a timer in the GUI thread, never in the engine client's or a render
    # worker's thread: a Qt object destroyed off the GUI thread can crash the app.
    from pyqtgraph.util.garbage_collector import GarbageCollector

    collector = GarbageCollector(interval=1.0)  # noqa: F841 -- lives as long as the event loop
    window = MainWindow(project, path)
    window.show()
    window.offer_recovery()
    if path is not None:
        window.add_recent(path)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
