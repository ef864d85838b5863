"""Sound and paper in the app: the audio lane, Cut on Beat as one undo step, screenplay and cut
imports, the animatic and document exports from the menus."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor

from app.document import Document
from app.ui import sound_and_paper as sp
from app.ui.audio_lane import AUDIO_H, BEAT, WAVE
from app.ui.main_window import MainWindow
from app.ui.timeline import AUDIO_TOP, RULER_H, Timeline
from engine.demo import build_demo_project
from engine.project import AudioTrack, load_project, save_project
from tests.engine.sound_files import click_track, write_wav
from tests.engine.test_editorial import EDITED_EDL
from tests.engine.test_screenplay import SAMPLES


@pytest.fixture
def project_file(tmp_path):
    samples, _ = click_track(120, 16.0, rate=22050)
    write_wav(tmp_path / "click.wav", samples, 22050)
    path = tmp_path / "rooftop.shotline"
    save_project(build_demo_project(), path)
    return path


@pytest.fixture
def window(qtbot, project_file, monkeypatch):
    monkeypatch.setattr(MainWindow, "ask_unsaved", lambda self: "discard")
    monkeypatch.setattr(MainWindow, "ask_recover", lambda self, side: False)
    errors = []
    monkeypatch.setattr(MainWindow, "show_error", lambda self, message: errors.append(message))
    monkeypatch.setattr(sp, "tell", lambda window, title, text: errors.append(text))
    w = MainWindow(load_project(project_file), project_file)
    w.errors = errors
    qtbot.addWidget(w)
    return w


def menu_texts(window) -> set[str]:
    return {a.text().replace("&", "") for a in window.findChildren(type(window.menuBar().actions()[0]))}


def test_menus_offer_sound_and_paper(window):
    texts = menu_texts(window)
    for t in ("Import Audio…", "Import Screenplay…", "Import Edited Cut…", "Export Animatic…", "Storyboard (PDF)…", "Shot list (CSV)…",
              "Cut: EDL (CMX 3600)…", "Cut on Beat (All Shots)", "Cut on Beat (Selected Shot)"):  # fmt: skip
        assert t in texts


def test_import_audio_is_a_relative_reference_and_undoes(window, project_file):
    doc = window.document
    sp.import_audio(window, project_file.parent / "click.wav")
    assert doc.project.audio == [AudioTrack(path="click.wav", name="click")]
    assert doc.dirty
    doc.undo_stack.undo()
    assert doc.project.audio == []


def test_corrupt_audio_is_refused_with_the_file_named(window, project_file):
    bad = project_file.parent / "bad.mp3"
    bad.write_bytes(b"\xff\xfb" + bytes(300))
    window._guarded(lambda: sp.import_audio(window, bad))
    assert window.errors and "bad.mp3" in window.errors[0]
    assert window.document.project.audio == []


def test_cut_on_beat_is_one_undo_step_that_puts_every_cut_on_a_click(window, project_file):
    doc = window.document
    sp.import_audio(window, project_file.parent / "click.wav")
    before = doc.project
    # move every cut off the beat first: 5 s, 3 s, 3 s, 4 s are all on 120 BPM beats already
    doc.trim_shot(doc.project.shots[0].id, 131)
    doc.trim_shot(doc.project.shots[2].id, 61)
    depth = doc.undo_stack.index()
    sp.cut_on_beat(window, selected_only=False)
    assert doc.undo_stack.index() == depth + 1
    fps = doc.project.fps
    cuts = np.cumsum([s.duration for s in doc.project.shots]) / fps
    assert np.all(np.abs(cuts * 2 - np.round(cuts * 2)) <= 0.5 / fps * 2 + 0.01)  # every cut on a half second
    doc.undo_stack.undo()
    assert [s.duration for s in doc.project.shots] == [131, 72, 61, 96]
    assert before.shots[1] == doc.project.shots[1]


def test_the_audio_lane_draws_the_waveform_and_beat_ticks(qtbot, project_file):
    project = build_demo_project().model_copy(update={"audio": [AudioTrack(path="click.wav")]})
    doc = Document(project, project_file)
    timeline = Timeline(doc)
    qtbot.addWidget(timeline)
    timeline.resize(1000, AUDIO_TOP + AUDIO_H + 8)
    timeline.px_per_frame = 2.0
    timeline.show()
    timeline.audio.refresh()
    qtbot.waitUntil(lambda: timeline.audio.samples is not None, timeout=60_000)
    image = timeline.grab().toImage()

    def colour_at(x, y) -> QColor:
        return image.pixelColor(int(x), int(y))

    def near(c: QColor, ref: QColor) -> bool:
        return abs(c.red() - ref.red()) + abs(c.green() - ref.green()) + abs(c.blue() - ref.blue()) < 60

    mid = AUDIO_TOP + AUDIO_H / 2
    # a click every 0.5 s = 12 frames = 24 px: the waveform is tall at a click and flat between
    click_x = timeline.frame_to_x(24)  # the click at 1.0 s
    column = [colour_at(click_x + dx, mid - 4) for dx in range(0, 3)]
    assert any(near(c, WAVE) for c in column)
    assert not near(colour_at(timeline.frame_to_x(30), mid - 4), WAVE)  # 1.25 s: silence
    beat_row = RULER_H - 2
    ticks = np.array([x for x in range(1000) if near(colour_at(x, beat_row), BEAT)])
    # one tick per beat, on the beat: 0.5 s = 24 px apart, 0.5 .. 13.5 s under the 15 s of shots
    assert len(ticks) >= 26
    assert np.all(np.abs((ticks - timeline.frame_to_x(0)) / 24 - np.round((ticks - timeline.frame_to_x(0)) / 24)) <= 2 / 24)


def test_import_screenplay_replaces_the_shots_in_one_step(window):
    doc = window.document
    sp.import_screenplay(window, SAMPLES[1])
    assert len(doc.project.shots) == 6
    people = [s.name for s in doc.project.subjects if s.kind == "person"]  # the blocked set's pieces stay
    assert people[:3] == ["Mara", "Jonas", "Detective Ruiz"]
    doc.undo_stack.undo()
    assert [s.id for s in doc.project.shots] == ["establish", "ots_mara", "reverse_jonas", "mara_push"]


def test_import_cut_applies_order_and_trims_and_tells_what_it_could_not_match(window, tmp_path):
    doc = window.document
    edl = tmp_path / "v2.edl"
    edl.write_text(EDITED_EDL)
    warnings = sp.import_cut(window, edl)
    assert [s.id for s in doc.project.shots] == ["mara_push", "ots_mara", "establish"]
    assert warnings and window.errors and "Temp VFX plate 12" in window.errors[-1]
    doc.undo_stack.undo()
    assert len(doc.project.shots) == 4


def test_exports_from_the_menus(window, tmp_path):
    import av

    sp.import_audio(window, tmp_path / "click.wav")
    sp.export_animatic(window, tmp_path / "a.mp4")
    with av.open(str(tmp_path / "a.mp4")) as c:
        assert len(c.streams.audio) == 1
        assert sum(1 for _ in c.decode(video=0)) == 360
    sp.export_document(window, "shotlist-csv", "CSV (*.csv)", ".csv", tmp_path / "s.csv")
    assert (tmp_path / "s.csv").read_text().count("\n") == 5


def test_trimming_a_clip_snaps_its_cut_to_a_nearby_beat(qtbot, project_file):
    from PySide6.QtCore import QPoint, Qt

    from app.ui.timeline import CLIP_TOP

    project = build_demo_project().model_copy(update={"audio": [AudioTrack(path="click.wav")]})
    doc = Document(project, project_file)
    timeline = Timeline(doc)
    qtbot.addWidget(timeline)
    timeline.resize(1000, 150)
    timeline.px_per_frame = 2.0
    timeline.show()
    timeline.audio.refresh()
    qtbot.waitUntil(lambda: timeline.audio.samples is not None, timeout=60_000)
    edge = timeline.clip_rect(0).right()
    y = CLIP_TOP + 20
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=QPoint(int(edge) - 1, y))
    qtbot.mouseMove(timeline, QPoint(int(edge) + 19, y))  # 10 frames on: 130, 4 px from the beat at 132 (5.5 s)
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(int(edge) + 19, y))
    assert doc.project.shots[0].duration == 132  # on the beat
    doc.undo_stack.undo()
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=QPoint(int(edge) - 1, y))
    qtbot.mouseMove(timeline, QPoint(int(edge) + 11, y))  # 126: 12 px from either beat, left where it is dropped
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(int(edge) + 11, y))
    assert doc.project.shots[0].duration == 126


def test_audio_tracks_dialog_edits_offset_trim_gain_mute_in_one_step(window, project_file):
    from app.ui.audio_tracks import AudioTracksDialog

    doc = window.document
    sp.import_audio(window, project_file.parent / "click.wav")
    dialog = AudioTracksDialog(list(doc.project.audio), window)
    row = dialog.rows[0]
    row["offset"].setValue(-0.5)
    row["trim_start"].setValue(1.0)
    row["trim_end"].setValue(9.0)
    row["gain"].setValue(-6.0)
    row["mute"].setChecked(True)
    dialog.accept()
    depth = doc.undo_stack.index()
    sp.edit_audio_tracks(window, dialog)
    track = doc.project.audio[0]
    assert (track.offset_s, track.trim_start_s, track.trim_end_s, track.gain_db, track.mute) == (-0.5, 1.0, 9.0, -6.0, True)
    assert doc.undo_stack.index() == depth + 1
    # a trim out before the trim in is refused, said, and changes nothing
    bad = AudioTracksDialog(list(doc.project.audio), window)
    bad.rows[0]["trim_end"].setValue(0.5)
    bad.accept()
    window._guarded(lambda: sp.edit_audio_tracks(window, bad))
    assert window.errors and "trim_end_s" in window.errors[-1]
    assert doc.project.audio[0] == track
    # Remove
    gone = AudioTracksDialog(list(doc.project.audio), window)
    gone.rows[0]["remove"].setChecked(True)
    gone.accept()
    sp.edit_audio_tracks(window, gone)
    assert doc.project.audio == []


def test_a_key_dragged_in_time_snaps_to_a_nearby_beat(qtbot, project_file):
    from app.ui.curves import CurveEditor

    project = build_demo_project().model_copy(update={"audio": [AudioTrack(path="click.wav")]})
    doc = Document(project, project_file)
    timeline = Timeline(doc)
    qtbot.addWidget(timeline)
    timeline.audio.refresh()
    qtbot.waitUntil(lambda: timeline.audio.samples is not None, timeout=60_000)
    editor = CurveEditor(doc)
    editor.beats = timeline.audio
    editor.resize(900, 600)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    shot = doc.project.shots[0]  # keys at 0, 30, 60, 89, 119; beats every 12 frames
    doc.select(shot.id, 1)
    editor.refresh()
    for plot in editor.plots.values():
        plot.vb.setXRange(0, 119, padding=0)
    qtbot.wait(20)
    px_per_frame = 1.0 / next(iter(editor.plots.values())).getViewBox().viewPixelSize()[0]
    assert px_per_frame > 4  # so half a frame is within the 6 px snap and three frames are not
    editor.begin_drag(1, "x")
    editor.drag_by(5.5, 0.0)  # 30 -> 35.5: half a frame from the beat at 36 (1.5 s)
    editor.end_drag()
    assert doc.shot(shot.id).keys[1].frame == 36
    doc.undo_stack.undo()
    editor.begin_drag(1, "x")
    editor.drag_by(3.0, 0.0)  # 33: three frames from any beat, left where it is dropped
    editor.end_drag()
    assert doc.shot(shot.id).keys[1].frame == 33


def test_scenes_are_bands_over_their_clips_and_set_scene_is_one_undo_step(window):
    from app.ui.timeline import CLIP_TOP, RULER_H
    from engine.sections import sections

    doc, tl = window.document, window.timeline
    assert [(s.first, s.last) for s in sections(doc.project)] == [(0, 3)]  # the demo is one scene
    doc.select(doc.project.shots[0].id)
    sp.set_scene(window, run=False, scene="")
    doc.select(doc.project.shots[1].id)
    sp.set_scene(window, run=True, scene="1 EXT. ROOFTOP - DAWN")  # shot 2 and everything after it
    doc.select(doc.project.shots[3].id)
    window.ask_text = lambda *a: "2 INT. STAIRWELL - NIGHT"
    window._guarded(lambda: sp.set_scene(window, run=False))
    secs = sections(doc.project)
    assert [(s.first, s.last) for s in secs] == [(1, 2), (3, 3)]
    for sec in secs:  # the band spans its clips, above them, under the ruler
        band, first, last = tl.scene_rect(sec), tl.clip_rect(sec.first), tl.clip_rect(sec.last)
        assert band.left() == pytest.approx(first.left()) and band.right() == pytest.approx(last.right())
        assert RULER_H <= band.top() and band.bottom() <= CLIP_TOP
    image = tl.grab().toImage()
    mid = tl.scene_rect(secs[0]).center()
    assert image.pixelColor(int(mid.x()), int(mid.y())) != image.pixelColor(int(tl.clip_rect(0).center().x()), int(mid.y()))
    doc.undo_stack.undo()
    assert [(s.first, s.last, s.scene) for s in sections(doc.project)] == [(1, 3, "1 EXT. ROOFTOP - DAWN")]
    doc.undo_stack.undo()
    assert [(s.first, s.last, s.scene) for s in sections(doc.project)] == [(1, 3, "1 EXT. ROOFTOP - NIGHT")]
