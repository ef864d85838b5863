"""The main window as a director uses it: files, the unsaved-changes prompt, recovery after a
crash, the Edit menu at the playhead, shortcuts, and docks that remember where they were."""

import pytest
from PySide6.QtCore import Qt

from app.main import load_for_window, main, wants_window
from app.autosave import recovery_for, sidecar_path
from app.ui.main_window import MainWindow
from engine.demo import DEMO_PATH, build_demo_project
from engine.interchange.formats import export_project
from engine.project import load_project, project_to_dict, save_project


@pytest.fixture(autouse=True)
def no_modal_dialogs(monkeypatch):
    """Dialogs answer without a person: closing a window a test left dirty discards (the test
    asserting a prompt sets its own answer), recovery is declined, errors are collected."""
    errors = []
    monkeypatch.setattr(MainWindow, "ask_unsaved", lambda self: "discard")
    monkeypatch.setattr(MainWindow, "ask_recover", lambda self, side: False)
    monkeypatch.setattr(MainWindow, "show_error", lambda self, message: errors.append(message))
    return errors


@pytest.fixture
def project_file(tmp_path):
    path = tmp_path / "rooftop.shotline"
    save_project(build_demo_project(), path)
    return path


@pytest.fixture
def window(qtbot, project_file):
    w = MainWindow(load_project(project_file), project_file)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _nudge(window, dx: float = 0.5) -> None:
    doc = window.document
    shot = doc.project.shots[0]
    key = shot.keys[0].model_copy(update={"position": (shot.keys[0].position[0] + dx, *shot.keys[0].position[1:])})
    doc.set_key(shot.id, 0, key)


def action(window, text: str):
    for a in window.findChildren(type(window.menuBar().actions()[0])):
        label = a.text().replace("&", "")
        if label == text or (text in ("Undo", "Redo") and label.startswith(text)):  # "Undo Split shot"
            return a
    raise KeyError(text)


def test_open_edit_save_reopen_gives_the_same_project(window, project_file, tmp_path):
    _nudge(window)
    assert window.isWindowModified() and "[*]" in window.windowTitle()
    edited = project_to_dict(window.document.project)
    window.choose_save_path = lambda *a, **k: tmp_path / "saved.shotline"
    assert window.file_save_as()
    assert not window.isWindowModified()
    window.file_open(tmp_path / "saved.shotline")
    assert project_to_dict(window.document.project) == edited
    assert window.document.undo_stack.count() == 0 and str(tmp_path / "saved.shotline") in window.recent_files()
    assert project_to_dict(load_project(project_file)) != edited  # the original was left alone


def test_closing_with_unsaved_changes_asks_and_cancel_keeps_the_work(window, project_file):
    _nudge(window)
    answers = []
    window.ask_unsaved = lambda: answers.append("asked") or "cancel"
    window.close()
    assert answers == ["asked"] and window.isVisible() and window.document.dirty
    window.ask_unsaved = lambda: "discard"
    assert window.close()
    assert project_to_dict(load_project(project_file)) == project_to_dict(build_demo_project())


def test_save_from_the_prompt_writes_the_file(window, project_file):
    _nudge(window, 1.25)
    window.ask_unsaved = lambda: "save"
    window.file_new()
    assert load_project(project_file).shots[0].keys[0].position[0] == pytest.approx(build_demo_project().shots[0].keys[0].position[0] + 1.25)
    assert window.document.path is None and len(window.document.project.shots) == 1


def test_a_clean_project_closes_without_asking(window):
    window.ask_unsaved = lambda: pytest.fail("asked with nothing to save")
    assert window.close()


def test_autosave_after_a_crash_is_offered_and_recovered_without_touching_the_file(qtbot, project_file):
    crashed = MainWindow(load_project(project_file), project_file)
    qtbot.addWidget(crashed)
    _nudge(crashed, 2.0)
    crashed.autosaver.save_now()  # what the 60-s timer does
    edited = project_to_dict(crashed.document.project)
    # The process dies: no closeEvent, so the sidecar stays.
    assert recovery_for(project_file) == sidecar_path(project_file)

    relaunched = MainWindow(load_project(project_file), project_file)
    qtbot.addWidget(relaunched)
    asked = []
    relaunched.ask_recover = lambda side: asked.append(side) or True
    assert relaunched.offer_recovery()
    assert asked == [sidecar_path(project_file)]
    assert project_to_dict(relaunched.document.project) == edited and relaunched.document.dirty
    assert project_to_dict(load_project(project_file)) == project_to_dict(build_demo_project())
    relaunched.document.undo_stack.undo()  # recovery is an edit like any other
    assert project_to_dict(relaunched.document.project) == project_to_dict(build_demo_project())


def test_declining_recovery_keeps_the_file_as_it_was(qtbot, project_file):
    crashed = MainWindow(load_project(project_file), project_file)
    qtbot.addWidget(crashed)
    _nudge(crashed)
    crashed.autosaver.save_now()
    relaunched = MainWindow(load_project(project_file), project_file)
    qtbot.addWidget(relaunched)
    relaunched.ask_recover = lambda side: False
    assert not relaunched.offer_recovery() and not relaunched.document.dirty


def test_the_autosave_timer_writes_the_sidecar(qtbot, project_file):
    w = MainWindow(load_project(project_file), project_file)
    qtbot.addWidget(w)
    w.autosaver.timer.setInterval(50)
    _nudge(w)
    qtbot.waitUntil(lambda: sidecar_path(project_file).exists(), timeout=10000)
    assert w.document.save() == project_file
    assert not sidecar_path(project_file).exists()


def test_split_and_key_at_the_playhead(window):
    doc = window.document
    window.preview.set_frame(120 + 30)  # frame 30 of shot 2 (72 frames)
    second = doc.project.shots[1].id
    action(window, "Add Key at Playhead").trigger()
    assert doc.selected_shot == second and doc.shot(second).keys[doc.selected_key].frame == 30
    action(window, "Split Shot at Playhead").trigger()
    assert [s.duration for s in doc.project.shots][:3] == [120, 30, 42]
    action(window, "Undo").trigger()
    action(window, "Undo").trigger()
    assert [s.duration for s in doc.project.shots] == [120, 72, 72, 96] and doc.undo_stack.count() == 2


def test_delete_removes_the_selected_key_then_the_shot_and_duplicate_copies(window):
    doc = window.document
    shot = doc.project.shots[3]
    doc.select(shot.id, 0)
    n = len(shot.keys)
    action(window, "Delete").trigger()
    assert len(doc.shot(shot.id).keys) == n - 1
    doc.select(shot.id, -1)
    action(window, "Duplicate Shot").trigger()
    assert len(doc.project.shots) == 5 and doc.project.shots[4].name.endswith("copy")
    action(window, "Delete").trigger()
    assert len(doc.project.shots) == 4


def test_shortcuts_follow_editing_apps(window):
    shortcuts = {a.text().replace("&", ""): a.shortcut().toString() for a in window.findChildren(type(window.menuBar().actions()[0]))}
    assert action(window, "Undo").shortcut().toString() == "Ctrl+Z" and action(window, "Redo").shortcut().toString() == "Ctrl+Shift+Z"
    assert shortcuts["Save"] == "Ctrl+S" and shortcuts["Delete"] == "Del"
    assert shortcuts["Add Key at Playhead"] == "K" and shortcuts["Frame Selection"] == "F"
    assert shortcuts["Play / Pause"] == "Space"


