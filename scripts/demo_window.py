"""The app's main window on the bundled demo, for the screenshot scripts (run them under Xvfb)."""

import os
import sys
import tempfile

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication


def demo_window(size=(1600, 1000)):
    """(app, window): a fresh settings folder first, so a shot shows the default layout, not this machine's."""
    folder = tempfile.mkdtemp()
    os.environ["SHOTLINE_STATE_DIR"] = folder
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, folder)
    app = QApplication(sys.argv[:1])
    from app.main import load_for_window
    from app.ui.main_window import MainWindow

    window = MainWindow(*load_for_window(None))
    window.resize(*size)
    window.show()
    return app, window
