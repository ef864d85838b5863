"""The render panel against a real engine: shots stream back onto the timeline and into the
preview; cancel; an engine that dies leaves the app usable with the reason said."""

import os
import signal

import pytest
from PySide6.QtCore import Qt

from app.document import Document
from app.engine_client import EngineConnection
from app.ui.preview import PreviewPlayer
from app.ui.render_panel import RenderPanel
from app.ui.timeline import CLIP_TOP, CLIP_H, Timeline
from engine.demo import build_demo_project
from tests.server.conftest import RunningEngine
from engine.server.jobs import FINISHED


@pytest.fixture
def engine(tmp_path):
    running = RunningEngine(tmp_path / "engine")
    yield running
    running.stop()


def _panel(qtbot, doc, url, autostart=False):
    panel = RenderPanel(doc, EngineConnection(url, autostart=autostart))
    qtbot.addWidget(panel)
    panel.show()
    return panel


def test_rendered_shots_land_on_the_timeline_and_beside_the_grid_preview(qtbot, engine, tmp_path):
    doc = Document(build_demo_project(), tmp_path / "rooftop.shotline")
    timeline = Timeline(doc)
    timeline.resize(1500, 120)
    timeline.px_per_frame = 4.0
    qtbot.addWidget(timeline)
    timeline.show()
    player = PreviewPlayer(doc)
    qtbot.addWidget(player)
    player.set_frame(10)
    grid_width = player.view.image.width()

    panel = _panel(qtbot, doc, engine.url)
    panel.width_box.setValue(96)
    events = []
    panel.connection.event.connect(events.append)
    panel.render()
    _wait_for_the_end(qtbot, panel, events)
    assert events[-1]["type"] == "done", panel.error.text()
    assert panel.backend_name() == "greybox" and panel.model.currentText() == "clay"  # the default
    assert [b.value() for b in panel.bars] == [100] * 4
    assert set(doc.renders) == {s.id for s in doc.project.shots}
    path, fresh = doc.render_of(doc.project.shots[0].id)
    assert fresh and path.parent == tmp_path / "rooftop.renders" and path.exists()
    # The timeline marks rendered clips with a green strip along their bottom …
    image = timeline.grab().toImage()
    strip = image.pixelColor(200, CLIP_TOP + CLIP_H - 3)
    assert strip.green() > 150 and strip.red() < 120
    # … amber once the shot changes after its render.
    doc.set_shot_fields(doc.project.shots[0].id, prompt="changed")
    assert doc.render_of(doc.project.shots[0].id)[1] is False
    strip = timeline.grab().toImage().pixelColor(200, CLIP_TOP + CLIP_H - 3)
    assert strip.red() > 150 and strip.green() > 120 and strip.blue() < 100
    # The preview shows the render to the right of the grid view.
    player.set_frame(11)
    assert player.view.image.width() == 2 * grid_width + 4
    player.side_by_side.setChecked(False)
    assert player.view.image.width() == grid_width


def _wait_for_the_end(qtbot, panel, events, timeout=20000):
    # The panel and the test's list each get their own queued copy of an event: the button can come
    # back one event-loop turn before the list hears the job's last event, so wait for both.
    qtbot.waitUntil(lambda: panel.render_button.isEnabled() and bool(events) and events[-1]["type"] in FINISHED, timeout=timeout)


def test_the_backend_list_puts_the_instant_grid_first_and_marks_a_backend_without_a_model(qtbot, tmp_path):
    panel = _panel(qtbot, Document(build_demo_project(), tmp_path / "p.shotline"), "http://127.0.0.1:9")
    panel._connected({"version": "1", "device": "cpu", "backends": ["dit", "grid", "alpha"], "not_ready": {"alpha": "no model was found"}, "models": {}})
    assert [panel.backend.itemData(i) for i in range(panel.backend.count())] == ["grid", "dit", "alpha"]
    assert panel.backend_name() == "grid" and panel.backend.itemText(2) == "alpha (not ready)"
    assert "no model" in panel.backend.itemData(2, Qt.ItemDataRole.ToolTipRole)
    panel._connected({"version": "1", "device": "cpu", "backends": ["dit", "grid", "greybox"], "not_ready": {}, "models": {}})
    assert [panel.backend.itemData(i) for i in range(panel.backend.count())] == ["greybox", "grid", "dit"]