def test_ctrl_z_from_the_keyboard_undoes(window, qtbot):
    _nudge(window)
    window.activateWindow()
    window.timeline.setFocus()
    qtbot.keyClick(window.timeline, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not window.document.dirty


def test_k_stops_playback_before_it_adds_keys(window):
    doc = window.document
    window.preview.play(1)
    action(window, "Add Key at Playhead").trigger()
    assert not window.preview.playing and doc.undo_stack.count() == 0


def test_the_timeline_and_the_player_share_the_playhead(window):
    window.timeline.set_playhead(200)
    assert window.preview.frame == 200
    window.preview.step(5)
    assert window.timeline.playhead == 205


def test_docks_remember_their_layout(qtbot, project_file):
    first = MainWindow(load_project(project_file), project_file)
    qtbot.addWidget(first)
    first.show()
    first.docks["Curves"].hide()
    first.close()
    second = MainWindow(load_project(project_file), project_file)
    qtbot.addWidget(second)
    second.show()
    assert not second.docks["Curves"].isVisible() and second.docks["Timeline"].isVisible()


def test_import_adds_the_cameras_as_one_step_and_export_writes_the_format(window, tmp_path):
    doc = window.document
    otio_file = tmp_path / "cams.otio"
    export_project(build_demo_project(), "otio", otio_file)
    window.choose_open_path = lambda *a, **k: otio_file
    window.file_import()
    assert len(doc.project.shots) == 8 and doc.undo_stack.count() == 1
    assert len({s.id for s in doc.project.shots}) == 8  # imported shots get their own ids
    window.choose_save_path = lambda *a, **k: tmp_path / "cams.usda"
    window.export_format("usd")
    assert "UsdGeom" in (tmp_path / "cams.usda").read_text() or "Camera" in (tmp_path / "cams.usda").read_text()


def test_a_bad_file_is_refused_and_the_open_project_stays(window, tmp_path, no_modal_dialogs):
    bad = tmp_path / "bad.shotline"
    bad.write_text('{"shots": 3}')
    errors = no_modal_dialogs
    before = window.document.project
    action(window, "Open…")  # the menu entry exists
    window.choose_open_path = lambda *a, **k: bad
    window._guarded(window.file_open)
    assert errors and "bad.shotline" in errors[0] and window.document.project is before


def test_the_command_opens_the_window_or_runs_headless(tmp_path, capsys):
    assert wants_window([]) and wants_window(["scene.shotline"])
    assert not wants_window(["describe", "x"]) and not wants_window(["--help"])
    project, path = load_for_window(None)
    assert path is None and project == load_project(DEMO_PATH)  # the demo opens as an untitled copy
    assert main([str(tmp_path / "missing.shotline")]) == 2
    assert "missing.shotline" in capsys.readouterr().err
    assert main(["describe", str(DEMO_PATH)]) == 0


def test_the_viewport_is_the_centre_and_follows_the_playhead(window):
    assert window.centralWidget() is window.viewport
    assert window.docks["Preview"].widget() is window.preview
    doc = window.document
    window.preview.set_frame(120 + 10)  # shot 2, frame 10
    assert window.viewport.frame == 130 and window.viewport.playhead_shot() == (1, 10)
    assert window.viewport.frustum.label.text.startswith(doc.project.shots[1].name)


def test_a_key_dragged_in_the_viewport_reaches_the_curves_and_undoes_in_one_step(window, qtbot):
    from PySide6.QtCore import QPoint

    from app.viewport3d.view_math import Orbit
    from tests.gui.mouse import drag

    doc = window.document
    shot = doc.project.shots[3]
    doc.select(shot.id)
    vp = window.viewport
    vp.set_orbit(Orbit(center=tuple(shot.keys[1].position), azimuth=0.0, elevation=90.0, distance=4.0, ortho=True))
    px = vp.pixel_of(shot.keys[1].position)
    start = QPoint(round(px[0]), round(px[1]))
    drag(qtbot, vp.canvas.native, start, start + QPoint(40, 0))
    moved = doc.shot(shot.id).keys[1]
    assert moved.position[0] > shot.keys[1].position[0] + 0.1
    assert window.curves.values["x"][moved.frame] == pytest.approx(moved.position[0])
    assert doc.undo_stack.count() == 1
    action(window, "Undo").trigger()
    assert doc.shot(shot.id).keys[1] == shot.keys[1]


def test_planner_proposals_are_ghosts_in_the_viewport_until_accepted(window):
    window.planner.text.setPlainText("Shot 1: wide shot of Mara, slow push in.\nShot 2: close-up of Jonas.")
    window.planner.propose()
    ghosts = window.viewport.ghosts
    assert ghosts.lines.visible and len(ghosts.paths) == 2
    window.planner.proposals.setCurrentRow(1)
    assert len(ghosts.paths) == 2
    window.planner.accept()
    assert not ghosts.lines.visible
    assert len(window.viewport.paths.paths) == len(window.document.project.shots) == 2


def test_view_menu_drives_the_viewport(window):
    action(window, "Top View").trigger()
    assert window.viewport.orbit.ortho and window.viewport.orbit.elevation == 90.0
    action(window, "Look Through Shot Camera").trigger()
    assert window.viewport.look_through and action(window, "Look Through Shot Camera").isChecked()
    action(window, "Front View").trigger()  # a named view leaves the shot camera
    assert not window.viewport.look_through and not action(window, "Look Through Shot Camera").isChecked()


def test_project_settings_is_one_undo_step_that_keeps_the_framing(window):
    from app.ui.settings_dialog import SettingsDialog
    from engine.camera.lens import horizontal_fov_deg

    doc = window.document
    before = [horizontal_fov_deg(p.focal_mm, p.film_back_mm) for p in doc.cameras()]
    dialog = SettingsDialog(doc, window)
    dialog.sensor.setCurrentText("ALEXA LF")
    dialog.aspect.setCurrentText("1.85")
    steps = doc.undo_stack.count()
    dialog.apply()
    assert doc.undo_stack.count() == steps + 1 and doc.project.aspect == 1.85 and tuple(doc.project.sensor_mm) == (36.70, 25.54)
    after = [horizontal_fov_deg(p.focal_mm, p.film_back_mm) for p in doc.cameras()]
    assert all(abs(a - b).max() < 1e-6 for a, b in zip(before, after))
    assert window.preview.view.image.width() / window.preview.view.image.height() == pytest.approx(1.85, rel=0.01)
    doc.undo_stack.undo()
    assert doc.project.aspect == 2.39
