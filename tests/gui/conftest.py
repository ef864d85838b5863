import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch, qapp):
    """Each test gets its own QSettings and autosave folder: nothing leaks between tests or to ~."""
    from PySide6.QtCore import QSettings

    monkeypatch.setenv("SHOTLINE_STATE_DIR", str(tmp_path / "state"))
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield
