"""The main window: menus, the 3D viewport in the centre, and docks for the camera-grid preview,
timeline, inspector, curves and planner that remember where the director put them.

Dialogs go through small methods (``ask_unsaved``, ``choose_open_path`` …) so tests can answer them.
Files: the user's project is written only by Save / Save As; unsaved work goes to the autosave
sidecar (app/autosave.py), which the next launch offers to recover.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QMessageBox, QScrollArea, QWidget

from app.autosave import Autosaver, recover, recovery_for
from app.document import Document
from app.ui.curves import CurveEditor
from app.ui import input_guard
from app.ui.inspector import Inspector
from app.ui.audio_playback import AudioPlayback
from app.ui.blocking_panel import BlockingPanel
from app.ui.planner_panel import PlannerPanel
from app.ui.preview import PreviewPlayer
from app.ui.render_panel import RenderPanel
from app.ui.sound_and_paper import add_edit_menu as add_sound_and_paper_edits
from app.ui.sound_and_paper import add_file_menu as add_sound_and_paper_files
from app.ui.timeline import Timeline
from app.viewport3d.viewport import Viewport
from engine.errors import ShotlineError
from engine.interchange.formats import FORMATS
from engine.project import CameraKey, Project, Shot, load_project, new_shot_id

MAX_RECENT = 8
PROJECT_FILTER = "Shotline projects (*.shotline)"


def settings() -> QSettings:
    return QSettings("Shotline", "Shotline")


def new_project() -> Project:
    """File > New: one static five-second shot looking at the origin from 4 m away."""
    key = CameraKey(frame=0, position=(0.0, 1.6, 4.0), orientation=(0.0, 0.0, 0.0, 1.0))
    return Project(name="Untitled", shots=[Shot(id=new_shot_id(), name="Shot 1", duration=120, keys=[key])])


class MainWindow(QMainWindow):
    def __init__(self, project: Project, path: Path | None = None):
        super().__init__()
        self._shown = False  # the first show fits the timeline (and lays out docks if no saved layout)
        self.document = Document(project, path, self)
        self.autosaver = Autosaver(self.document, parent=self)
        self.preview = PreviewPlayer(self.document)
        self.timeline = Timeline(self.document)
        self.inspector = Inspector(self.document)
        self.curves = CurveEditor(self.document)
        self.planner = PlannerPanel(self.document)
        self.render_panel = RenderPanel(self.document)
        self.blocking = BlockingPanel(self.document)
        self.viewport = Viewport(self.document)
        # The subject picked in the viewport and in the Blocking panel is one subject.
        self.viewport.subject_tool.selected.connect(self.blocking.select)
        self.blocking.subjects.currentTextChanged.connect(self.viewport.subject_tool.select)
        self.curves.beats = self.timeline.audio  # keys dragged in time snap to the beats cuts snap to
        self.setCentralWidget(self.viewport)
        self.docks = {
            "Preview": self._dock("Preview", self.preview, Qt.DockWidgetArea.RightDockWidgetArea),
            "Timeline": self._dock("Timeline", self.timeline, Qt.DockWidgetArea.BottomDockWidgetArea),
            "Curves": self._dock("Curves", self.curves, Qt.DockWidgetArea.BottomDockWidgetArea),
            "Inspector": self._dock("Inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea, scroll=True),
            "Planner": self._dock("Planner", self.planner, Qt.DockWidgetArea.LeftDockWidgetArea, scroll=True),
            "Render": self._dock("Render", self.render_panel, Qt.DockWidgetArea.LeftDockWidgetArea, scroll=True),
            "Blocking": self._dock("Blocking", self.blocking, Qt.DockWidgetArea.LeftDockWidgetArea, scroll=True),
        }
        self.tabifyDockWidget(self.docks["Planner"], self.docks["Render"])
        self.tabifyDockWidget(self.docks["Render"], self.docks["Blocking"])
        self.docks["Planner"].raise_()
        self.splitDockWidget(self.docks["Timeline"], self.docks["Curves"], Qt.Orientation.Vertical)
        self.splitDockWidget(self.docks["Preview"], self.docks["Inspector"], Qt.Orientation.Vertical)

        self.audio_playback = AudioPlayback(self.document, self.preview, parent=self)
        # The playhead lives in the document's selection model; every view follows its event.
        self.timeline.playheadChanged.connect(self.document.seek)
        self.document.selection.events.frame.connect(self._playhead_moved)
        self.planner.ghostPaths.connect(self.viewport.show_ghosts)
        self.document.dirtyChanged.connect(self.setWindowModified)
        self.document.pathChanged.connect(lambda _p: self._update_title())
        self.document.changed.connect(self._update_title)
        self._build_menus()
        input_guard.install()
        input_guard.wheel_needs_focus(self)
        input_guard.application_wide(self.findChildren(QAction))
        self._update_title()
        self.restore_layout()

    def _dock(self, title: str, widget: QWidget, area, scroll: bool = False) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock.{title}")  # saveState() keys docks by object name
        if scroll:  # a tall form scrolls rather than squeezing the other docks
            area_widget = QScrollArea()
            area_widget.setWidgetResizable(True)
            area_widget.setWidget(widget)
            widget = area_widget
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # -- menus ---------------------------------------------------------------------------------

    def _action(self, menu, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.triggered.connect(lambda _=False: self._guarded(slot))
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        f = bar.addMenu("&File")
        self._action(f, "&New", self.file_new, QKeySequence.StandardKey.New)
        self._action(f, "&Open…", self.file_open, QKeySequence.StandardKey.Open)
        self.recent_menu = f.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        f.addSeparator()
        self._action(f, "&Save", self.file_save, QKeySequence.StandardKey.Save)
        self._action(f, "Save &As…", self.file_save_as, QKeySequence("Ctrl+Shift+S"))
        self._action(f, "Project &Settings…", self.project_settings, tip="Frame rate, delivery aspect and sensor, keeping the framing")
        f.addSeparator()
        self._action(f, "&Import Cameras…", self.file_import, tip="Add the shots of a camera file (USD, OTIO, nerfstudio, …)")
        self._action(f, "&Clone Camera from Video…", self.file_clone, tip="Shots whose cameras move as a reference clip's do")
        export = f.addMenu("&Export")
        self._action(export, "Camera-grid preview (MP4)…", self.export_preview)
        for fmt in FORMATS.values():
            self._action(export, f"{fmt.name}: {fmt.description}…", lambda n=fmt.name: self.export_format(n))
        add_sound_and_paper_files(self, f, export)
        f.addSeparator()
        self._action(f, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        e = bar.addMenu("&Edit")
        undo = self.document.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.document.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        e.addActions([undo, redo])
        e.addSeparator()
        self._action(e, "&Delete", self.delete_selection, QKeySequence.StandardKey.Delete, "Delete the selected key, else the selected shot")
        self._action(e, "D&uplicate Shot", self.duplicate_shot, QKeySequence("Ctrl+D"))
        self._action(e, "S&plit Shot at Playhead", self.split_at_playhead, QKeySequence("Ctrl+B"))
        self._action(e, "Add &Shot", self.add_shot, QKeySequence("Ctrl+T"), "A static shot after the selected one")
        self._action(e, "Add &Key at Playhead", self.key_at_playhead, QKeySequence("K"), "K while playing stops, as in J/K/L")
        self._action(e, "Key Su&bject at Playhead", self.viewport.subject_tool.key_at_playhead, QKeySequence("Shift+K"), "Key where the selected subject stands and faces, at the playhead")
        add_sound_and_paper_edits(self, e)

        v = bar.addMenu("&View")
        self._action(v, "&Frame Selection", self.frame_selection, QKeySequence("F"))
        self._action(v, "&Top View", lambda: self.viewport.set_named_view("top"), QKeySequence("7"))
        self._action(v, "F&ront View", lambda: self.viewport.set_named_view("front"), QKeySequence("1"))
        self._action(v, "&Side View", lambda: self.viewport.set_named_view("side"), QKeySequence("3"))
        self._action(v, "Flat / Perspective", self.viewport.toggle_ortho, QKeySequence("5"))
        self.look_through_action = self._action(v, "&Look Through Shot Camera", self.toggle_look_through, QKeySequence("0"))
        self.look_through_action.setCheckable(True)
        self.viewport.lookThroughChanged.connect(self.look_through_action.setChecked)
        self.look_through_grid_action = self._action(v, "Camera &Grid in Look-Through", lambda: self.viewport.set_look_through_grid(self.look_through_grid_action.isChecked()), QKeySequence("G"), "The camera-grid room instead of the grey-box set")
        self.look_through_grid_action.setCheckable(True)
        v.addSeparator()
        play = v.addMenu("&Playback")
        self._action(play, "Play / Pause", self.preview.toggle, QKeySequence("Space"))
        self._action(play, "Play Backwards (J)", lambda: self.preview.shuttle(-1), QKeySequence("J"))
        self._action(play, "Play Forwards (L)", lambda: self.preview.shuttle(1), QKeySequence("L"))
        self._action(play, "Previous Frame", lambda: self.preview.step(-1), QKeySequence("Left"))
        self._action(play, "Next Frame", lambda: self.preview.step(1), QKeySequence("Right"))
        self._action(play, "Go to Start", self.preview.home, QKeySequence("Home"))
        self._action(play, "Go to End", self.preview.end, QKeySequence("End"))
        v.addSeparator()
        for dock in self.docks.values():
            v.addAction(dock.toggleViewAction())
        self._action(v, "Reset &Layout", self.default_layout)

        h = bar.addMenu("&Help")
        self._action(h, "&Keyboard Shortcuts", self.show_shortcuts, QKeySequence.StandardKey.HelpContents)
        self._action(h, "&About Shotline", lambda: QMessageBox.about(self, "About Shotline", "Shotline — previsualisation for film directors."))

    def _guarded(self, slot) -> None:
        """Run a menu action; a refusal (bad input, a file that will not open) is said, never raised."""
        try:
            slot()
        except ShotlineError as exc:
            self.show_error(str(exc))

    # -- dialogs (methods so tests can answer them) ----------------------------------------------

    def show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 10_000)
        QMessageBox.warning(self, "Shotline", message)

    def ask_unsaved(self) -> str:
        """'save', 'discard' or 'cancel' for unsaved changes."""
        name = self.document.path.name if self.document.path else "Untitled"
        box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes", f"Save the changes to {name} before closing it?", parent=self)
        box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: "save", QMessageBox.StandardButton.Discard: "discard"}.get(QMessageBox.StandardButton(answer), "cancel")

    def ask_recover(self, side: Path) -> bool:
        name = self.document.path.name if self.document.path else "the untitled project"
        answer = QMessageBox.question(
            self,
            "Recover unsaved changes?",
            f"Shotline did not close cleanly. Recover the unsaved changes to {name} autosaved in {side}?\n\n"
            "Your file is unchanged either way; the recovered work is unsaved until you save it.",
        )
        return answer == QMessageBox.StandardButton.Yes

    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        """A line of text from the user, or None when they cancel (tests answer it)."""
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        value, ok = QInputDialog.getText(self, title, label, QLineEdit.EchoMode.Normal, text)
        return value if ok else None

    def choose_open_path(self, caption: str = "Open project", filter: str = PROJECT_FILTER) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self, caption, str(self._folder()), filter)
        return Path(path) if path else None

    def choose_save_path(self, caption: str = "Save project", filter: str = PROJECT_FILTER, suffix: str = ".shotline") -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, caption, str(self._folder()), filter)
        if not path:
            return None
        path = Path(path)
        return path if path.suffix else path.with_suffix(suffix)

    def _folder(self) -> Path:
        return self.document.path.parent if self.document.path else Path.cwd()

    # -- File ----------------------------------------------------------------------------------

    def offer_recovery(self) -> bool:
        """At launch: if the last session left an autosave of this project, offer to bring it back
        (as an undoable, unsaved edit, so the user's file changes only when they save)."""
        side = recovery_for(self.document.path)
        if side is None or not self.ask_recover(side):
            return False
        try:
            project = recover(side)
        except ShotlineError as exc:
            self.show_error(f"the autosave could not be read: {exc}")
            return False
        self.document.edit(project, "Recover autosaved changes")
        return True

    def maybe_save(self) -> bool:
        """True when the current project may be closed (saved, discarded or clean)."""
        if not self.document.dirty:
            return True
        answer = self.ask_unsaved()
        if answer == "save":
            return self.file_save()
        return answer == "discard"

    def file_new(self) -> None:
        if self.maybe_save():
            self.autosaver.discard()
            self.document.reset(new_project())

    def file_open(self, path: Path | None = None) -> None:
        if not self.maybe_save():
            return
        path = path or self.choose_open_path()
        if path is None:
            return
        project = load_project(path)  # a bad file is refused before anything is closed
        self.autosaver.discard()
        self.document.reset(project, path)
        self.add_recent(path)

    def file_save(self) -> bool:
        if self.document.path is None:
            return self.file_save_as()
        self.document.save()
        self.statusBar().showMessage(f"Saved {self.document.path}", 5000)
        return True

    def file_save_as(self) -> bool:
        path = self.choose_save_path()
        if path is None:
            return False
        self.document.save(path)
        self.add_recent(path)
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def file_clone(self) -> None:
        from app.ui.clone_dialog import CloneDialog

        path = self.choose_open_path("Clone camera from video", "Videos (*.mp4 *.mov *.mkv *.avi *.webm *.m4v);;All files (*)")
        if path is not None:
            self.autosaver.save_now()
            CloneDialog(self.document, path, self).exec()

    def file_import(self) -> None:
        from engine.interchange.detect import open_cameras

        path = self.choose_open_path("Import cameras", "Camera files (*.usd *.usda *.usdc *.otio *.json *.chan *.csv *.npy *.txt *.shotline)")
        if path is None:
            return
        self.autosaver.save_now()  # importers parse foreign files: keep the work safe first
        imported = open_cameras(path, template=self.document.project)
        shots = [s.model_copy(update={"id": new_shot_id()}) for s in imported.shots]
        doc = self.document
        doc.replace_shots(list(doc.project.shots) + shots, text=f"Import {path.name}")
        if shots:
            doc.select(shots[0].id)
        self.statusBar().showMessage(f"Imported {len(shots)} shots from {path.name}", 5000)

    def export_format(self, name: str) -> None:
        from engine.interchange.formats import export_project

        fmt = FORMATS[name]
        path = self.choose_save_path(f"Export {name}", f"{fmt.description} (*{fmt.suffix})", fmt.suffix)
        if path is not None:
            export_project(self.document.project, name, path)
            self.statusBar().showMessage(f"Exported {path}", 5000)

    def project_settings(self) -> None:
        from app.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.document, self)
        if dialog.exec():
            dialog.apply()

    def export_preview(self) -> None:
        from engine.grid.video import write_preview

        path = self.choose_save_path("Export camera-grid preview", "MP4 video (*.mp4)", ".mp4")
        if path is not None:
            from app.ui.background_task import export_with_progress

            self.autosaver.save_now()
            project, cameras = self.document.project, self.document.cameras()
            frames = export_with_progress(self, Path(path).name, lambda progress: write_preview(project, path, cameras=cameras, on_progress=progress))
            if frames is not None:
                self.statusBar().showMessage(f"Wrote {path} ({frames} frames)", 5000)

    def add_recent(self, path: Path) -> None:
        s = settings()
        recent = [str(Path(path).resolve())] + [p for p in (s.value("recent", []) or []) if p != str(Path(path).resolve())]
        s.setValue("recent", recent[:MAX_RECENT])

    def recent_files(self) -> list[str]:
        return [p for p in (settings().value("recent", []) or []) if Path(p).exists()]

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for p in self.recent_files():
            self._action(self.recent_menu, Path(p).name, lambda p=p: self.file_open(Path(p)), tip=p)
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none)").setEnabled(False)

    # -- Edit ----------------------------------------------------------------------------------

    def shot_under_playhead(self) -> tuple[str, int]:
        """The shot the playhead is in and the frame in it."""
        if not self.document.project.shots:
            raise ShotlineError("there are no shots", "edit", "playhead")
        shot, frame = self.document.locate()
        return shot.id, frame

    def delete_selection(self) -> None:
        doc = self.document
        if not doc.selected_shot:
            return
        if doc.selected_key >= 0:
            doc.delete_key(doc.selected_shot, doc.selected_key)
        else:
            doc.delete_shot(doc.selected_shot)

    def duplicate_shot(self) -> None:
        if self.document.selected_shot:
            self.document.select(self.document.duplicate_shot(self.document.selected_shot))

    def split_at_playhead(self) -> None:
        shot_id, frame = self.shot_under_playhead()
        self.document.split_shot(shot_id, frame)

    def add_shot(self) -> None:
        doc = self.document
        shot = new_project().shots[0]
        names = {s.name for s in doc.project.shots}
        n = len(doc.project.shots) + 1
        while f"Shot {n}" in names:
            n += 1
        shot = shot.model_copy(update={"name": f"Shot {n}"})
        at = doc.shot_index(doc.selected_shot) + 1 if doc.selected_shot else None
        doc.insert_shot(shot, at)
        doc.select(shot.id)

    def key_at_playhead(self) -> None:
        if self.preview.playing:  # K is "stop" in J/K/L
            self.preview.stop()
            return
        shot_id, frame = self.shot_under_playhead()
        index = self.document.add_key(shot_id, frame)
        self.document.select(shot_id, index)

    # -- View ----------------------------------------------------------------------------------

    def toggle_look_through(self) -> None:
        self.viewport.set_look_through(not self.viewport.look_through)

    def frame_selection(self) -> None:
        doc = self.document
        self.viewport.frame_selection()
        if not doc.selected_shot:
            return
        i = doc.shot_index(doc.selected_shot)
        start = doc.project.shot_start_frames()[i]
        self.timeline.show_frames(start, start + doc.project.shots[i].duration - 1)
        for plot in self.curves.plots.values():
            plot.enableAutoRange()

    def _playhead_moved(self, frame: int) -> None:
        self.preview.set_frame(frame)
        self.timeline.set_playhead(frame)  # (the viewport follows the selection model itself)
        doc = self.document
        if doc.selected_shot:
            start = doc.project.shot_start_frames()[doc.shot_index(doc.selected_shot)]
            self.curves.set_playhead(frame - start)

    def show_shortcuts(self) -> None:
        rows = [
            ("Space", "play / pause"), ("J / K / L", "play backwards / stop / forwards (again: faster)"),
            ("← / →", "previous / next frame"), ("Home / End", "start / end"), ("K (stopped)", "add a key at the playhead"),
            ("F", "frame the selected shot (timeline, curves, viewport)"),
            ("7 / 1 / 3", "viewport: top / front / side view"), ("5", "viewport: flat / perspective"),
            ("0", "viewport: look through the shot's camera"),
            ("D", "viewport: draw mode (drag draws the path · Shift adds · Esc cancels · Ctrl+click aims)"),
            ("Viewport drag", "empty: orbit · Shift or right: pan · wheel: zoom"),
            ("Viewport key", "drag: move on the ground · Shift+drag: height · diamond: aim"), ("Delete", "delete the selected key, else the shot"),
            ("Ctrl+D", "duplicate shot"), ("Ctrl+B", "split shot at playhead"), ("Ctrl+T", "add shot"),
            ("Ctrl+Z / Ctrl+Shift+Z", "undo / redo"), ("Ctrl+S", "save"),
        ]  # fmt: skip
        QMessageBox.information(self, "Keyboard shortcuts", "\n".join(f"{k}\t{v}" for k, v in rows))

    def _update_title(self) -> None:
        name = self.document.path.name if self.document.path else f"{self.document.project.name} (unsaved)"
        self.setWindowTitle(f"{name}[*] — Shotline")
        self.setWindowModified(self.document.dirty)

    # -- layout and closing --------------------------------------------------------------------

    def default_layout(self) -> None:
        for dock in self.docks.values():
            dock.setFloating(False)
            dock.show()
        self.resizeDocks([self.docks["Planner"], self.docks["Inspector"]], [340, 320], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["Timeline"], self.docks["Curves"]], [120, 260], Qt.Orientation.Vertical)
        self.resizeDocks([self.docks["Preview"], self.docks["Inspector"]], [260, 400], Qt.Orientation.Vertical)

    def restore_layout(self) -> None:
        s = settings()
        geometry, state = s.value("window/geometry"), s.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1600, 1000)
        self._restored = state is not None and self.restoreState(state)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._shown:
            self._shown = True
            if not self._restored:
                QTimer.singleShot(0, self.default_layout)  # docks take sizes once the window is laid out
            self.timeline.show_frames(0, max(self.document.project.total_frames - 1, 1))

    def save_layout(self) -> None:
        s = settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())

    def closeEvent(self, event) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self.preview.stop()
        self.render_panel.connection.shutdown()  # stops the engine only if Shotline started it
        self.autosaver.discard()
        self.save_layout()
        event.accept()