def test_cancel_stops_the_job(qtbot, engine, tmp_path):
    doc = Document(build_demo_project())
    panel = _panel(qtbot, doc, engine.url)
    panel.width_box.setValue(1280)
    events = []
    panel.connection.event.connect(events.append)
    panel.render()
    qtbot.waitUntil(lambda: any(e["type"] == "progress" for e in events), timeout=20000)
    panel.cancel()
    _wait_for_the_end(qtbot, panel, events)
    assert events[-1]["type"] == "cancelled" and panel.status.text() == "Cancelled"
    assert len(doc.renders) < 4


@pytest.mark.slow  # a real engine process killed mid-job: CI's slow step
def test_an_engine_that_dies_mid_job_is_reported_and_the_app_stays_usable(qtbot, tmp_path):
    doc = Document(build_demo_project())
    panel = _panel(qtbot, doc, "http://127.0.0.1:9", autostart=True)  # nothing there: it starts its own
    panel.width_box.setValue(1280)
    events = []
    panel.connection.event.connect(events.append)
    panel.render()
    qtbot.waitUntil(lambda: any(e["type"] == "progress" for e in events), timeout=30000)
    os.kill(panel.connection.local.process.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: panel.render_button.isEnabled(), timeout=30000)
    assert "lost the engine" in panel.error.text() and "project is safe" in panel.error.text()
    doc.set_shot_fields(doc.project.shots[0].id, name="Still editable")
    assert doc.project.shots[0].name == "Still editable"
    panel.connection.shutdown()


def test_no_engine_and_no_autostart_is_said_plainly(qtbot):
    panel = _panel(qtbot, Document(build_demo_project()), "http://127.0.0.1:9")
    panel.render()
    qtbot.waitUntil(lambda: panel.render_button.isEnabled(), timeout=10000)
    assert "cannot reach the engine" in panel.error.text()


def test_reopening_a_project_reattaches_its_renders_and_marks_stale_ones(qtbot, tmp_path):
    import numpy as np

    from engine.interchange.mp4 import write_mp4
    from engine.interchange.renders import record_render
    from engine.project import save_project

    project = build_demo_project()
    path = tmp_path / "rooftop.shotline"
    save_project(project, path)
    folder = tmp_path / "rooftop.renders"
    folder.mkdir()
    ots, reverse = project.shots[1], project.shots[2]
    for i, shot in ((2, ots), (3, reverse)):
        write_mp4(np.zeros((shot.duration, 32, 64, 3), np.uint8), folder / f"shot_{i:02d}_{shot.name.replace(' ', '_')}.mp4", 24.0, (64, 32))
    record_render(folder, f"shot_02_{ots.name.replace(' ', '_')}.mp4", ots)
    record_render(folder, f"shot_03_{reverse.name.replace(' ', '_')}.mp4", reverse.model_copy(update={"prompt": "an older version"}))
    doc = Document(project, path)  # as File > Open makes it
    assert doc.render_of(ots.id) == (folder / "shot_02_OTS_on_Mara.mp4", True)
    assert doc.render_of(reverse.id) == (folder / "shot_03_Reverse_on_Jonas.mp4", False)
    assert doc.render_of(project.shots[0].id) is None
    panel = _panel(qtbot, doc, "http://127.0.0.1:9")
    assert str(folder) in panel.folder.text() and "not saved" not in panel.folder.text()


def test_an_unsaved_project_says_where_its_clips_go_and_opens_the_folder(qtbot, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    doc = Document(build_demo_project())
    panel = _panel(qtbot, doc, "http://127.0.0.1:9")
    assert "not saved" in panel.folder.text()
    panel.open_folder.click()
    assert opened and opened[0] in panel.folder.text() and os.path.isdir(opened[0])


def test_a_job_interrupted_by_an_engine_restart_is_said_and_the_panel_is_free(qtbot, tmp_path):
    panel = _panel(qtbot, Document(build_demo_project(), tmp_path / "p.shotline"), "http://127.0.0.1:9")
    panel._running(True)
    panel.on_event({"seq": 9, "type": "interrupted", "job": "a" * 32, "files": ["shot_01_Rooftop_wide.mp4"]})
    assert panel.status.text() == "Interrupted" and "1 shot(s) finished" in panel.error.text()
    assert panel.render_button.isEnabled()
