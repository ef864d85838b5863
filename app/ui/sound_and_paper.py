"""Menu actions for sound and paper: audio tracks, Cut on Beat, the animatic, storyboard and shot
list, the editor's cut out and back, and screenplays in. Each edit is one undo step.

The main window calls :func:`add_file_menu` and :func:`add_edit_menu`; every action runs
through the window's guard (a refusal is said, never raised) and its file dialogs (which tests
answer)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from app.ui.background_task import export_with_progress
from engine.errors import ShotlineError
from engine.project import AudioTrack

AUDIO_FILTER = "Sound files (*.wav *.mp3 *.flac *.m4a *.aac *.aif *.aiff *.ogg)"
SCRIPT_FILTER = "Screenplays (*.fountain *.fdx *.spmd *.txt)"
CUT_FILTER = "Edited cuts (*.edl *.xml *.fcpxml)"
CUT_SUFFIX = {".edl": "edl", ".xml": "fcp7xml", ".fcpxml": "fcpxml"}


class _Busy:
    """A wait cursor while long work (decoding, encoding) runs on the GUI thread."""

    def __enter__(self):
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)

    def __exit__(self, *exc):
        QApplication.restoreOverrideCursor()


def add_file_menu(window, file_menu, export_menu) -> None:
    act = window._action
    file_menu.addSeparator()
    act(file_menu, "Import &Audio…", lambda: import_audio(window), tip="Add a sound track under the timeline (by reference: the file is not copied)")
    act(file_menu, "Import Screen&play…", lambda: import_screenplay(window), tip="Fountain or Final Draft: scenes, characters and shots")
    act(file_menu, "Import Edited &Cut…", lambda: import_cut(window), tip="An EDL or FCP XML back from editorial: shot order and trims")
    act(file_menu, "Export A&nimatic…", lambda: export_animatic(window), tip="The sequence with its sound and burn-ins as one MP4")
    export_menu.addSeparator()
    act(export_menu, "Storyboard (PDF)…", lambda: export_document(window, "storyboard", "Storyboard PDF (*.pdf)", ".pdf"))
    act(export_menu, "Shot list (CSV)…", lambda: export_document(window, "shotlist-csv", "CSV (*.csv)", ".csv"))
    act(export_menu, "Shot list (PDF)…", lambda: export_document(window, "shotlist-pdf", "PDF (*.pdf)", ".pdf"))
    act(export_menu, "Cut: EDL (CMX 3600)…", lambda: export_document(window, "edl", "EDL (*.edl)", ".edl"))
    act(export_menu, "Cut: Final Cut Pro 7 XML…", lambda: export_document(window, "fcp7xml", "FCP 7 XML (*.xml)", ".xml"))
    act(export_menu, "Cut: Final Cut Pro X XML…", lambda: export_document(window, "fcpxml", "FCPX XML (*.fcpxml)", ".fcpxml"))


def add_edit_menu(window, edit_menu) -> None:
    act = window._action
    edit_menu.addSeparator()
    act(edit_menu, "Audio &Tracks…", lambda: edit_audio_tracks(window), tip="Offset, trim, gain and mute of each sound track")
    act(edit_menu, "Cut on &Beat (Selected Shot)", lambda: cut_on_beat(window, selected_only=True), tip="Re-time the selected shot so its cut lands on the nearest beat")
    act(edit_menu, "Cut on Beat (&All Shots)", lambda: cut_on_beat(window, selected_only=False), tip="Re-time every shot so that every cut lands on a beat")
    edit_menu.addSeparator()
    act(edit_menu, "Set Sc&ene of Selected Shot…", lambda: set_scene(window, run=False), tip="The scene this shot belongs to (empty: none)")
    act(edit_menu, "Start Scene at Selected Shot…", lambda: set_scene(window, run=True), tip="This shot and the ones after it, up to the next scene, become one scene")


def _base(window) -> Path | None:
    return window.document.path.parent if window.document.path else None


def track_path(audio: Path, project_path: Path | None) -> str:
    """Relative to the project's folder when the sound is inside it (the pair can move together)."""
    audio = audio.resolve()
    if project_path is not None:
        try:
            return str(audio.relative_to(project_path.parent.resolve()))
        except ValueError:
            pass
    return str(audio)


def import_audio(window, path: Path | None = None) -> None:
    from engine.audio.decode import decode_audio

    path = path or window.choose_open_path("Import audio", AUDIO_FILTER)
    if path is None:
        return
    with _Busy():
        audio = decode_audio(path)  # refuse a file that will not play before it joins the project
    doc = window.document
    track = AudioTrack(path=track_path(Path(path), doc.path), name=Path(path).stem[:200])
    doc.edit(doc.project.model_copy(update={"audio": [*doc.project.audio, track]}), f"Add audio {Path(path).name}")
    window.statusBar().showMessage(f"Added {Path(path).name} ({audio.duration_s:.1f} s)", 5000)


def edit_audio_tracks(window, dialog=None) -> None:
    """Edit > Audio Tracks: the dialog's changes are one undo step (a bad trim is refused, said)."""
    from pydantic import ValidationError

    from app.ui.audio_tracks import AudioTracksDialog
    from engine.project import validation_error

    doc = window.document
    dialog = dialog or AudioTracksDialog(list(doc.project.audio), window)
    if dialog.result() != dialog.DialogCode.Accepted and not dialog.exec():
        return
    try:
        tracks = dialog.tracks()
    except ValidationError as exc:
        raise validation_error(exc, "audio track") from None
    if tracks != list(doc.project.audio):
        doc.edit(doc.project.model_copy(update={"audio": tracks}), "Edit audio tracks")


def set_scene(window, run: bool, scene: str | None = None) -> None:
    """Put the selected shot (``run``: and the following shots up to the next scene) in a scene;
    one undo step. The timeline's scene band, the shot list and the editorial markers follow."""
    from engine.sections import scene_of, set_scene as retag

    doc = window.document
    if not doc.selected_shot:
        raise ShotlineError("select a shot first", "edit", "scene")
    shots = doc.project.shots
    i = next(k for k, s in enumerate(shots) if s.id == doc.selected_shot)
    if scene is None:
        scene = window.ask_text("Scene", "Scene (number and heading, e.g. 3 INT. KITCHEN - DAY):", scene_of(shots[i]))
        if scene is None:
            return
    ids = [shots[i].id]
    if run:  # up to the next shot that already has another scene
        for s in shots[i + 1 :]:
            if scene_of(s) and scene_of(s) != scene_of(shots[i]):
                break
            ids.append(s.id)
    project = retag(doc.project, ids, scene)
    if project != doc.project:
        doc.edit(project, f"Scene {scene.strip()}" if scene.strip() else "Remove scene")


def cut_on_beat(window, selected_only: bool) -> None:
    from engine.audio.cut_on_beat import cut_on_beat as retime
    from engine.audio.track import sequence_beats

    doc = window.document
    if not doc.project.audio:
        raise ShotlineError("add an audio track first (File > Import Audio)", "project", "audio")
    with _Busy():
        beats = sequence_beats(doc.project, _base(window))
    if beats.size == 0:
        raise ShotlineError("no beats found in the unmuted audio tracks", "project", "audio")
    ids = [doc.selected_shot] if selected_only and doc.selected_shot else [s.id for s in doc.project.shots]
    project, notes = retime(doc.project, ids, beats)
    if project != doc.project:
        doc.edit(project, "Cut on beat")  # one undo step, however many shots moved
    window.statusBar().showMessage("; ".join(notes) if notes else f"Cut on beat: {len(ids)} shots re-timed", 8000)


def export_animatic(window, path: Path | None = None, source: str = "grid") -> None:
    from engine.interchange.animatic import write_animatic

    path = path or window.choose_save_path("Export animatic", "MP4 video (*.mp4)", ".mp4")
    if path is None:
        return
    window.autosaver.save_now()
    doc = window.document
    project, project_path = doc.project, doc.path  # the snapshot the thread reads
    frames = export_with_progress(
        window, Path(path).name, lambda progress: write_animatic(project, path, project.frame_size(832), source, project_path=project_path, progress=progress)
    )
    if frames is not None:
        window.statusBar().showMessage(f"Wrote {path} ({frames} frames)", 5000)


def export_document(window, name: str, filter: str, suffix: str, path: Path | None = None) -> None:
    from engine.interchange.documents import DOCUMENTS

    path = path or window.choose_save_path(f"Export {name}", filter, suffix)
    if path is None:
        return
    window.autosaver.save_now()
    source = "render" if name in ("edl", "fcp7xml", "fcpxml") and window.document.renders else None
    project, project_path = window.document.project, window.document.path
    what = export_with_progress(
        window, Path(path).name, lambda progress: DOCUMENTS[name].write(project, Path(path), project_path, {"source": source, "progress": progress})
    )
    if what is not None:
        window.statusBar().showMessage(f"Exported {path} ({what})", 8000)


def import_screenplay(window, path: Path | None = None) -> None:
    from engine.interchange.screenplay import read_script
    from engine.planner.script import plan_script

    path = path or window.choose_open_path("Import screenplay", SCRIPT_FILTER)
    if path is None:
        return
    window.autosaver.save_now()  # a foreign file is parsed: keep the work safe first
    doc = window.document
    script = read_script(path)
    project, warnings = plan_script(script, doc.project)
    doc.replace_shots(project.shots, subjects=project.subjects, text=f"Import {Path(path).name}")
    if project.shots:
        doc.select(project.shots[0].id)
    window.statusBar().showMessage(f"{len(project.shots)} shots from {len(script.scenes)} scenes of {Path(path).name}" + (f"; {len(warnings)} warnings" if warnings else ""), 8000)


def import_cut(window, path: Path | None = None, fmt: str | None = None) -> list[str]:
    from engine.interchange.editorial import import_cut as read_cut

    path = path or window.choose_open_path("Import edited cut", CUT_FILTER)
    if path is None:
        return []
    fmt = fmt or CUT_SUFFIX.get(Path(path).suffix.lower())
    if fmt is None:
        raise ShotlineError("an edited cut is an .edl, .xml (FCP 7) or .fcpxml", path)
    window.autosaver.save_now()
    doc = window.document
    result = read_cut(doc.project, path, fmt)
    doc.edit(result.project, f"Apply cut {Path(path).name}")
    summary = "; ".join(result.changes) or "no change"
    window.statusBar().showMessage(f"Cut applied: {summary}", 10_000)
    if result.warnings:
        tell(window, "Cut applied", "Some clips could not be matched:\n\n" + "\n".join(result.warnings))
    return result.warnings


def tell(window, title: str, text: str) -> None:
    """A message the user reads and dismisses (tests replace it)."""
    QMessageBox.information(window, title, text)
